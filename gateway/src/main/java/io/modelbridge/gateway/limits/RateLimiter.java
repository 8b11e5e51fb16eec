package io.modelbridge.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.config.RedisUrl;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.spill.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests per minute and tokens per minute, set globally, per user, per key and per model; every limit that
 * names a request applies, so the tightest decides. A request takes one token from each requests bucket and its
 * estimated tokens (prompt + max_tokens) from each tokens bucket; after the call the token buckets are corrected
 * to the real count. A refusal is a 429 {@code rate_limit_exceeded} with Retry-After; admitted and refused
 * requests carry OpenAI's x-ratelimit-* headers. If the bucket store fails (database or Redis unreachable in
 * distributed mode; a merely busy pool only queues, see {@link PostgresBuckets}), MB_RATE_LIMITS_ON_STORE_FAILURE decides:
 * {@code closed} (default) refuses with 503 {@code rate_limit_unavailable}, {@code open} lets the request through.
 */
public final class RateLimiter implements AutoCloseable {
    static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    static final String RETRY_AFTER_UNAVAILABLE = "1";
    private static final RateLimitedLog STORE_FAILURE_LOG = new RateLimitedLog(LOG, Duration.ofSeconds(10));
    private final Supplier<List<RateLimit>> source;
    private final BucketStore store;
    private final boolean failOpen;
    private final Consumer<String> storeFailures;
    private volatile LimitTable table = LimitTable.empty();

    private RateLimiter(Supplier<List<RateLimit>> source, BucketStore store, boolean failOpen,
                        Consumer<String> storeFailures) {
        this.source = source;
        this.store = store;
        this.failOpen = failOpen;
        this.storeFailures = storeFailures;
        reload();
    }

    /** In-memory buckets per instance; {@code source} gives the configured limits (the rate_limits table). */
    public static RateLimiter local(Supplier<List<RateLimit>> source, TimeMeter time) {
        return new RateLimiter(source, new LocalBuckets(time), false, outcome -> { });
    }

    /**
     * Buckets in PostgreSQL, shared by every instance on the database (exact within {@link SharedBuckets}'s bound).
     *
     * @param maxConcurrent bucket operations holding a connection at once (more wait in memory)
     * @param failOpen      admit (true) or refuse (false) a request whose buckets cannot be reached
     * @param storeFailures told "admitted" or "refused" for each request the store failed
     */
    public static RateLimiter distributed(Supplier<List<RateLimit>> source, DataSource dataSource,
                                          int maxConcurrent, boolean failOpen, Consumer<String> storeFailures) {
        return new RateLimiter(source, new PostgresBuckets(dataSource, maxConcurrent), failOpen, storeFailures);
    }

    /**
     * Buckets in Redis, shared by every instance on it (MB_RATE_LIMITS=redis://...).
     *
     * @throws IllegalStateException when Redis cannot be reached at start
     * @see #distributed for {@code failOpen} and {@code storeFailures}
     */
    public static RateLimiter redis(Supplier<List<RateLimit>> source, RedisUrl redis, boolean failOpen,
                                    Consumer<String> storeFailures) {
        return new RateLimiter(source, new RedisBuckets(redis), failOpen, storeFailures);
    }

    /** Re-reads the configured limits (after a LIMITS change). */
    public void reload() {
        table = new LimitTable(source.get());
    }

    /** Deletes distributed buckets nobody used for a while. */
    public void removeExpired() {
        store.removeExpired();
    }

    /** @throws GatewayException 429 when a limit is reached */
    public RateAdmission admit(Caller caller, String model, long estimatedTokens) {
        return admit(caller, model, () -> estimatedTokens);
    }

    /**
     * Checks the request limits first and only then asks {@code estimatedTokens} (a token count costs CPU), so a
     * request refused for its rate costs no count.
     *
     * @throws GatewayException 429 when a limit is reached
     */
    public RateAdmission admit(Caller caller, String model, LongSupplier estimatedTokens) {
        LimitTable.Applicable applicable = table.applicable(caller, model);
        if (applicable.isEmpty()) {
            return RateAdmission.unlimited();
        }
        Limit[] limits = applicable.all(); // the REQUESTS limits come first
        // the tightest limit of each dimension so far (least remaining; the first on a tie), for the headers
        Limit requests = null;
        ConsumptionProbe requestsProbe = null;
        Limit tokensLimit = null;
        ConsumptionProbe tokensProbe = null;
        long skipped = 0; // bit i: limits[i] was not taken because the store failed
        long tokens = 0;
        boolean counted = false;
        for (int i = 0; i < limits.length; i++) {
            Limit limit = limits[i];
            boolean isTokens = limit.dimension() == Dimension.TOKENS;
            if (isTokens && !counted) {
                tokens = estimatedTokens.getAsLong();
                counted = true;
            }
            long amount = isTokens ? tokens : 1;
            ConsumptionProbe probe;
            try {
                probe = store.tryConsume(limit, amount);
            } catch (RuntimeException e) {
                STORE_FAILURE_LOG.warn("Rate limit {} could not be checked (bucket store failed), request {}: {}",
                        limit.bucketKey(), failOpen ? "admitted" : "refused", e.getMessage());
                if (!failOpen) {
                    giveBack(limits, i, skipped, tokens);
                    storeFailures.accept("refused");
                    throw unavailable();
                }
                skipped |= 1L << i;
                continue;
            }
            if (!probe.isConsumed()) {
                giveBack(limits, i, skipped, tokens);
                String[] values = isTokens ? RateHeaders.values(requests, requestsProbe, limit, probe)
                        : RateHeaders.values(limit, probe, null, null);
                throw refused(limit, amount, probe, values);
            }
            if (isTokens) {
                if (tokensProbe == null || probe.getRemainingTokens() < tokensProbe.getRemainingTokens()) {
                    tokensLimit = limit;
                    tokensProbe = probe;
                }
            } else if (requestsProbe == null || probe.getRemainingTokens() < requestsProbe.getRemainingTokens()) {
                requests = limit;
                requestsProbe = probe;
            }
        }
        Limit[] tokenLimits = applicable.tokens();
        if (skipped != 0) {
            storeFailures.accept("admitted");
            tokenLimits = taken(limits, skipped, Dimension.TOKENS);
        }
        return new RateAdmission(RateHeaders.values(requests, requestsProbe, tokensLimit, tokensProbe), tokenLimits,
                tokens, store);
    }

    /** The limits of {@code dimension} that were taken: all but the skipped ones. */
    private static Limit[] taken(Limit[] limits, long skipped, Dimension dimension) {
        List<Limit> taken = new ArrayList<>();
        for (int i = 0; i < limits.length; i++) {
            if ((skipped & 1L << i) == 0 && limits[i].dimension() == dimension) {
                taken.add(limits[i]);
            }
        }
        return taken.toArray(Limit[]::new);
    }

    /** Gives back what the first {@code count} limits took, but for the skipped ones. */
    private void giveBack(Limit[] limits, int count, long skipped, long estimatedTokens) {
        for (int i = 0; i < count; i++) {
            if ((skipped & 1L << i) != 0) {
                continue;
            }
            Limit limit = limits[i];
            try {
                store.refund(limit, limit.dimension() == Dimension.REQUESTS ? 1 : estimatedTokens);
            } catch (RuntimeException e) {
                LOG.warn("Could not give back bucket {}: {}", limit.bucketKey(), e.getMessage());
            }
        }
    }

    private static GatewayException unavailable() {
        return new GatewayException(new ApiError(503, "server_error", "rate_limit_unavailable", null,
                "Rate limits cannot be checked right now (their store is unreachable). Please try again shortly."),
                Map.of("Retry-After", RETRY_AFTER_UNAVAILABLE));
    }

    private static GatewayException refused(Limit limit, long requested, ConsumptionProbe probe, String[] values) {
        Map<String, String> all = RateHeaders.putAll(new LinkedHashMap<>(), values);
        String message;
        if (requested > limit.perMinute()) { // no wait can fix it: no Retry-After, and SDKs are told not to retry
            message = "Request too large for " + limit.dimension().describe() + " on " + limit.scope() + ": Limit "
                    + limit.perMinute() + ", Requested " + requested + ". Reduce the prompt or max_tokens.";
            all.putAll(RateHeaders.DO_NOT_RETRY);
        } else {
            long retryAfter = RateHeaders.retryAfterSeconds(probe.getNanosToWaitForRefill());
            long used = limit.perMinute() - Math.max(0, probe.getRemainingTokens());
            message = "Rate limit reached for " + limit.dimension().describe() + " on " + limit.scope() + ": Limit "
                    + limit.perMinute() + ", Used " + used + ", Requested " + requested + ". Please try again in "
                    + retryAfter + "s.";
            all.put("Retry-After", String.valueOf(retryAfter));
        }
        return new GatewayException(new ApiError(429, limit.dimension().header(), "rate_limit_exceeded", null, message),
                all);
    }

    @Override
    public void close() {
        store.close();
    }
}
