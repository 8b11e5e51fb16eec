package io.modelbridge.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.modelbridge.gateway.cache.Caches;
import java.time.Duration;

/**
 * In-memory buckets of this instance, in a bounded cache. A bucket unused for two minutes is full again (its
 * window is one minute), so dropping it changes nothing.
 */
final class LocalBuckets implements BucketStore {
    private final TimeMeter time;
    private final Cache<String, Bucket> buckets = Caches.newBuilder()
            .maximumSize(200_000)
            .expireAfterAccess(Duration.ofMinutes(2))
            .build();

    LocalBuckets(TimeMeter time) {
        this.time = time;
    }

    @Override
    public ConsumptionProbe tryConsume(Limit limit, long tokens) {
        return bucket(limit).tryConsumeAndReturnRemaining(tokens);
    }

    @Override
    public void refund(Limit limit, long tokens) {
        bucket(limit).addTokens(tokens);
    }

    @Override
    public void forceConsume(Limit limit, long tokens) {
        bucket(limit).consumeIgnoringRateLimits(tokens);
    }

    private Bucket bucket(Limit limit) {
        return buckets.get(limit.bucketKey(), k -> Bucket.builder()
                .addLimit(BucketStore.configuration(limit.perMinute()).getBandwidths()[0])
                .withCustomTimePrecision(time)
                .build());
    }
}
