package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;

/** The model a request body names, read before the body is validated: a refused request still records it. */
final class ClientModel {
    private ClientModel() {}

    /** The body's {@code model} when it is a string, else null. */
    static String of(JsonNode body) {
        JsonNode model = body.path("model");
        return model.isTextual() ? model.textValue() : null;
    }
}
