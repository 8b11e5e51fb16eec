package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Function;

/** The admin API's JSON responses: builds and sends them (snake_case names, ISO-8601 instants, plain decimals). */
final class JsonResponses {
    private final ObjectMapper json;

    JsonResponses(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode object(String type) {
        return json.createObjectNode().put("object", type);
    }

    ObjectNode node() {
        return json.createObjectNode();
    }

    ArrayNode array() {
        return json.createArrayNode();
    }

    <T> ObjectNode list(Collection<T> items, Function<T, ? extends JsonNode> view) {
        ObjectNode list = object("list");
        ArrayNode data = list.putArray("data");
        items.forEach(item -> data.add(view.apply(item)));
        return list;
    }

    /** OpenAI's shape for a deletion. */
    ObjectNode deleted(String type, String name) {
        return object(type).put("name", name).put("deleted", true);
    }

    void ok(ServerResponse res, JsonNode body) {
        send(res, Status.OK_200, body);
    }

    void created(ServerResponse res, JsonNode body) {
        send(res, Status.CREATED_201, body);
    }

    String text(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void send(ServerResponse res, Status status, JsonNode body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        try {
            res.send(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void put(ObjectNode node, String field, Instant value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.toString());
        }
    }

    /** Without trailing zeros and never in exponent form: 10.500000 → 10.5, 10.000000 → 10. */
    static void put(ObjectNode node, String field, BigDecimal value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, new BigDecimal(value.stripTrailingZeros().toPlainString()));
        }
    }

    static void putStrings(ObjectNode node, String field, Collection<String> values) {
        ArrayNode array = node.putArray(field);
        values.forEach(array::add);
    }
}
