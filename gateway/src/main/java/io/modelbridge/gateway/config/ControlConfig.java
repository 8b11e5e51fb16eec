package io.modelbridge.gateway.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Settings of the control plane (rate limits, circuit breaker, quota leases); see docs/control-plane.md.
 *
 * @param distributedLimits MB_RATE_LIMITS=distributed or redis://...: buckets shared by every instance
 * @param limitsFailOpen    MB_RATE_LIMITS_ON_STORE_FAILURE=open: admit when the bucket store is unreachable
 *                          (default {@code closed}: refuse with 503 rate_limit_unavailable)
 * @param breakerFailures   consecutive failures that open a channel's circuit breaker
 * @param breakerOpen       how long an open breaker keeps the channel out before one trial request
 * @param leaseCredits      credits a quota lease takes from a user's balance at a time (at least one request's need)
 * @param defaultMaxTokens  completion tokens reserved for a request that sends no max_tokens
 * @param instanceId        MB_INSTANCE_ID, or empty: then a generated id kept in the data folder
 * @param redisLimits       MB_RATE_LIMITS=redis://...: the shared buckets are in this Redis, not in PostgreSQL
 */
public record ControlConfig(boolean distributedLimits, boolean limitsFailOpen, int breakerFailures,
                            Duration breakerOpen,
                            BigDecimal leaseCredits, int defaultMaxTokens, Optional<String> instanceId,
                            Optional<RedisUrl> redisLimits) {

    public ControlConfig(boolean distributedLimits, boolean limitsFailOpen, int breakerFailures, Duration breakerOpen,
                         BigDecimal leaseCredits, int defaultMaxTokens, Optional<String> instanceId) {
        this(distributedLimits, limitsFailOpen, breakerFailures, breakerOpen, leaseCredits, defaultMaxTokens, instanceId,
                Optional.empty());
    }

    public ControlConfig {
        if (breakerFailures < 1) {
            throw new IllegalArgumentException("MB_BREAKER_FAILURES must be at least 1, got " + breakerFailures);
        }
        if (breakerOpen.isNegative() || breakerOpen.isZero()) {
            throw new IllegalArgumentException("MB_BREAKER_OPEN_SECONDS must be positive, got " + breakerOpen);
        }
        if (leaseCredits.signum() <= 0) {
            throw new IllegalArgumentException("MB_QUOTA_LEASE_CREDITS must be positive, got " + leaseCredits);
        }
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("MB_DEFAULT_MAX_TOKENS must be at least 1, got " + defaultMaxTokens);
        }
        instanceId.ifPresent(id -> {
            if (!id.matches("[A-Za-z0-9._:-]{1,64}")) {
                throw new IllegalArgumentException(
                        "MB_INSTANCE_ID must be 1-64 letters, digits or . _ : -, got '" + id + "'");
            }
        });
    }

    public static ControlConfig defaults() {
        return new ControlConfig(false, false, 5, Duration.ofSeconds(30), BigDecimal.ONE, 4096, Optional.empty());
    }

    /** MB_RATE_LIMITS must be {@code local} (default), {@code distributed} or a Redis URL. */
    static boolean distributed(Optional<String> mode) {
        if (mode.isPresent() && RedisUrl.looksLikeOne(mode.get())) {
            return true;
        }
        String m = mode.orElse("local").toLowerCase(Locale.ROOT);
        return switch (m) {
            case "local" -> false;
            case "distributed" -> true;
            default -> throw new IllegalArgumentException(
                    "MB_RATE_LIMITS must be 'local', 'distributed' or redis://[:password@]host:port[/db], got '" + m
                            + "'");
        };
    }

    /** The Redis of MB_RATE_LIMITS=redis://... (or rediss://), if that is its value. */
    static Optional<RedisUrl> redis(Optional<String> mode) {
        return mode.filter(RedisUrl::looksLikeOne).map(RedisUrl::parse);
    }

    /** The rate-limit mode every instance on one database must share: "local", "distributed" or "redis". */
    public String limitsMode() {
        return redisLimits.isPresent() ? "redis" : distributedLimits ? "distributed" : "local";
    }

    /** MB_RATE_LIMITS_ON_STORE_FAILURE must be {@code closed} (default) or {@code open}. */
    static boolean failOpen(Optional<String> mode) {
        String m = mode.orElse("closed").toLowerCase(Locale.ROOT);
        return switch (m) {
            case "closed" -> false;
            case "open" -> true;
            default -> throw new IllegalArgumentException(
                    "MB_RATE_LIMITS_ON_STORE_FAILURE must be 'closed' or 'open', got '" + m + "'");
        };
    }

    public ControlConfig withLimitsFailOpen(boolean open) {
        return new ControlConfig(distributedLimits, open, breakerFailures, breakerOpen, leaseCredits, defaultMaxTokens,
                instanceId, redisLimits);
    }

    public ControlConfig withDistributedLimits(boolean distributed) {
        return new ControlConfig(distributed, limitsFailOpen, breakerFailures, breakerOpen, leaseCredits, defaultMaxTokens, instanceId,
                distributed ? redisLimits : Optional.empty());
    }

    /** Distributed limits in this Redis. */
    public ControlConfig withRedisLimits(RedisUrl redis) {
        return new ControlConfig(true, limitsFailOpen, breakerFailures, breakerOpen, leaseCredits, defaultMaxTokens,
                instanceId, Optional.of(redis));
    }

    public ControlConfig withBreaker(int failures, Duration open) {
        return new ControlConfig(distributedLimits, limitsFailOpen, failures, open, leaseCredits, defaultMaxTokens, instanceId, redisLimits);
    }

    public ControlConfig withLeaseCredits(BigDecimal credits) {
        return new ControlConfig(distributedLimits, limitsFailOpen, breakerFailures, breakerOpen, credits, defaultMaxTokens,
                instanceId, redisLimits);
    }

    public ControlConfig withDefaultMaxTokens(int tokens) {
        return new ControlConfig(distributedLimits, limitsFailOpen, breakerFailures, breakerOpen, leaseCredits, tokens, instanceId, redisLimits);
    }
}
