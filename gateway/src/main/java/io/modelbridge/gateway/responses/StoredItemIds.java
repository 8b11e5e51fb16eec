package io.modelbridge.gateway.responses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.Set;

/** The ids of a stored turn's items (its input items and its response's output items), which item_reference names. */
final class StoredItemIds {
    /** Longer ids are not indexed (nor referable): no client or vendor uses them, and the index has a row size cap. */
    static final int MAX_LENGTH = 256;
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredItemIds() {}

    static Set<String> of(StoredResponse response) {
        Set<String> ids = new LinkedHashSet<>();
        try {
            add(JSON.readTree(response.inputItemsJson()), ids);
            add(JSON.readTree(response.responseJson()).path("output"), ids);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("response " + response.id() + " is not JSON", e);
        }
        return ids;
    }

    private static void add(JsonNode items, Set<String> ids) {
        for (JsonNode item : items) {
            JsonNode id = item.get("id");
            if (id != null && id.isTextual() && !id.textValue().isEmpty() && id.textValue().length() <= MAX_LENGTH) {
                ids.add(id.textValue());
            }
        }
    }
}
