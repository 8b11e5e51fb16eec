package io.modelbridge.provider.openai;

import static io.modelbridge.provider.openai.OpenAiJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Upstream errors to {@link ProviderFailure}s, per vendor-protocols.md section 1.6. */
final class OpenAiErrors {
    private static final int MAX_MESSAGE = 500;
    private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|pk|rk)-[A-Za-z0-9_\\-*.]{3,}");
    private static final Set<String> CONTENT_FILTER_CODES =
            Set.of("content_filter", "content_policy_violation", "data_inspection_failed", "sensitive_content");

    private OpenAiErrors() {}

    /** A non-2xx reply as a failure; the reply body is read here. */
    static ProviderException fromReply(HttpReply reply, String credential, Clock clock) {
        int status = reply.status();
        String body = reply.bodyText();
        Optional<JsonNode> error = OpenAiJson.parse(body).map(n -> n.get("error")).filter(JsonNode::isObject);
        Duration retryAfter = retryAfter(reply, clock);
        if (error.isEmpty()) {
            return withoutBody(status, body, retryAfter);
        }
        JsonNode e = error.get();
        String code = text(e, "code");
        String type = text(e, "type");
        String message = clean(text(e, "message"), credential);
        Kind kind = classify(status, type, code, message);
        return new ProviderException(new ProviderFailure(kind, describe(kind, message, status), code, status,
                kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE ? retryAfter : null));
    }

    /** A {@code {"error":{...}}} event inside a stream: classified by its type and code, as if status were 0. */
    static ProviderException fromStreamError(JsonNode error, String credential) {
        String code = text(error, "code");
        String message = clean(text(error, "message"), credential);
        Kind kind = classify(0, text(error, "type"), code, message);
        return new ProviderException(new ProviderFailure(kind, "upstream error in stream: " + message, code, 0, null));
    }

    static Kind classify(int status, String type, String code, String message) {
        String c = code == null ? "" : code;
        String t = type == null ? "" : type;
        if (c.equals("insufficient_quota") || t.equals("insufficient_quota") || status == 402) {
            return Kind.QUOTA;
        }
        if (c.equals("context_length_exceeded") || c.equals("string_above_max_length")) {
            return Kind.CONTEXT_TOO_LONG;
        }
        if (CONTENT_FILTER_CODES.contains(c)) {
            return Kind.CONTENT_FILTER;
        }
        if (c.equals("model_not_found")) {
            return Kind.MODEL_NOT_FOUND;
        }
        if (c.equals("rate_limit_exceeded") || status == 429) {
            return Kind.RATE_LIMIT;
        }
        if (c.equals("invalid_api_key") || status == 401 || status == 403) {
            return Kind.AUTH;
        }
        return switch (status) {
            case 0 -> t.equals("invalid_request_error") ? Kind.BAD_REQUEST : Kind.UNAVAILABLE;
            case 404 -> message.toLowerCase(Locale.ROOT).contains("model") ? Kind.MODEL_NOT_FOUND : Kind.PROTOCOL;
            case 408 -> Kind.TIMEOUT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.BAD_REQUEST;
        };
    }

    /** No OpenAI error body (a proxy's HTML page, an empty body): the status alone decides. */
    private static ProviderException withoutBody(int status, String body, Duration retryAfter) {
        Kind kind = switch (status) {
            case 401, 403 -> Kind.AUTH;
            case 429 -> Kind.RATE_LIMIT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.PROTOCOL;
        };
        String message = "upstream answered HTTP " + status + " without an OpenAI error body: " + excerpt(body);
        return new ProviderException(new ProviderFailure(kind, message, null, status,
                kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE ? retryAfter : null));
    }

    private static String describe(Kind kind, String message, int status) {
        return switch (kind) {
            case AUTH -> "upstream refused the channel's credential (HTTP " + status + "): " + message;
            case QUOTA -> "upstream account is out of quota: " + message;
            case RATE_LIMIT -> "upstream rate limit: " + message;
            case UNAVAILABLE -> "upstream unavailable (HTTP " + status + "): " + message;
            default -> message;
        };
    }

    /**
     * How long to wait: OpenAI's {@code retry-after-ms}, else {@code Retry-After} as seconds or an HTTP date.
     * Null when absent or unreadable.
     */
    static Duration retryAfter(HttpReply reply, Clock clock) {
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

    static Duration parseRetryAfter(String value, Clock clock) {
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

    /** The vendor's message without anything that looks like a key, and never the channel's credential. */
    static String clean(String message, String credential) {
        String m = message == null || message.isBlank() ? "(no message)" : message.strip();
        if (credential != null && credential.length() >= 4) {
            m = m.replace(credential, "***");
        }
        m = KEY_LIKE.matcher(m).replaceAll("$1-***");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }

    /** The start of a body that is not JSON, on one line. */
    static String excerpt(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        if (flat.isEmpty()) {
            return "(empty)";
        }
        flat = KEY_LIKE.matcher(flat).replaceAll("$1-***");
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
