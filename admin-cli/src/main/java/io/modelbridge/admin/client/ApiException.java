package io.modelbridge.admin.client;

import com.fasterxml.jackson.databind.JsonNode;

/** The admin API answered with an error: its status and OpenAI-shaped error body. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final JsonNode error;

    public ApiException(int status, JsonNode error) {
        super(error.path("message").asText("HTTP " + status));
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** The {@code error} object: message, type, param, code. */
    public JsonNode error() {
        return error;
    }

    public boolean isAuthFailure() {
        return status == 401 || status == 403;
    }

    public String param() {
        return error.path("param").isTextual() ? error.path("param").asText() : null;
    }
}
