package io.modelbridge.gateway.limits;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request let through the rate limits: the x-ratelimit-* headers for its response, and the token debits to
 * correct once its real token count is known.
 */
public final class RateAdmission {
    /** The names of the x-ratelimit-* headers, by {@link #headerValue} index. */
    public static final List<String> HEADER_NAMES = RateHeaders.NAMES;
    private static final String[] NO_VALUES = new String[0];
    private static final Limit[] NO_LIMITS = new Limit[0];

    private final String[] headerValues;
    private final Limit[] tokenLimits;
    private final long estimatedTokens;
    private final BucketStore store;
    private boolean reconciled;

    /** {@code tokenLimits} is not copied: the caller hands it over and never changes it. */
    RateAdmission(String[] headerValues, Limit[] tokenLimits, long estimatedTokens, BucketStore store) {
        this.headerValues = headerValues;
        this.tokenLimits = tokenLimits;
        this.estimatedTokens = estimatedTokens;
        this.store = store;
    }

    static RateAdmission unlimited() {
        return new RateAdmission(NO_VALUES, NO_LIMITS, 0, null);
    }

    /** How many x-ratelimit-* headers the response carries: all of {@link #HEADER_NAMES}, or none when no limit applies. */
    public int headerCount() {
        return headerValues.length;
    }

    /** The value of the header {@code HEADER_NAMES.get(index)}. */
    public String headerValue(int index) {
        return headerValues[index];
    }

    /** The x-ratelimit-* headers by name, in the order of {@link #HEADER_NAMES} (empty when no limit applies). */
    public Map<String, String> headers() {
        return Collections.unmodifiableMap(RateHeaders.putAll(new LinkedHashMap<>(), headerValues));
    }

    /** Replaces the estimate taken from the token buckets by what the request really used. */
    public void reconcile(long actualTokens) {
        if (reconciled || tokenLimits.length == 0) {
            return;
        }
        reconciled = true;
        long difference = estimatedTokens - Math.max(0, actualTokens);
        for (Limit limit : tokenLimits) {
            try {
                if (difference > 0) {
                    store.refund(limit, difference);
                } else if (difference < 0) {
                    store.forceConsume(limit, -difference);
                }
            } catch (RuntimeException e) {
                RateLimiter.LOG.warn("Could not correct token bucket {}: {}", limit.bucketKey(), e.getMessage());
            }
        }
    }
}
