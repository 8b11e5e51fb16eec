package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.error.GatewayException;

/**
 * The Anthropic Messages API's {@link ErrorShape}: {@code {"type":"error","error":{"type","message"}}}, with
 * Anthropic's error types and statuses. The failure is the same {@link ApiError} every dialect gets; only its status
 * moves where Anthropic has its own (an unavailable upstream or channel, 503, is Anthropic's 529 overloaded_error).
 */
final class AnthropicErrors implements ErrorShape {
    static final int OVERLOADED = 529;
    private final ObjectMapper json;

    AnthropicErrors(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void write(ServerResponse res, GatewayException failure) {
        if (res.isSent()) {
            return;
        }
        failure.headers().forEach((name, value) -> res.header(HeaderNames.create(name), value));
        res.status(Status.create(status(failure.error())));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(failure.error()));
    }

    @Override
    public byte[] body(ApiError error) {
        ObjectNode root = json.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type(error)).put("message", error.message());
        try {
            return json.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static int status(ApiError error) {
        return error.status() == 503 ? OVERLOADED : error.status();
    }

    static String type(ApiError error) {
        return switch (status(error)) {
            case 401 -> "authentication_error";
            case 402 -> "billing_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case OVERLOADED -> "overloaded_error";
            default -> error.status() >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
