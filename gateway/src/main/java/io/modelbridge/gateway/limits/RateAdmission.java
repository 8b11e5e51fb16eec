package io.modelbridge.gateway.limits;

import java.util.List;
import java.util.Map;

/**
 * A request let through the rate limits: the x-ratelimit-* headers for its response, and the token debits to
 * correct once its real token count is known.
 */
public final class RateAdmission {
    private final Map<String, String> headers;
    private final List<Limit> tokenLimits;
    private final long estimatedTokens;
    private final BucketStore store;
    private boolean reconciled;

    RateAdmission(Map<String, String> headers, List<Limit> tokenLimits, long estimatedTokens, BucketStore store) {
        this.headers = Map.copyOf(headers);
        this.tokenLimits = List.copyOf(tokenLimits);
        this.estimatedTokens = estimatedTokens;
        this.store = store;
    }

    static RateAdmission unlimited() {
        return new RateAdmission(Map.of(), List.of(), 0, null);
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** Replaces the estimate taken from the token buckets by what the request really used. */
    public void reconcile(long actualTokens) {
        if (reconciled || tokenLimits.isEmpty()) {
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
