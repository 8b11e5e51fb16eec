package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.responses.ResponseStore;
import io.modelbridge.gateway.responses.StoredResponse;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Input items {@code {"type":"item_reference","id":...}} of a Responses request, replaced by the stored items they
 * name: an item of one of the caller's stored responses (its input or its output), as OpenAI resolves them from its
 * own store. Clients that keep answers stored send them instead of the items themselves (the Vercel AI SDK does for
 * the function calls of a tool loop's previous step). The upstream always gets the items: a native upstream is told
 * {@code store: false} and knows none of the gateway's ids. As in a replayed conversation, a resolved item goes
 * without its id, except a reasoning item, whose id the upstream requires.
 */
final class ItemReferences {
    /** The most references one request may make: each is a row to find. */
    static final int MAX = 1000;

    private ItemReferences() {}

    /** {@code body} with its item references resolved; {@code body} itself when it has none. */
    static JsonNode resolved(JsonNode body, ResponseStore store, Caller caller, ObjectMapper json) {
        JsonNode input = body.get("input");
        if (input == null || !input.isArray() || !hasReference(input)) {
            return body;
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < input.size(); i++) {
            if (isReference(input.get(i))) {
                ids.add(JsonFields.requiredString(input.get(i), "id", "input[" + i + "].id"));
            }
        }
        if (ids.size() > MAX) {
            throw new GatewayException(ApiError.invalidRequest("The input references " + ids.size() + " stored items"
                    + " (item_reference); this gateway resolves at most " + MAX + " per request.", "input"));
        }
        Map<String, JsonNode> stored = caller == null ? Map.of() : items(store, ids, caller.userId(), json);
        ArrayNode items = json.createArrayNode();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (!isReference(item)) {
                items.add(item);
                continue;
            }
            JsonNode found = stored.get(item.get("id").textValue());
            if (found == null) {
                throw new GatewayException(new ApiError(404, "invalid_request_error", null, "input[" + i + "].id",
                        "Item with id '" + item.get("id").textValue() + "' not found."));
            }
            items.add(found);
        }
        ObjectNode copy = ((ObjectNode) body).deepCopy();
        copy.set("input", items);
        return copy;
    }

    private static boolean hasReference(JsonNode input) {
        for (JsonNode item : input) {
            if (isReference(item)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isReference(JsonNode item) {
        return "item_reference".equals(item.path("type").textValue());
    }

    /** The items with these ids in the caller's stored responses, each as the upstream gets it. */
    private static Map<String, JsonNode> items(ResponseStore store, Set<String> ids, long userId, ObjectMapper json) {
        Map<String, JsonNode> found = new HashMap<>();
        // oldest first, so that an id several responses hold ends as the newest one's item
        for (StoredResponse response : store.holding(ids, userId).stream()
                .sorted(Comparator.comparing(StoredResponse::createdAt)).toList()) {
            try {
                collect(json.readTree(response.inputItemsJson()), ids, found);
                collect(json.readTree(response.responseJson()).path("output"), ids, found);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored response " + response.id() + " is not JSON", e);
            }
        }
        return found;
    }

    private static void collect(JsonNode items, Set<String> ids, Map<String, JsonNode> found) {
        for (JsonNode item : items) {
            if (item instanceof ObjectNode object && ids.contains(object.path("id").asText(null))) {
                ObjectNode copy = object.deepCopy();
                if (!"reasoning".equals(copy.path("type").asText())) {
                    copy.remove("id");
                }
                found.put(object.get("id").textValue(), copy);
            }
        }
    }
}
