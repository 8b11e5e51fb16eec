package io.modelbridge.gateway.error;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Requests Helidon refuses before any route sees them (a malformed request line, an oversized header, an
 * unsupported content encoding) still get OpenAI's error shape, never Helidon's plain-text page.
 */
public final class TransportErrors implements DirectHandler {
    private final ErrorWriter errors;

    private TransportErrors(ErrorWriter errors) {
        this.errors = errors;
    }

    public static DirectHandlers handlers(ErrorWriter errors) {
        TransportErrors handler = new TransportErrors(errors);
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        ApiError error = switch (status.code()) {
            // RFC 9112, section 6.1: a transfer coding the server does not understand is a 501
            case 501 -> new ApiError(501, "invalid_request_error", "unsupported_transfer_encoding", null,
                    "The request's Transfer-Encoding is not supported: send the body with a Content-Length, or with "
                            + "'Transfer-Encoding: chunked' alone.");
            case 505 -> new ApiError(505, "invalid_request_error", "http_version_not_supported", null,
                    "This HTTP version is not supported; use HTTP/1.1 or HTTP/1.0.");
            default -> status.code() >= 500
                    ? ApiError.serverError(status.code(), "internal_error", "The gateway could not process the request.")
                    : new ApiError(status.code(), "invalid_request_error", codeFor(status), null,
                            "The request was refused: " + status.reasonPhrase() + ".");
        };
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .keepAlive(eventType.keepAlive())
                .entity(errors.body(error))
                .build();
    }

    private static String codeFor(Status status) {
        return switch (status.code()) {
            case 413 -> "request_too_large";
            case 415 -> "unsupported_encoding";
            case 431 -> "headers_too_large";
            default -> "bad_request";
        };
    }
}
