package io.modelbridge.provider.deepseek;

import static io.modelbridge.provider.deepseek.DeepSeekJson.text;

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
import java.util.regex.Pattern;

/**
 * DeepSeek's errors (docs "Error Codes"): the HTTP status carries the meaning, the body is OpenAI-shaped
 * ({@code {"error":{"message","type","param","code"}}}, code mostly {@code invalid_request_error}). 400 bodies are
 * told apart by their message: an unknown model and an over-long prompt are 400s too.
 */
final class DeepSeekErrors {
    private static final int MAX_MESSAGE = 500;
    private static final Pattern KEY_LIKE = Pattern.compile("\\bsk-[A-Za-z0-9_\\-*.]{3,}");

    private DeepSeekErrors() {}

    /** A non-2xx reply as a failure; the reply body is read here. */
    static ProviderException fromReply(HttpReply reply, String credential, Clock clock) {
        int status = reply.status();
        String body = reply.bodyText();
        Optional<JsonNode> error = DeepSeekJson.parse(body).map(n -> n.get("error")).filter(JsonNode::isObject);
        String message = error.map(e -> clean(text(e, "message"), credential))
                .orElseGet(() -> "HTTP " + status + " without a DeepSeek error body: " + excerpt(body));
        String type = error.map(e -> text(e, "type")).orElse(null);
        Kind kind = classify(status, message, error.isPresent());
        Duration retryAfter = kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE ? retryAfter(reply, clock) : null;
        return new ProviderException(new ProviderFailure(kind, describe(kind, status, message), type, status, retryAfter));
    }

    /** A {@code data: {"error":{...}}} event inside a stream (no status): classified by its message and type. */
    static ProviderException fromStreamError(JsonNode error, String credential) {
        String message = clean(text(error, "message"), credential);
        String type = text(error, "type");
        Kind kind = type != null && type.contains("invalid_request") ? Kind.BAD_REQUEST : Kind.UNAVAILABLE;
        return new ProviderException(new ProviderFailure(kind, "DeepSeek error in stream: " + message, type, 0, null));
    }

    static Kind classify(int status, String message, boolean deepSeekBody) {
        String m = message.toLowerCase(Locale.ROOT);
        return switch (status) {
            case 401, 403 -> Kind.AUTH;
            case 402 -> Kind.QUOTA;
            case 429 -> Kind.RATE_LIMIT;
            case 408 -> Kind.TIMEOUT;
            case 404 -> Kind.PROTOCOL; // a wrong base URL or path: the channel's configuration, not the request
            case 400, 422 -> {
                if (!deepSeekBody) {
                    yield Kind.PROTOCOL;
                }
                if (m.contains("model not exist")) {
                    yield Kind.MODEL_NOT_FOUND;
                }
                yield m.contains("maximum context length") ? Kind.CONTEXT_TOO_LONG : Kind.BAD_REQUEST;
            }
            default -> status >= 500 ? Kind.UNAVAILABLE : deepSeekBody ? Kind.BAD_REQUEST : Kind.PROTOCOL;
        };
    }

    private static String describe(Kind kind, int status, String message) {
        return switch (kind) {
            case AUTH -> "DeepSeek refused the channel's API key (HTTP " + status + "): " + message;
            case QUOTA -> "DeepSeek account balance is exhausted (HTTP 402): " + message;
            case RATE_LIMIT -> "DeepSeek rate limit (HTTP 429): " + message;
            case UNAVAILABLE -> "DeepSeek unavailable (HTTP " + status + "): " + message;
            default -> message;
        };
    }

    /** DeepSeek documents no Retry-After; one sent anyway (a proxy in front) is honoured: seconds or an HTTP date. */
    static Duration retryAfter(HttpReply reply, Clock clock) {
        return reply.header("Retry-After").map(value -> parseRetryAfter(value, clock)).orElse(null);
    }

    static Duration parseRetryAfter(String value, Clock clock) {
        String v = value.strip();
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(clock.instant(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** The vendor's message without the channel's key or anything shaped like one. */
    static String clean(String message, String credential) {
        String m = message == null || message.isBlank() ? "(no message)" : message.strip();
        if (credential != null && credential.length() >= 4) {
            m = m.replace(credential, "***");
        }
        m = KEY_LIKE.matcher(m).replaceAll("sk-***");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }

    /** The start of a body that is not JSON, on one line. */
    static String excerpt(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        if (flat.isEmpty()) {
            return "(empty)";
        }
        flat = KEY_LIKE.matcher(flat).replaceAll("sk-***");
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
