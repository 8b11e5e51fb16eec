package io.modelbridge.admin.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TargetSpecTest {
    @Test
    void channelModelPriorityAndWeight() {
        assertEquals(new TargetSpec("ds", null, 0, 1), TargetSpec.parse("ds"));
        assertEquals(new TargetSpec("ds", "deepseek-chat", 0, 1), TargetSpec.parse("ds:deepseek-chat"));
        assertEquals(new TargetSpec("ds", "deepseek-chat", 2, 5), TargetSpec.parse("ds:deepseek-chat,priority=2,weight=5"));
        assertEquals(new TargetSpec("local", "llama3:8b", 0, 3), TargetSpec.parse("local:llama3:8b, weight=3"));
        assertEquals("{\"channel\":\"ds\",\"priority\":1,\"weight\":1}", TargetSpec.parse("ds,priority=1").json().toString());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("':m' must start with CHANNEL or CHANNEL:UPSTREAM_MODEL",
                assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse(":m")).getMessage());
        assertEquals("'prio' in 'ds,prio=1' is not a target setting (priority, weight)",
                assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("ds,prio=1")).getMessage());
        assertEquals("'x' in 'ds,weight=x' is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("ds,weight=x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("ds,weight"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("ds:"));
    }
}
