package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.HttpReply;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Upstream errors in OpenAI's shape ({@code {"error":{"message","type","param","code"}}}) to
 * {@link ProviderFailure}s, per vendor-protocols.md section 1.6. This class is OpenAI's own mapping
 * ({@link #OPENAI}); a vendor whose errors mean other things overrides the hooks: {@link #classify},
 * {@link #classifyWithoutBody}, {@link #classifyInStream}, {@link #describe}, {@link #withoutBody},
 * {@link #inStream} and {@link #vendorCode}. Messages are cleaned by {@link UpstreamText}; a wait the upstream asks
 * for is kept only on RATE_LIMIT and UNAVAILABLE failures.
 */
public class OpenAiErrors {
    /** OpenAI's error codes and types. */
    public static final OpenAiErrors OPENAI = new OpenAiErrors();
    private static final Set<String> CONTENT_FILTER_CODES =
            Set.of("content_filter", "content_policy_violation", "data_inspection_failed", "sensitive_content");

    /** A non-2xx reply as a failure; the reply body is read here. */
    public ProviderException fromReply(HttpReply reply, String credential, Clock clock) {
        int status = reply.status();
        String body = reply.bodyText();
        Optional<JsonNode> error = OpenAiJson.parse(body).map(n -> n.get("error")).filter(JsonNode::isObject);
        Duration retryAfter = UpstreamText.retryAfter(reply, clock);
        if (error.isEmpty()) {
            Kind kind = classifyWithoutBody(status);
            return failure(kind, withoutBody(kind, status, UpstreamText.excerpt(body)), null, status, retryAfter, null);
        }
        JsonNode e = error.get();
        String code = text(e, "code");
        String type = text(e, "type");
        String message = UpstreamText.clean(text(e, "message"), credential);
        Kind kind = classify(status, type, code, message);
        return failure(kind, describe(kind, code, message, status), vendorCode(type, code), status, retryAfter,
                param(e, credential));
    }

    /** A {@code {"error":{...}}} event inside a stream, which has no status any more. */
    public ProviderException fromStreamError(JsonNode error, String credential) {
        String code = text(error, "code");
        String type = text(error, "type");
        String message = UpstreamText.clean(text(error, "message"), credential);
        Kind kind = classifyInStream(type, code, message);
        return new ProviderException(new ProviderFailure(kind, inStream(code, message), vendorCode(type, code), 0, null));
    }

    /** The kind of an error body; {@code message} is already cleaned. */
    protected Kind classify(int status, String type, String code, String message) {
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

    /** The kind of a reply without an error body (a proxy's HTML page, an empty body): the status alone decides. */
    protected Kind classifyWithoutBody(int status) {
        return switch (status) {
            case 401, 403 -> Kind.AUTH;
            case 429 -> Kind.RATE_LIMIT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.PROTOCOL;
        };
    }

    /** The kind of an error event inside a stream: as a body with status 0. */
    protected Kind classifyInStream(String type, String code, String message) {
        return classify(0, type, code, message);
    }

    /** The failure message for an error body; {@code message} is already cleaned. */
    protected String describe(Kind kind, String code, String message, int status) {
        return switch (kind) {
            case AUTH -> "upstream refused the channel's credential (HTTP " + status + "): " + message;
            case QUOTA -> "upstream account is out of quota: " + message;
            case RATE_LIMIT -> "upstream rate limit: " + message;
            case UNAVAILABLE -> "upstream unavailable (HTTP " + status + "): " + message;
            default -> message;
        };
    }

    /** The failure message for a reply without an error body; {@code excerpt} is already cleaned. */
    protected String withoutBody(Kind kind, int status, String excerpt) {
        return "upstream answered HTTP " + status + " without an OpenAI error body: " + excerpt;
    }

    /** The failure message for an error event inside a stream. */
    protected String inStream(String code, String message) {
        return "upstream error in stream: " + message;
    }

    /** The vendor's own code kept on the failure (the admin API and logs show it): OpenAI's {@code code}. */
    protected String vendorCode(String type, String code) {
        return code;
    }

    /** The request field the upstream named as the cause, as it named it (cleaned like a message); null when none. */
    private static String param(JsonNode error, String credential) {
        String param = text(error, "param");
        return param == null ? null : UpstreamText.clean(param, credential);
    }

    private static ProviderException failure(Kind kind, String message, String code, int status, Duration retryAfter,
                                             String param) {
        boolean waits = kind == Kind.RATE_LIMIT || kind == Kind.UNAVAILABLE;
        return new ProviderException(new ProviderFailure(kind, message, code, status, waits ? retryAfter : null, param));
    }
}
