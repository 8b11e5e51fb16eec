package io.modelbridge.spi;

import java.time.Duration;

/**
 * Why a vendor call failed, classified so the gateway can decide between failing over and answering the client.
 *
 * @param kind           the class of failure
 * @param message        a message fit for the client (the vendor's own words for a bad request); no secrets
 * @param vendorCode     the vendor's error code, or null
 * @param upstreamStatus the vendor's HTTP status, or 0 when there was none (connect error, WebSocket frame)
 * @param retryAfter     how long the vendor asked to wait, or null
 * @param param          the request field the vendor named as the cause of a bad request (OpenAI's {@code param}), or null
 */
public record ProviderFailure(Kind kind, String message, String vendorCode, int upstreamStatus, Duration retryAfter,
                              String param) {

    public ProviderFailure(Kind kind, String message, String vendorCode, int upstreamStatus, Duration retryAfter) {
        this(kind, message, vendorCode, upstreamStatus, retryAfter, null);
    }

    public static ProviderFailure of(Kind kind, String message) {
        return new ProviderFailure(kind, message, null, 0, null);
    }

    /** Classes of failure. {@link #failover()} says whether another channel may succeed where this one failed. */
    public enum Kind {
        /** The vendor refused the channel's credential: the operator's problem, never the caller's. */
        AUTH(true),
        /** The channel's account has no balance or quota left. */
        QUOTA(true),
        /** The vendor is rate limiting this channel. */
        RATE_LIMIT(true),
        /** The request itself is invalid for this vendor; another channel would refuse it too. */
        BAD_REQUEST(false),
        /** The prompt is longer than the model's context. */
        CONTEXT_TOO_LONG(false),
        /** The vendor's content filter refused the prompt. */
        CONTENT_FILTER(false),
        /** The vendor does not know the upstream model (a channel configuration error). */
        MODEL_NOT_FOUND(true),
        /** Connect refused, 5xx, overloaded. */
        UNAVAILABLE(true),
        /** No answer within the channel's timeout. */
        TIMEOUT(true),
        /** The vendor answered something that is not its protocol. */
        PROTOCOL(true);

        private final boolean failover;

        Kind(boolean failover) {
            this.failover = failover;
        }

        public boolean failover() {
            return failover;
        }
    }
}
