package io.modelbridge.gateway.error;

import java.util.Map;

/** Thrown anywhere on a request path; the route's error handler turns it into the OpenAI error body. */
public final class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ApiError error;
    private final transient Map<String, String> headers;

    public GatewayException(ApiError error) {
        this(error, Map.of());
    }

    /** With extra response headers, such as {@code Retry-After}. */
    public GatewayException(ApiError error, Map<String, String> headers) {
        super(error.message(), null, false, false);
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    public ApiError error() {
        return error;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
