package io.modelbridge.gateway.limits;

import io.github.bucket4j.ConsumptionProbe;
import java.util.List;
import java.util.Map;

/**
 * The x-ratelimit-* headers OpenAI sends: limit, remaining and reset (time until the bucket is full again, in Go
 * duration syntax such as {@code 20ms}, {@code 1.5s}, {@code 6m0s}) for requests and for tokens.
 */
final class RateHeaders {
    /** What limit and remaining say for a dimension no limit applies to: nothing to wait for. */
    static final long UNLIMITED = Integer.MAX_VALUE;
    private static final String UNLIMITED_TEXT = String.valueOf(UNLIMITED);
    /** Sent with a 429 that waiting cannot fix: the official OpenAI SDKs then do not retry it. */
    static final Map<String, String> DO_NOT_RETRY = Map.of("x-should-retry", "false");
    /** The six headers, always sent together, in this order: limit, remaining, reset of requests, then of tokens. */
    static final List<String> NAMES = List.of(
            "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
            "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    private RateHeaders() {}

    /**
     * The values of {@link #NAMES}: each dimension as its tightest limit and that limit's bucket say, or unlimited
     * when no limit of that dimension applies ({@code limit} null).
     */
    static String[] values(Limit requests, ConsumptionProbe requestsProbe, Limit tokens, ConsumptionProbe tokensProbe) {
        String[] values = new String[6];
        fill(values, 0, requests, requestsProbe);
        fill(values, 3, tokens, tokensProbe);
        return values;
    }

    private static void fill(String[] values, int at, Limit limit, ConsumptionProbe probe) {
        if (limit == null) {
            values[at] = UNLIMITED_TEXT;
            values[at + 1] = UNLIMITED_TEXT;
            values[at + 2] = "0s";
        } else {
            values[at] = String.valueOf(limit.perMinute());
            values[at + 1] = String.valueOf(Math.max(0, probe.getRemainingTokens()));
            values[at + 2] = duration(probe.getNanosToWaitForReset());
        }
    }

    /** {@code values} under their {@link #NAMES}, in order, into {@code headers}. */
    static Map<String, String> putAll(Map<String, String> headers, String[] values) {
        for (int i = 0; i < values.length; i++) {
            headers.put(NAMES.get(i), values[i]);
        }
        return headers;
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
        StringBuilder out = new StringBuilder(16);
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        long secondsMillis = millis % 60_000;
        out.append(secondsMillis / 1000);
        int fraction = (int) (secondsMillis % 1000);
        if (fraction != 0) { // as few decimals as the milliseconds need: .5, .25, .125
            out.append('.');
            int digits = fraction % 100 == 0 ? 1 : fraction % 10 == 0 ? 2 : 3;
            String padded = String.valueOf(1000 + fraction); // "1xyz": the three digits after the point
            out.append(padded, 1, 1 + digits);
        }
        return out.append('s').toString();
    }

    /** Whole seconds to wait, at least 1, for Retry-After. */
    static long retryAfterSeconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
