package io.modelbridge.gateway.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;

/** The OpenAI API's {@link ErrorShape}: where an {@link ApiError} becomes an HTTP response. */
public final class ErrorWriter implements ErrorShape {
    private final ObjectMapper json;

    public ErrorWriter(ObjectMapper json) {
        this.json = json;
    }

    public void write(ServerResponse res, ApiError error, Map<String, String> headers) {
        if (res.isSent()) {
            return;
        }
        headers.forEach((name, value) -> res.header(HeaderNames.create(name), value));
        res.status(Status.create(error.status()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body(error));
    }

    @Override
    public void write(ServerResponse res, GatewayException e) {
        write(res, e.error(), e.headers());
    }

    /** {@code {"error":{"message","type","param","code"}}}, as UTF-8 JSON. */
    @Override
    public byte[] body(ApiError error) {
        ObjectNode root = json.createObjectNode();
        ObjectNode e = root.putObject("error");
        e.put("message", error.message());
        e.put("type", error.type());
        e.put("param", error.param());
        e.put("code", error.code());
        try {
            return json.writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
