package io.modelbridge.db.repo;

import java.time.Instant;

/**
 * Filters over the usage log; every filter may be null (no filter). {@code model} matches the alias the client
 * asked for or the upstream model; {@code until} is exclusive.
 */
public record UsageQuery(Long userId, Long keyId, String model, String channel, Instant since, Instant until) {

    public static UsageQuery all() {
        return new UsageQuery(null, null, null, null, null, null);
    }
}
