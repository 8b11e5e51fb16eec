package io.modelbridge.testkit.openai;

import java.util.Objects;

/**
 * How an OpenAI-compatible vendor differs from OpenAI on the wire, for {@link OpenAiSimulator#start(OpenAiStyle,
 * String, java.util.Collection)}: the path prefix of its endpoints, the header and scheme that carry the key, where
 * a stream puts usage, and the status, type and code of its errors. {@link #OPENAI} is OpenAI itself; a vendor is
 * OpenAI's style with a few {@code with...} changes.
 *
 * @param basePath  prefix of {@code /chat/completions}, {@code /embeddings} and {@code /models}: {@code /v1}, or
 *                  {@code ""} for a vendor at the root
 * @param authHeader the header carrying the key ({@code Authorization}, {@code api-key}, ...)
 * @param authScheme what precedes the key in it ({@code "Bearer "}, or {@code ""} for the bare key)
 * @param usage      where a stream carries usage
 * @param errors     the vendor's error statuses, types and codes
 */
public record OpenAiStyle(String basePath, String authHeader, String authScheme, StreamUsage usage, Errors errors) {
    /** OpenAI's own style. */
    public static final OpenAiStyle OPENAI = new OpenAiStyle("/v1", "Authorization", "Bearer ", StreamUsage.SEPARATE_CHUNK,
            new Errors(new Error(401, "invalid_request_error", "invalid_api_key"),
                    new Error(404, "invalid_request_error", "model_not_found"),
                    new Error(429, "requests", "rate_limit_exceeded"),
                    new Error(429, "insufficient_quota", "insufficient_quota"),
                    new Error(400, "invalid_request_error", "context_length_exceeded"),
                    new Error(400, "invalid_request_error", "invalid_value")));

    public OpenAiStyle {
        Objects.requireNonNull(basePath, "basePath");
        Objects.requireNonNull(authHeader, "authHeader");
        Objects.requireNonNull(authScheme, "authScheme");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(errors, "errors");
    }

    /** Where a streamed answer carries token usage. */
    public enum StreamUsage {
        /** OpenAI: only when asked ({@code stream_options.include_usage}), on a last chunk with {@code choices: []}. */
        SEPARATE_CHUNK,
        /** On the finish chunk, asked or not (as several OpenAI-compatible vendors do). */
        ON_FINISH_CHUNK,
        /** Inside the finishing choice, {@code choices[0].usage}, asked or not (Moonshot's Kimi). */
        IN_FINISH_CHOICE,
        /** Never. */
        NONE
    }

    /** One kind of error as the vendor sends it: HTTP status and the body's {@code type} and {@code code}. */
    public record Error(int status, String type, String code) {}

    /** The vendor's errors, by what went wrong. */
    public record Errors(Error invalidKey, Error modelNotFound, Error rateLimited, Error quotaExceeded,
                         Error contextTooLong, Error badRequest) {
        public Errors {
            Objects.requireNonNull(invalidKey, "invalidKey");
            Objects.requireNonNull(modelNotFound, "modelNotFound");
            Objects.requireNonNull(rateLimited, "rateLimited");
            Objects.requireNonNull(quotaExceeded, "quotaExceeded");
            Objects.requireNonNull(contextTooLong, "contextTooLong");
            Objects.requireNonNull(badRequest, "badRequest");
        }
    }

    public OpenAiStyle withBasePath(String path) {
        return new OpenAiStyle(path, authHeader, authScheme, usage, errors);
    }

    public OpenAiStyle withAuth(String header, String scheme) {
        return new OpenAiStyle(basePath, header, scheme, usage, errors);
    }

    public OpenAiStyle withUsage(StreamUsage placement) {
        return new OpenAiStyle(basePath, authHeader, authScheme, placement, errors);
    }

    public OpenAiStyle withErrors(Errors vendorErrors) {
        return new OpenAiStyle(basePath, authHeader, authScheme, usage, vendorErrors);
    }
}
