package io.modelbridge.provider.deepseek;

import io.modelbridge.compat.OpenAiErrors;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.util.Locale;

/**
 * DeepSeek's errors (docs "Error Codes"): the HTTP status carries the meaning, the body is OpenAI-shaped
 * ({@code {"error":{"message","type","param","code"}}}, code mostly {@code invalid_request_error}). 400 bodies are
 * told apart by their message: an unknown model, an over-long prompt and a prompt refused by DeepSeek's input
 * moderation ("Content Exists Risk", vendor-protocols.md 2.6) are 400s too. The vendor code kept on a failure is the
 * error's {@code type}.
 */
final class DeepSeekErrors extends OpenAiErrors {
    static final DeepSeekErrors INSTANCE = new DeepSeekErrors();

    /** The whole message of DeepSeek's input moderation refusal. */
    static final String CONTENT_RISK = "content exists risk";

    private DeepSeekErrors() {}

    @Override
    protected Kind classify(int status, String type, String code, String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return switch (status) {
            case 400, 422 -> m.contains("model not exist") ? Kind.MODEL_NOT_FOUND
                    : m.contains("maximum context length") ? Kind.CONTEXT_TOO_LONG
                    : m.contains(CONTENT_RISK) ? Kind.CONTENT_FILTER : Kind.BAD_REQUEST;
            default -> byStatus(status, Kind.BAD_REQUEST);
        };
    }

    @Override
    protected Kind classifyWithoutBody(int status) {
        return status == 400 || status == 422 ? Kind.PROTOCOL : byStatus(status, Kind.PROTOCOL);
    }

    /** The status alone; {@code otherwise} for a status DeepSeek documents no meaning for. */
    private static Kind byStatus(int status, Kind otherwise) {
        return switch (status) {
            case 401, 403 -> Kind.AUTH;
            case 402 -> Kind.QUOTA;
            case 429 -> Kind.RATE_LIMIT;
            case 408 -> Kind.TIMEOUT;
            case 404 -> Kind.PROTOCOL; // a wrong base URL or path: the channel's configuration, not the request
            default -> status >= 500 ? Kind.UNAVAILABLE : otherwise;
        };
    }

    @Override
    protected Kind classifyInStream(String type, String code, String message) {
        return type != null && type.contains("invalid_request") ? Kind.BAD_REQUEST : Kind.UNAVAILABLE;
    }

    @Override
    protected String describe(Kind kind, String code, String message, int status) {
        return switch (kind) {
            case AUTH -> "DeepSeek refused the channel's API key (HTTP " + status + "): " + message;
            case QUOTA -> "DeepSeek account balance is exhausted (HTTP 402): " + message;
            case RATE_LIMIT -> "DeepSeek rate limit (HTTP 429): " + message;
            case UNAVAILABLE -> "DeepSeek unavailable (HTTP " + status + "): " + message;
            default -> message;
        };
    }

    @Override
    protected String withoutBody(Kind kind, int status, String excerpt) {
        return describe(kind, null, "HTTP " + status + " without a DeepSeek error body: " + excerpt, status);
    }

    @Override
    protected String inStream(String code, String message) {
        return "DeepSeek error in stream: " + message;
    }

    @Override
    protected String vendorCode(String type, String code) {
        return type;
    }
}
