package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageRetentionConfigTest {

    @Test
    void everyUsageRowIsKeptUnlessARetentionIsSet() {
        assertEquals(Duration.ZERO, GatewayConfig.fromEnvironment(Map.of()).usageRetention());
        assertEquals(Duration.ofDays(90),
                GatewayConfig.fromEnvironment(Map.of("MB_USAGE_RETENTION_DAYS", " 90 ")).usageRetention());
    }

    @Test
    void badValuesAreRefusedWithTheVariableName() {
        for (String value : new String[] {"-1", "30d", "1.5", "99999999999"}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> GatewayConfig.fromEnvironment(Map.of("MB_USAGE_RETENTION_DAYS", value)));
            assertTrue(e.getMessage().contains("MB_USAGE_RETENTION_DAYS"), e.getMessage());
        }
    }
}
