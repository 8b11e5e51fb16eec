package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void defaultsMatchTheReadme() {
        GatewayConfig c = GatewayConfig.fromEnvironment(Map.of());
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals(8081, c.adminPort());
        assertTrue(c.dataDir().endsWith("data"));
        assertEquals(c.dataDir().resolve("plugins"), c.pluginsDir());
        assertTrue(c.dbUrl().isEmpty());
    }

    @Test
    void badValuesFailWithTheVariableName() {
        var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(Map.of("MB_PORT", "eighty")));
        assertTrue(e.getMessage().contains("MB_PORT"));
        e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(Map.of("MB_ADMIN_PORT", "8080")));
        assertTrue(e.getMessage().contains("MB_ADMIN_PORT"));
    }
}
