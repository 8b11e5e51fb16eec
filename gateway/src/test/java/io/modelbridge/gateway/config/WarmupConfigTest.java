package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarmupConfigTest {

    @Test
    void offUnlessSet() {
        assertFalse(WarmupConfig.fromEnvironment(Map.of()).on());
        assertFalse(WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", "off")).on());
        assertFalse(WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", " ")).on());
        assertFalse(WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", "0")).on());
    }

    @Test
    void secondsOrMinutes() {
        assertEquals(Duration.ofSeconds(20), WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", "20s")).length());
        assertEquals(Duration.ofSeconds(20), WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", "20")).length());
        assertEquals(Duration.ofMinutes(2), WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", "2m")).length());
        assertTrue(WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", "20S")).on());
    }

    @Test
    void badValuesAreRefusedWithTheVariableName() {
        for (String bad : new String[] {"-5s", "twenty", "20h", "1.5s", "301s", "6m", "99999"}) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> WarmupConfig.fromEnvironment(Map.of("MB_WARMUP", bad)), bad);
            assertTrue(e.getMessage().contains("MB_WARMUP"), e.getMessage());
        }
    }
}
