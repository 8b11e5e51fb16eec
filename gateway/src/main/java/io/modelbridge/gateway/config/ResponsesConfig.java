package io.modelbridge.gateway.config;

import java.time.Duration;

/**
 * How the Responses API keeps answers ({@code store: true}).
 *
 * @param retention MB_RESPONSES_RETENTION_DAYS: how long a stored response can be read, continued and deleted before
 *                  the sweep removes it; zero stores nothing (every request behaves as {@code store: false})
 * @param maxBytes  MB_RESPONSES_MAX_BYTES: the largest stored response, its input items and response object together
 *                  (UTF-8); a larger one is not kept. A conversation (previous_response_id) replays at most
 *                  {@link #conversationBytes()}.
 */
public record ResponsesConfig(Duration retention, int maxBytes) {
    /** The most responses one conversation may chain (previous_response_id). */
    public static final int CONVERSATION_LENGTH = 1000;
    static final int MAX_BYTES_LIMIT = 64 * 1024 * 1024;

    public ResponsesConfig {
        if (retention.isNegative()) {
            throw new IllegalArgumentException("MB_RESPONSES_RETENTION_DAYS must be 0 or more, got "
                    + retention.toDays());
        }
        if (maxBytes < 1024 || maxBytes > MAX_BYTES_LIMIT) {
            throw new IllegalArgumentException("MB_RESPONSES_MAX_BYTES must be between 1024 and " + MAX_BYTES_LIMIT
                    + ", got " + maxBytes);
        }
    }

    public static ResponsesConfig defaults() {
        return new ResponsesConfig(Duration.ofDays(30), 1024 * 1024);
    }

    /** Whether responses are kept at all (a retention of zero keeps none). */
    public boolean storing() {
        return !retention.isZero();
    }

    /** The most bytes one conversation may hold: eight of the largest responses (8 MiB by default). */
    public long conversationBytes() {
        return 8L * maxBytes;
    }

    static ResponsesConfig fromEnvironment(GatewayConfig.Env env) {
        return new ResponsesConfig(Duration.ofDays(env.integer("MB_RESPONSES_RETENTION_DAYS", 30)),
                env.integer("MB_RESPONSES_MAX_BYTES", 1024 * 1024));
    }
}
