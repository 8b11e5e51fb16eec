package io.modelbridge.gateway.cache;

import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The one way the gateway builds a Caffeine cache.
 *
 * <p>By default Caffeine hands its upkeep (draining its read and write buffers, eviction, expiry, listeners) to
 * {@code ForkJoinPool.commonPool()} each time a buffer fills. On the request path that is a hand-off to another
 * thread every few hundred lookups: a futex wake, a context switch and an inter-processor interrupt, about 5 % of the
 * gateway's CPU under load (docs/benchmarks.md, "Cache upkeep"). Here the thread that fills the buffer does the upkeep
 * itself, under Caffeine's eviction lock; it is amortized over the lookups that filled the buffer.
 */
public final class Caches {
    private Caches() {
    }

    /** A builder whose upkeep runs on the calling thread. */
    public static Caffeine<Object, Object> newBuilder() {
        return Caffeine.newBuilder().executor(Runnable::run);
    }
}
