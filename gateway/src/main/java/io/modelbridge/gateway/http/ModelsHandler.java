package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;

/** GET /v1/models and /v1/models/{id}: the model names this key may use. */
final class ModelsHandler {
    private final ApiServices s;
    private final long created;

    ModelsHandler(ApiServices services) {
        this.s = services;
        this.created = services.clock().instant().getEpochSecond();
    }

    void list(ServerRequest req, ServerResponse res) {
        send(res, list(req), true);
    }

    void one(ServerRequest req, ServerResponse res) {
        send(res, one(req), true);
    }

    /** HEAD: the same status and headers as GET, no body. */
    void headList(ServerRequest req, ServerResponse res) {
        send(res, list(req), false);
    }

    void headOne(ServerRequest req, ServerResponse res) {
        send(res, one(req), false);
    }

    private ObjectNode list(ServerRequest req) {
        Caller caller = s.auth().authenticate(req.headers().first(HeaderNames.AUTHORIZATION), ClientAddress.of(req));
        ObjectNode root = s.json().createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        s.routes().get().modelNames().stream().filter(caller::mayUse).forEach(name -> data.add(model(name)));
        return root;
    }

    private ObjectNode one(ServerRequest req) {
        Caller caller = s.auth().authenticate(req.headers().first(HeaderNames.AUTHORIZATION), ClientAddress.of(req));
        String id = req.path().pathParameters().get("id");
        if (!caller.mayUse(id) || !s.routes().get().modelNames().contains(id)) {
            throw new GatewayException(ApiError.modelNotFound(id));
        }
        return model(id);
    }

    private ObjectNode model(String id) {
        ObjectNode m = s.json().createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", "modelbridge");
        return m;
    }

    private void send(ServerResponse res, ObjectNode body, boolean withBody) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            if (withBody) {
                res.send(s.json().writeValueAsBytes(body));
            } else {
                res.send();
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
