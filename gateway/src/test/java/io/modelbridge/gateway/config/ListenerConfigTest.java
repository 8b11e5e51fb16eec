package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListenerConfigTest {
    @Test
    void theDefaultCapLeavesRoomForUpstreamSocketsAndTheReservedDescriptors() {
        assertEquals(128, ListenerConfig.defaultMaxConnections(512));
        assertEquals(32_640, ListenerConfig.defaultMaxConnections(65_536));
        assertEquals(ListenerConfig.MIN_MAX_CONNECTIONS, ListenerConfig.defaultMaxConnections(100));
        assertEquals(ListenerConfig.FALLBACK_MAX_CONNECTIONS, ListenerConfig.defaultMaxConnections(-1));
    }

    @Test
    void defaultsComeFromTheProcessLimitAndSixtySeconds() {
        ListenerConfig c = GatewayConfig.fromEnvironment(Map.of()).listener();
        assertEquals(ListenerConfig.defaultMaxConnections(ListenerConfig.openFileLimit()), c.maxConnections());
        assertEquals(Duration.ofSeconds(60), c.idleTimeout());
        assertEquals(Duration.ofSeconds(5), c.drainDelay());
    }

    @Test
    void variablesAreReadAndBadValuesNameTheirVariable() {
        ListenerConfig c = GatewayConfig.fromEnvironment(Map.of("MB_MAX_CONNECTIONS", "100",
                "MB_IDLE_TIMEOUT_SECONDS", " 5 ", "MB_DRAIN_DELAY_SECONDS", "0")).listener();
        assertEquals(100, c.maxConnections());
        assertEquals(Duration.ofSeconds(5), c.idleTimeout());
        assertEquals(Duration.ZERO, c.drainDelay());
        for (var bad : Map.of("MB_MAX_CONNECTIONS", "0", "MB_IDLE_TIMEOUT_SECONDS", "0", "MB_DRAIN_DELAY_SECONDS", "-1")
                .entrySet()) {
            var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(Map.of(bad.getKey(),
                    bad.getValue())));
            assertTrue(e.getMessage().startsWith(bad.getKey()), e.getMessage());
        }
        long limit = ListenerConfig.openFileLimit();
        if (limit > 0) {
            var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(
                    Map.of("MB_MAX_CONNECTIONS", String.valueOf(limit))));
            assertTrue(e.getMessage().contains("open-file limit"), e.getMessage());
        }
    }

    @Test
    void bodyMemoryIsATenthOfTheHeapWithRoomForOneLargestBody() {
        long tenth = Runtime.getRuntime().maxMemory() / 10;
        assertEquals(Math.max(tenth, 8 * 1024 * 1024),
                GatewayConfig.fromEnvironment(Map.of()).listener().bodyMemory());
        long huge = tenth + 1024;
        assertEquals(huge, GatewayConfig.fromEnvironment(Map.of("MB_MAX_BODY_BYTES", String.valueOf(huge)))
                .listener().bodyMemory(), "a larger MB_MAX_BODY_BYTES raises the default");
        assertEquals(5_000_000_000L, GatewayConfig.fromEnvironment(Map.of("MB_BODY_MEMORY_BYTES", "5000000000"))
                .listener().bodyMemory());
        var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(
                Map.of("MB_BODY_MEMORY_BYTES", "1048576")));
        assertTrue(e.getMessage().startsWith("MB_BODY_MEMORY_BYTES (1048576) must be at least MB_MAX_BODY_BYTES"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(
                Map.of("MB_BODY_MEMORY_BYTES", "lots")));
        assertTrue(e.getMessage().startsWith("MB_BODY_MEMORY_BYTES must be a whole number"), e.getMessage());
    }
}
