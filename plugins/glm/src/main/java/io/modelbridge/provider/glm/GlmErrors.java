package io.modelbridge.provider.glm;

import static io.modelbridge.provider.glm.GlmJson.text;

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
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Zhipu's errors ({@code {"error":{"code":"1302","message":"..."}}}, the code a string) to {@link ProviderFailure}s.
 * The business code decides; the HTTP status only where the code is unknown or means different things (1305,
 * 1312: a 429 is a rate limit, a 5xx the platform being down). Table and sources: docs/vendors/glm.md.
 */
final class GlmErrors {
    /** The code Zhipu answers when a JWT has expired: the adapter signs a new one and retries once. */
    static final String TOKEN_EXPIRED = "1003";
    private static final int MAX_MESSAGE = 500;
    private static final Pattern JWT_LIKE = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final Map<String, Kind> BY_CODE = Map.ofEntries(
            Map.entry("500", Kind.UNAVAILABLE),
            Map.entry("1000", Kind.AUTH), Map.entry("1001", Kind.AUTH), Map.entry("1002", Kind.AUTH),
            Map.entry("1003", Kind.AUTH), Map.entry("1004", Kind.AUTH), Map.entry("1005", Kind.AUTH),
            Map.entry("1100", Kind.UNAVAILABLE),
            Map.entry("1110", Kind.AUTH), Map.entry("1111", Kind.AUTH), Map.entry("1112", Kind.AUTH),
            Map.entry("1113", Kind.QUOTA),
            Map.entry("1120", Kind.UNAVAILABLE), Map.entry("1121", Kind.AUTH),
            Map.entry("1200", Kind.UNAVAILABLE),
            Map.entry("1210", Kind.BAD_REQUEST), Map.entry("1211", Kind.MODEL_NOT_FOUND),
            Map.entry("1212", Kind.BAD_REQUEST), Map.entry("1213", Kind.BAD_REQUEST),
            Map.entry("1214", Kind.BAD_REQUEST), Map.entry("1215", Kind.BAD_REQUEST),
            Map.entry("1220", Kind.AUTH), Map.entry("1221", Kind.UNAVAILABLE), Map.entry("1222", Kind.UNAVAILABLE),
            Map.entry("1230", Kind.UNAVAILABLE), Map.entry("1231", Kind.BAD_REQUEST),
            Map.entry("1234", Kind.UNAVAILABLE), Map.entry("1261", Kind.CONTEXT_TOO_LONG),
            Map.entry("1300", Kind.CONTENT_FILTER), Map.entry("1301", Kind.CONTENT_FILTER),
            Map.entry("1302", Kind.RATE_LIMIT), Map.entry("1303", Kind.RATE_LIMIT),
            Map.entry("1304", Kind.QUOTA), Map.entry("1308", Kind.QUOTA), Map.entry("1309", Kind.QUOTA),
            Map.entry("1310", Kind.QUOTA), Map.entry("1311", Kind.MODEL_NOT_FOUND),
            Map.entry("1313", Kind.RATE_LIMIT));

    private GlmErrors() {}

    /** A non-2xx reply as a failure; the reply body is read here. */
    static ProviderException fromReply(HttpReply reply, String credential, Clock clock) {
        int status = reply.status();
        String body = reply.bodyText();
        Duration retryAfter = reply.header("Retry-After").map(v -> parseRetryAfter(v, clock)).orElse(null);
        Optional<JsonNode> error = GlmJson.parse(body).map(n -> n.get("error")).filter(JsonNode::isObject);
        if (error.isEmpty()) {
            return withoutBody(status, body, retryAfter);
        }
        String code = text(error.get(), "code");
        String message = clean(text(error.get(), "message"), credential);
        Kind kind = classify(status, code);
        return new ProviderException(new ProviderFailure(kind, describe(kind, code, message, status), code, status,
                waits(kind) ? retryAfter : null));
    }

    /** An {@code {"error":{...}}} event inside a stream (no status any more): classified by its code alone. */
    static ProviderException fromStreamError(JsonNode error, String credential) {
        String code = text(error, "code");
        String message = clean(text(error, "message"), credential);
        Kind kind = classify(0, code);
        return new ProviderException(new ProviderFailure(kind, "upstream error in stream (GLM code " + code + "): "
                + message, code, 0, null));
    }

    static Kind classify(int status, String code) {
        String c = code == null ? "" : code.strip();
        if (c.equals("1305") || c.equals("1312")) {
            return status >= 500 || status == 0 ? Kind.UNAVAILABLE : Kind.RATE_LIMIT;
        }
        Kind known = BY_CODE.get(c);
        if (known != null) {
            return known;
        }
        if (c.startsWith("13") && c.length() == 4 && status == 429) {
            return Kind.RATE_LIMIT;
        }
        return byStatus(status);
    }

    private static Kind byStatus(int status) {
        return switch (status) {
            case 0 -> Kind.UNAVAILABLE;
            case 401, 403, 434 -> Kind.AUTH;
            case 404 -> Kind.PROTOCOL;
            case 408 -> Kind.TIMEOUT;
            case 429 -> Kind.RATE_LIMIT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.BAD_REQUEST;
        };
    }

    /** No GLM error body (a proxy's HTML page, an empty body): the status alone decides. */
    private static ProviderException withoutBody(int status, String body, Duration retryAfter) {
        Kind kind = switch (status) {
            case 401, 403 -> Kind.AUTH;
            case 429 -> Kind.RATE_LIMIT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.PROTOCOL;
        };
        String message = "upstream answered HTTP " + status + " without a GLM error body: " + excerpt(body);
        return new ProviderException(new ProviderFailure(kind, message, null, status, waits(kind) ? retryAfter : null));
    }

    private static boolean waits(Kind kind) {
        return kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE;
    }

    private static String describe(Kind kind, String code, String message, int status) {
        String vendor = "(GLM code " + code + ", HTTP " + status + "): " + message;
        return switch (kind) {
            case AUTH -> "upstream refused the channel's credential or account " + vendor;
            case QUOTA -> "upstream account is out of balance or quota " + vendor;
            case RATE_LIMIT -> "upstream rate limit " + vendor;
            case UNAVAILABLE -> "upstream unavailable " + vendor;
            default -> message;
        };
    }

    /** Retry-After as seconds or an HTTP date; null when unreadable. Zhipu documents none; proxies may add it. */
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

    /** The vendor's message without the channel's key (whole or either half) and without anything JWT-shaped. */
    static String clean(String message, String credential) {
        String m = message == null || message.isBlank() ? "(no message)" : message.strip();
        if (credential != null && !credential.isBlank()) {
            m = m.replace(credential.strip(), "***");
            for (String half : credential.strip().split("\\.")) {
                if (half.length() >= 6) {
                    m = m.replace(half, "***");
                }
            }
        }
        m = JWT_LIKE.matcher(m).replaceAll("***");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }

    /** The start of a body that is not JSON, on one line. */
    static String excerpt(String body) {
        String flat = body == null ? "" : JWT_LIKE.matcher(body.replaceAll("\\s+", " ").strip()).replaceAll("***");
        if (flat.isEmpty()) {
            return "(empty)";
        }
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
