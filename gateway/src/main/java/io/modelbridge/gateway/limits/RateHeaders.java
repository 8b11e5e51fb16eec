package io.modelbridge.gateway.limits;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The x-ratelimit-* headers OpenAI sends: limit, remaining and reset (time until the bucket is full again, in Go
 * duration syntax such as {@code 20ms}, {@code 1.5s}, {@code 6m0s}) for requests and for tokens.
 */
final class RateHeaders {
    /** What limit and remaining say for a dimension no limit applies to: nothing to wait for. */
    static final long UNLIMITED = Integer.MAX_VALUE;
    /** Sent with a 429 that waiting cannot fix: the official OpenAI SDKs then do not retry it. */
    static final Map<String, String> DO_NOT_RETRY = Map.of("x-should-retry", "false");

    private RateHeaders() {}

    /** Adds the three headers of every dimension {@code headers} lacks, as unlimited: the six always go together. */
    static Map<String, String> complete(Map<String, String> headers) {
        for (Dimension d : Dimension.values()) {
            if (!headers.containsKey("x-ratelimit-limit-" + d.header())) {
                put(headers, d, UNLIMITED, UNLIMITED, 0);
            }
        }
        return headers;
    }

    static void put(Map<String, String> headers, Dimension d, long limit, long remaining, long resetNanos) {
        headers.put("x-ratelimit-limit-" + d.header(), String.valueOf(limit));
        headers.put("x-ratelimit-remaining-" + d.header(), String.valueOf(Math.max(0, remaining)));
        headers.put("x-ratelimit-reset-" + d.header(), duration(resetNanos));
    }

    static String duration(long nanos) {
        long millis = Math.max(0, (nanos + 999_999) / 1_000_000);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis % 3_600_000 / 60_000;
        String seconds = BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString();
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(seconds).append('s').toString();
    }

    /** Whole seconds to wait, at least 1, for Retry-After. */
    static long retryAfterSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
