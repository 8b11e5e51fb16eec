package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiEdgeConfigTest {
    private static ApiEdgeConfig edge(Map<String, String> env) {
        return GatewayConfig.fromEnvironment(env).listener().edge();
    }

    @Test
    void byDefaultAnyOriginMayCallAndRoutingIsHidden() {
        ApiEdgeConfig c = edge(Map.of());
        assertEquals(List.of("*"), c.corsOrigins());
        assertTrue(c.allowsOrigin("https://anything.example"));
        assertFalse(c.exposeRouting());
    }

    @Test
    void aListAllowsItsOriginsOnlyAndNoneTurnsCorsOff() {
        ApiEdgeConfig c = edge(Map.of("MB_CORS_ORIGINS", "https://Chat.Example.com, http://localhost:3000",
                "MB_EXPOSE_ROUTING", "true"));
        assertTrue(c.allowsOrigin("https://chat.example.com"));
        assertTrue(c.allowsOrigin("http://localhost:3000"));
        assertFalse(c.allowsOrigin("http://localhost:3001"));
        assertTrue(c.exposeRouting());
        assertFalse(edge(Map.of("MB_CORS_ORIGINS", "none")).allowsOrigin("http://localhost:3000"));
    }

    @Test
    void streamPingsComeEveryTenSecondsOfSilenceUnlessSetOrOff() {
        assertEquals(Duration.ofSeconds(10), edge(Map.of()).streamPing());
        assertEquals(Duration.ofSeconds(25), edge(Map.of("MB_STREAM_PING_SECONDS", "25")).streamPing());
        assertEquals(Duration.ZERO, edge(Map.of("MB_STREAM_PING_SECONDS", "0")).streamPing());
    }

    @Test
    void badValuesNameTheirVariable() {
        for (var bad : Map.of("MB_CORS_ORIGINS", "https://chat.example.com/app", "MB_EXPOSE_ROUTING", "maybe",
                "MB_STREAM_PING_SECONDS", "-1").entrySet()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> GatewayConfig.fromEnvironment(Map.of(bad.getKey(), bad.getValue())));
            assertTrue(e.getMessage().startsWith(bad.getKey()), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> edge(Map.of("MB_CORS_ORIGINS", "chat.example.com")));
    }
}
