package io.modelbridge.compat;

import io.modelbridge.spi.HttpReply;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What an upstream says, made fit for a failure message and a log line: never the channel's credential or anything
 * shaped like a key or a JWT, and bounded in length. Also the upstream's {@code Retry-After}.
 */
public final class UpstreamText {
    /** The longest vendor message kept; longer ones are cut and end in "...". */
    public static final int MAX_MESSAGE = 500;
    /** The longest excerpt of a body that is not the expected JSON. */
    public static final int MAX_EXCERPT = 120;
    private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|pk|rk)-[A-Za-z0-9_\\-*.]{3,}");
    private static final Pattern JWT_LIKE = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private UpstreamText() {}

    /**
     * The vendor's message without the channel's credential (whole, or either half of an {@code id.secret} one) and
     * without anything key- or JWT-shaped; "(no message)" when there is none.
     */
    public static String clean(String message, String credential) {
        String m = message == null || message.isBlank() ? "(no message)" : message.strip();
        if (credential != null && !credential.isBlank()) {
            String whole = credential.strip();
            if (whole.length() >= 4) {
                m = m.replace(whole, "***");
            }
            for (String half : whole.split("\\.")) {
                if (half.length() >= 6) {
                    m = m.replace(half, "***");
                }
            }
        }
        return cut(masked(m), MAX_MESSAGE);
    }

    /** The start of a body that is not JSON, on one line, key- and JWT-shaped parts masked; "(empty)" for none. */
    public static String excerpt(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return flat.isEmpty() ? "(empty)" : cut(masked(flat), MAX_EXCERPT);
    }

    /**
     * How long the upstream asks to wait: OpenAI's {@code retry-after-ms}, else {@code Retry-After} as seconds or an
     * HTTP date. Null when absent or unreadable.
     */
    public static Duration retryAfter(HttpReply reply, Clock clock) {
        Optional<String> millis = reply.header("retry-after-ms");
        if (millis.isPresent()) {
            try {
                return Duration.ofMillis(Math.round(Double.parseDouble(millis.get().strip())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        return reply.header("Retry-After").map(value -> parseRetryAfter(value, clock)).orElse(null);
    }

    /** A {@code Retry-After} value: seconds (fractions allowed) or an HTTP date; a date in the past is zero. */
    public static Duration parseRetryAfter(String value, Clock clock) {
        String v = value.strip();
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String masked(String text) {
        return JWT_LIKE.matcher(KEY_LIKE.matcher(text).replaceAll("$1-***")).replaceAll("***");
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "..." : text;
    }
}
