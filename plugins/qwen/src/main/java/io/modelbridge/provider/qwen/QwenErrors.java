package io.modelbridge.provider.qwen;

import static io.modelbridge.compat.OpenAiJson.nonEmptyText;
import static io.modelbridge.compat.UpstreamText.clean;
import static io.modelbridge.compat.UpstreamText.excerpt;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderFailure;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * DashScope errors (Model Studio "Error codes", vendor-protocols.md section 4.6): a body
 * {@code {"code","message","request_id"}}, as JSON or, for a request that asked for SSE, as the {@code data:} line of
 * an {@code event:error} event. The code decides; the message separates the kinds that share
 * {@code InvalidParameter} (unknown model, prompt too long) and {@code Throttling.AllocationQuota} (free quota spent).
 */
final class QwenErrors {

    private QwenErrors() {}

    /** A non-2xx reply as a failure; the body is read here. */
    static ProviderException fromReply(HttpReply reply, String credential) {
        int status = reply.status();
        String body = reply.bodyText();
        Optional<JsonNode> error = errorObject(body);
        Duration retryAfter = reply.header("Retry-After").map(QwenErrors::seconds).orElse(null);
        if (error.isEmpty()) {
            Kind kind = status == 401 || status == 403 ? Kind.AUTH : status == 429 ? Kind.RATE_LIMIT
                    : status >= 500 ? Kind.UNAVAILABLE : Kind.PROTOCOL;
            return new ProviderException(new ProviderFailure(kind, "DashScope answered HTTP " + status
                    + " without an error body: " + excerpt(body), null, status, retryAfter));
        }
        return failure(error.get(), status, credential, retryAfter);
    }

    /** An {@code event:error} inside a stream (status from its {@code :HTTP_STATUS/...} line is not needed). */
    static ProviderException fromEvent(JsonNode error, String credential) {
        return failure(error, 0, credential, null);
    }

    private static ProviderException failure(JsonNode error, int status, String credential, Duration retryAfter) {
        String code = nonEmptyText(error, "code");
        String message = clean(nonEmptyText(error, "message"), credential);
        Kind kind = classify(status, code == null ? "" : code, message);
        String requestId = nonEmptyText(error, "request_id");
        String described = describe(kind, code, message) + (requestId == null ? "" : " (request_id " + requestId + ")");
        return new ProviderException(new ProviderFailure(kind, described, code, status,
                kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE ? retryAfter : null));
    }

    static Kind classify(int status, String code, String message) {
        String m = message.toLowerCase(Locale.ROOT);
        if (code.equals("InvalidApiKey") || code.startsWith("AccessDenied")) {
            return Kind.AUTH;
        }
        if (code.equals("Arrearage") || m.contains("free allocated quota exceeded")) {
            return Kind.QUOTA;
        }
        if (code.startsWith("Throttling")) {
            return Kind.RATE_LIMIT;
        }
        if (code.equals("DataInspectionFailed") || code.equals("data_inspection_failed")) {
            return Kind.CONTENT_FILTER;
        }
        if (m.contains("model not exist") || m.contains("model not found")) {
            return Kind.MODEL_NOT_FOUND;
        }
        if (code.equals("InvalidParameter") && (m.contains("range of input length") || m.contains("input length"))) {
            return Kind.CONTEXT_TOO_LONG;
        }
        if (code.startsWith("InternalError") || code.equals("ServiceUnavailable")) {
            return Kind.UNAVAILABLE;
        }
        if (code.equals("RequestTimeOut")) {
            return Kind.TIMEOUT;
        }
        if (code.equals("InvalidURL")) {
            return Kind.PROTOCOL;
        }
        return switch (status) {
            case 401, 403 -> Kind.AUTH;
            case 429 -> Kind.RATE_LIMIT;
            case 0 -> Kind.UNAVAILABLE;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.BAD_REQUEST;
        };
    }

    private static String describe(Kind kind, String code, String message) {
        String prefix = switch (kind) {
            case AUTH -> "DashScope refused the channel's API key";
            case QUOTA -> "DashScope account cannot pay for this call";
            case RATE_LIMIT -> "DashScope rate limit";
            case UNAVAILABLE -> "DashScope unavailable";
            default -> null;
        };
        String vendor = (code == null ? "" : code + ": ") + message;
        return prefix == null ? vendor : prefix + " (" + vendor + ")";
    }

    /** The error object of a JSON body, or of the first {@code data:} line of an SSE body. */
    private static Optional<JsonNode> errorObject(String body) {
        Optional<JsonNode> json = OpenAiJson.parse(body).filter(n -> n.isObject() && n.has("code"));
        if (json.isPresent() || body == null) {
            return json;
        }
        return body.lines().filter(line -> line.startsWith("data:")).findFirst()
                .flatMap(line -> OpenAiJson.parse(line.substring(5))).filter(n -> n.isObject() && n.has("code"));
    }

    private static Duration seconds(String value) {
        try {
            return Duration.ofSeconds(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
