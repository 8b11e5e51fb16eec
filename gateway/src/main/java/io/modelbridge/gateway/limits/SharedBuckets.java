package io.modelbridge.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.RemoteBucketBuilder;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.modelbridge.gateway.cache.Caches;
import io.modelbridge.gateway.spill.RateLimitedLog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Buckets in a store every instance shares (PostgreSQL or Redis), through a Bucket4j proxy manager, without a round
 * trip per request. A bucket of at least {@code 100 / UNSYNCED_PERCENT} tokens uses Bucket4j's delaying optimization:
 * this instance consumes from its last copy of the bucket and writes its consumption to the store once it has taken
 * {@link #unsynchronizedTokens} tokens ({@code UNSYNCED_PERCENT} of the limit) or {@code maxUnsyncedTime} has
 * passed, whichever comes first; concurrent requests on one bucket share one store operation (batching). N instances
 * therefore admit at most {@code limit + N × unsynchronizedTokens} per bucket and window. Smaller buckets go to the
 * store on every operation and stay exact.
 *
 * <p>Refunds (unused estimated tokens, tokens given back by a refused request) only ever lower the count, so they
 * wait here and reach the store together every {@code maxUnsyncedTime} ({@link #flushRefunds}), except on exact
 * buckets, whose refunds go to the store at once.
 */
final class SharedBuckets implements AutoCloseable {
    static final long UNSYNCED_PERCENT = 1;
    /** Redis answers a sync in well under a millisecond. */
    static final Duration REDIS_MAX_UNSYNCED_TIME = Duration.ofMillis(100);
    /** A PostgreSQL sync (a SELECT ... FOR UPDATE transaction) takes milliseconds, and holds up the bucket's requests. */
    static final Duration POSTGRES_MAX_UNSYNCED_TIME = Duration.ofMillis(500);
    private final Duration maxUnsyncedTime;
    private static final RateLimitedLog FLUSH_FAILURE_LOG = new RateLimitedLog(RateLimiter.LOG, Duration.ofSeconds(10));
    private final ProxyManager<String> store;
    private final Cache<String, BucketProxy> proxies = Caches.newBuilder()
            .maximumSize(200_000)
            .expireAfterAccess(Duration.ofMinutes(2))
            .build();
    private final Map<Limit, Long> pendingRefunds = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refunds = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("rate-limit-refunds").factory());

    SharedBuckets(ProxyManager<String> store, Duration maxUnsyncedTime) {
        this.store = store;
        this.maxUnsyncedTime = maxUnsyncedTime;
        refunds.scheduleWithFixedDelay(this::flushQuietly, maxUnsyncedTime.toMillis(), maxUnsyncedTime.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Tokens of a bucket this instance may take without writing to the store; 0 when every operation is exact. */
    static long unsynchronizedTokens(long perMinute) {
        return perMinute * UNSYNCED_PERCENT / 100;
    }

    ConsumptionProbe tryConsume(Limit limit, long tokens) {
        return proxy(limit).tryConsumeAndReturnRemaining(tokens);
    }

    void refund(Limit limit, long tokens) {
        if (unsynchronizedTokens(limit.perMinute()) == 0) {
            addTokens(limit, tokens);
        } else {
            pendingRefunds.merge(limit, tokens, Long::sum);
        }
    }

    void forceConsume(Limit limit, long tokens) {
        proxy(limit).consumeIgnoringRateLimits(tokens);
    }

    private void addTokens(Limit limit, long tokens) {
        proxy(limit).addTokens(tokens);
    }

    /** Sends the waiting refunds to the store; those that fail wait for the next flush. */
    void flushRefunds() {
        RuntimeException failure = null;
        for (Limit limit : pendingRefunds.keySet()) {
            Long tokens = pendingRefunds.remove(limit);
            if (tokens == null) {
                continue;
            }
            try {
                addTokens(limit, tokens);
            } catch (RuntimeException e) {
                pendingRefunds.merge(limit, tokens, Long::sum);
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void flushQuietly() {
        try {
            flushRefunds();
        } catch (RuntimeException | Error e) { // an Error too: it would cancel the periodic flush for good
            FLUSH_FAILURE_LOG.warn("Rate-limit refunds wait for the bucket store: {}", e.toString());
        }
    }

    /** Stops the refund flushes after one last try. */
    @Override
    public void close() {
        refunds.shutdownNow();
        flushQuietly();
    }

    private BucketProxy proxy(Limit limit) {
        return proxies.get(limit.bucketKey(), key -> {
            RemoteBucketBuilder<String> builder = store.builder();
            long unsynchronized = unsynchronizedTokens(limit.perMinute());
            if (unsynchronized > 0) {
                builder = builder.withOptimization(
                        Optimizations.delaying(new DelayParameters(unsynchronized, maxUnsyncedTime)));
            }
            return builder.build(key, () -> BucketStore.configuration(limit.perMinute()));
        });
    }
}
