package io.modelbridge.gateway.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Thrown anywhere on a request path; the route's error handler turns it into the OpenAI error body. */
public final class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ApiError error;
    private final transient Map<String, String> headers;

    public GatewayException(ApiError error) {
        this(error, Map.of());
    }

    /**
     * With extra response headers, such as {@code Retry-After}. Their values are made header-safe here, the one
     * door every error header goes through (a channel name may come from the database, a value from a vendor).
     */
    public GatewayException(ApiError error, Map<String, String> headers) {
        super(error.message(), null, false, false);
        this.error = error;
        this.headers = safe(headers);
    }

    private static Map<String, String> safe(Map<String, String> headers) {
        if (headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> safe = new LinkedHashMap<>(headers.size() * 2);
        headers.forEach((name, value) -> safe.put(HeaderText.name(name), HeaderText.value(value)));
        return Collections.unmodifiableMap(safe);
    }

    public ApiError error() {
        return error;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
