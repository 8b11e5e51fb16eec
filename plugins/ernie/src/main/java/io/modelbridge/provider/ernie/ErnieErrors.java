package io.modelbridge.provider.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ERNIE's {@code {"error_code":N,"error_msg":"..."}} bodies (sent with HTTP 200) and its OAuth errors, classified per
 * the vendor's error-code table (docs/vendors/ernie.md). Codes 110 and 111 mean the access token is no longer
 * accepted: the caller re-fetches the token once before this class turns them into AUTH.
 */
final class ErnieErrors {
    static final int TOKEN_INVALID = 110;
    static final int TOKEN_EXPIRED = 111;
    private static final int MAX_MESSAGE = 500;
    private static final Pattern TOKEN_LIKE = Pattern.compile("\\b(2[45])\\.[0-9A-Za-z.\\-]{8,}");
    private static final Pattern TOKEN_PARAM = Pattern.compile("(access_token|client_secret|client_id)=[^&\\s\"]+");
    private static final Pattern LENGTH_WORDS =
            Pattern.compile("too long|max input|input characters|max length|maximum length|prompt tokens|超长");

    private static final Map<Integer, Kind> KINDS = Map.ofEntries(
            Map.entry(1, Kind.UNAVAILABLE), Map.entry(2, Kind.UNAVAILABLE), Map.entry(3, Kind.MODEL_NOT_FOUND),
            Map.entry(4, Kind.RATE_LIMIT), Map.entry(6, Kind.AUTH), Map.entry(13, Kind.AUTH), Map.entry(14, Kind.AUTH),
            Map.entry(15, Kind.AUTH), Map.entry(17, Kind.QUOTA), Map.entry(18, Kind.RATE_LIMIT),
            Map.entry(19, Kind.QUOTA), Map.entry(100, Kind.AUTH), Map.entry(TOKEN_INVALID, Kind.AUTH),
            Map.entry(TOKEN_EXPIRED, Kind.AUTH), Map.entry(336000, Kind.UNAVAILABLE),
            Map.entry(336001, Kind.BAD_REQUEST), Map.entry(336002, Kind.BAD_REQUEST),
            Map.entry(336003, Kind.BAD_REQUEST), Map.entry(336004, Kind.AUTH), Map.entry(336005, Kind.MODEL_NOT_FOUND),
            Map.entry(336100, Kind.UNAVAILABLE), Map.entry(336101, Kind.BAD_REQUEST),
            Map.entry(336104, Kind.BAD_REQUEST), Map.entry(336105, Kind.BAD_REQUEST),
            Map.entry(336501, Kind.RATE_LIMIT), Map.entry(336502, Kind.RATE_LIMIT));

    private ErnieErrors() {}

    /** The error code of an ERNIE error body, or empty when the body is not one. */
    static Optional<Integer> code(JsonNode body) {
        JsonNode code = body.get("error_code");
        return code != null && code.canConvertToInt() && code.asInt() != 0 ? Optional.of(code.asInt()) : Optional.empty();
    }

    static boolean isTokenRejected(int code) {
        return code == TOKEN_INVALID || code == TOKEN_EXPIRED;
    }

    /** The kind of an error code; codes not in the vendor's table count as UNAVAILABLE so the router moves on. */
    static Kind classify(int code, String message) {
        Kind kind = KINDS.getOrDefault(code, Kind.UNAVAILABLE);
        if (code == 336003 && LENGTH_WORDS.matcher(message.toLowerCase(Locale.ROOT)).find()) {
            return Kind.CONTEXT_TOO_LONG;
        }
        return kind;
    }

    /** An {@code error_code} body as a failure; {@code retryAfter} comes from a proxy's header, ERNIE sends none. */
    static ProviderException fromBody(JsonNode body, int status, ErnieCredential credential, Duration retryAfter) {
        int code = code(body).orElse(0);
        String message = clean(ErnieJson.text(body, "error_msg"), credential);
        Kind kind = classify(code, message);
        return new ProviderException(new ProviderFailure(kind, describe(kind, code, message), String.valueOf(code),
                status, kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE ? retryAfter : null));
    }

    /** An {@code error_code} event or line inside a stream that has started. */
    static ProviderException inStream(JsonNode body, ErnieCredential credential) {
        ProviderFailure f = fromBody(body, 0, credential, null).failure();
        return new ProviderException(new ProviderFailure(f.kind(), "upstream error in stream: " + f.message(),
                f.vendorCode(), 0, null));
    }

    /** The token endpoint's OAuth error ({@code invalid_client} for a wrong API Key or Secret Key). */
    static ProviderException oauth(JsonNode body, int status, ErnieCredential credential) {
        String error = clean(ErnieJson.text(body, "error"), credential);
        String description = clean(ErnieJson.text(body, "error_description"), credential);
        return new ProviderException(new ProviderFailure(Kind.AUTH, "ERNIE's token endpoint refused the channel's "
                + "API Key / Secret Key (HTTP " + status + "): " + error + ": " + description, error, status, null));
    }

    /** An answer that is not ERNIE's: a proxy's page, an empty body. The status alone decides. */
    static ProviderException withoutBody(int status, String body, Duration retryAfter) {
        Kind kind = switch (status) {
            case 401, 403 -> Kind.AUTH;
            case 429 -> Kind.RATE_LIMIT;
            case 408 -> Kind.TIMEOUT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.PROTOCOL;
        };
        String message = "upstream answered HTTP " + status + " without an ERNIE body: " + excerpt(body);
        return new ProviderException(new ProviderFailure(kind, message, null, status,
                kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE ? retryAfter : null));
    }

    static ProviderException protocol(String message) {
        return new ProviderException(ProviderFailure.of(Kind.PROTOCOL, message));
    }

    static ProviderException badRequest(String message) {
        return new ProviderException(ProviderFailure.of(Kind.BAD_REQUEST, message));
    }

    /** {@code Retry-After} in seconds, as a proxy in front of ERNIE may send it; null when absent or unreadable. */
    static Duration retryAfter(Optional<String> header) {
        try {
            return header.map(v -> Duration.ofMillis(Math.round(Double.parseDouble(v.strip()) * 1000))).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String describe(Kind kind, int code, String message) {
        String tag = " (ERNIE error_code " + code + "): ";
        return switch (kind) {
            case AUTH -> "upstream refused the channel's credential or its permissions" + tag + message;
            case QUOTA -> "upstream account is out of quota or in arrears" + tag + message;
            case RATE_LIMIT -> "upstream rate limit" + tag + message;
            case UNAVAILABLE -> "upstream unavailable" + tag + message;
            case MODEL_NOT_FOUND -> "ERNIE has no such model endpoint" + tag + message;
            default -> message + " (ERNIE error_code " + code + ")";
        };
    }

    /** The vendor's message without the credential, access tokens or secrets in query strings; trimmed. */
    static String clean(String message, ErnieCredential credential) {
        String m = message == null || message.isBlank() ? "(no message)" : message.strip();
        if (credential != null) {
            m = mask(mask(m, credential.secretKey()), credential.apiKey());
        }
        m = TOKEN_PARAM.matcher(m).replaceAll("$1=***");
        m = TOKEN_LIKE.matcher(m).replaceAll("$1.***");
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }

    private static String mask(String text, String secret) {
        return secret.length() >= 4 ? text.replace(secret, "***") : text;
    }

    /** The start of a body that is not ERNIE's JSON, on one line. */
    static String excerpt(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        if (flat.isEmpty()) {
            return "(empty)";
        }
        flat = TOKEN_PARAM.matcher(flat).replaceAll("$1=***");
        return flat.length() > 120 ? flat.substring(0, 120) + "..." : flat;
    }
}
