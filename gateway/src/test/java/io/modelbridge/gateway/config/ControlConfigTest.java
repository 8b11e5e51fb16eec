package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlConfigTest {

    @Test
    void defaultsMatchTheReadme() {
        ControlConfig c = GatewayConfig.fromEnvironment(Map.of()).control();
        assertFalse(c.distributedLimits());
        assertFalse(c.limitsFailOpen(), "MB_RATE_LIMITS_ON_STORE_FAILURE defaults to closed");
        assertEquals(5, c.breakerFailures());
        assertEquals(Duration.ofSeconds(30), c.breakerOpen());
        assertEquals(0, BigDecimal.ONE.compareTo(c.leaseCredits()));
        assertEquals(4096, c.defaultMaxTokens());
        assertEquals(Optional.empty(), c.instanceId());
    }

    @Test
    void readsTheEnvironment() {
        ControlConfig c = GatewayConfig.fromEnvironment(Map.of("MB_RATE_LIMITS", "Distributed",
                "MB_BREAKER_FAILURES", "2", "MB_BREAKER_OPEN_SECONDS", "5", "MB_QUOTA_LEASE_CREDITS", "0.25",
                "MB_DEFAULT_MAX_TOKENS", "1024", "MB_INSTANCE_ID", "gw-east-1",
                "MB_RATE_LIMITS_ON_STORE_FAILURE", "Open")).control();
        assertTrue(c.distributedLimits());
        assertTrue(c.limitsFailOpen());
        assertEquals(2, c.breakerFailures());
        assertEquals(Duration.ofSeconds(5), c.breakerOpen());
        assertEquals(0, new BigDecimal("0.25").compareTo(c.leaseCredits()));
        assertEquals(1024, c.defaultMaxTokens());
        assertEquals(Optional.of("gw-east-1"), c.instanceId());
    }

    @Test
    void badValuesNameTheirVariable() {
        for (Map<String, String> env : java.util.List.of(Map.of("MB_RATE_LIMITS", "cluster"),
                Map.of("MB_BREAKER_FAILURES", "0"), Map.of("MB_QUOTA_LEASE_CREDITS", "lots"),
                Map.of("MB_QUOTA_LEASE_CREDITS", "-1"), Map.of("MB_INSTANCE_ID", "has space"),
                Map.of("MB_RATE_LIMITS_ON_STORE_FAILURE", "maybe"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> GatewayConfig.fromEnvironment(env));
            assertTrue(e.getMessage().contains(env.keySet().iterator().next()), e.getMessage());
        }
    }

    @Test
    void aRedisUrlSelectsRedisKeepsItsCaseAndNeverShowsThePassword() {
        ControlConfig c = GatewayConfig.fromEnvironment(
                Map.of("MB_RATE_LIMITS", "redis://:Pa%2Fss+Word@Redis.internal:6380/2")).control();
        assertTrue(c.distributedLimits());
        assertEquals("redis", c.limitsMode());
        RedisUrl redis = c.redisLimits().orElseThrow();
        assertEquals(new RedisUrl(false, "Redis.internal", 6380, 2, Optional.empty(), Optional.of("Pa/ss+Word")),
                redis);
        assertEquals("redis://***@Redis.internal:6380/2", redis.toString());
        assertFalse(c.toString().contains("Pa/ss"), c.toString());

        assertEquals(new RedisUrl(true, "::1", 6379, 0, Optional.of("app"), Optional.of("pw")),
                RedisUrl.parse("REDISS://app:pw@[::1]"));
        assertEquals("redis://127.0.0.1:6379/0", RedisUrl.parse("redis://127.0.0.1:6379").toString());
        assertEquals("local", ControlConfig.defaults().limitsMode());
        assertEquals("distributed", ControlConfig.defaults().withDistributedLimits(true).limitsMode());
        assertEquals("local", ControlConfig.defaults().withRedisLimits(redis).withDistributedLimits(false).limitsMode());
    }

    @Test
    void aBadRedisUrlNamesTheVariableAndTheFormButNotThePassword() {
        for (String bad : java.util.List.of("redis://:topsecret@host:99999", "redis://:topsecret@host:port",
                "redis://:topsecret@/0", "rediss://:topsecret@host:6379/db")) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> GatewayConfig.fromEnvironment(Map.of("MB_RATE_LIMITS", bad)), bad);
            assertTrue(e.getMessage().startsWith("MB_RATE_LIMITS"), e.getMessage());
            assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
        }
    }
}
