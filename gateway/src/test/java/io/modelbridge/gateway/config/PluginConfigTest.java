package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginConfigTest {

    @Test
    void defaultsMatchTheReadme() {
        PluginConfig c = GatewayConfig.fromEnvironment(Map.of()).plugins();
        assertEquals(Set.of(), c.overrides());
        assertEquals(Duration.ofSeconds(20), c.startTimeout());
    }

    @Test
    void overridesAreACommaSeparatedListOfIds() {
        PluginConfig c = GatewayConfig.fromEnvironment(Map.of("MB_PLUGINS_OVERRIDE", " openai, glm ,,",
                "MB_PLUGIN_START_TIMEOUT_SECONDS", "5")).plugins();
        assertEquals(Set.of("openai", "glm"), c.overrides());
        assertEquals(Duration.ofSeconds(5), c.startTimeout());
    }

    @Test
    void aTimeoutBelowOneSecondIsRefusedWithTheVariableName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.fromEnvironment(Map.of("MB_PLUGIN_START_TIMEOUT_SECONDS", "0")));
        assertTrue(e.getMessage().contains("MB_PLUGIN_START_TIMEOUT_SECONDS"), e.getMessage());
    }
}
