package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsesConfigTest {

    @Test
    void defaultsMatchTheReadme() {
        ResponsesConfig c = GatewayConfig.fromEnvironment(Map.of()).responses();
        assertEquals(Duration.ofDays(30), c.retention());
        assertEquals(1_048_576, c.maxBytes());
        assertEquals(8_388_608, c.conversationBytes());
        assertTrue(c.storing());
    }

    @Test
    void aRetentionOfZeroDaysStoresNothing() {
        ResponsesConfig c = GatewayConfig.fromEnvironment(Map.of("MB_RESPONSES_RETENTION_DAYS", "0",
                "MB_RESPONSES_MAX_BYTES", "4096")).responses();
        assertFalse(c.storing());
        assertEquals(4096, c.maxBytes());
    }

    @Test
    void badValuesAreRefusedWithTheVariableName() {
        for (Map<String, String> env : new Map[] {Map.of("MB_RESPONSES_RETENTION_DAYS", "-1"),
                Map.of("MB_RESPONSES_MAX_BYTES", "1000"), Map.of("MB_RESPONSES_MAX_BYTES", "99999999999")}) {
            var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(env));
            assertTrue(e.getMessage().contains(env.keySet().iterator().next()), e.getMessage());
        }
    }
}
