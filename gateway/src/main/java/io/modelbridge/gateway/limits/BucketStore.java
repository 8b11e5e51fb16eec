package io.modelbridge.gateway.limits;

import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Where buckets live: in this process, or in PostgreSQL shared by every instance. A bucket holds {@code perMinute}
 * tokens and is refilled to full once a minute (Bucket4j's interval refill), so a burst gets exactly the limit.
 */
interface BucketStore extends AutoCloseable {

    ConsumptionProbe tryConsume(Limit limit, long tokens);

    /** Gives back tokens taken for a request (capped at the bucket's capacity). */
    void refund(Limit limit, long tokens);

    /** Takes tokens even below zero: the request used more than it was admitted for. */
    void forceConsume(Limit limit, long tokens);

    /** Background clean-up of buckets nobody used for a while. */
    default void removeExpired() {
    }

    @Override
    default void close() {
    }

    static BucketConfiguration configuration(long perMinute) {
        return BucketConfiguration.builder()
                .addLimit(BandwidthBuilder.builder().capacity(perMinute).refillIntervally(perMinute, Duration.ofMinutes(1)).build())
                .build();
    }
}
