package io.modelbridge.admin.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.client.AdminClient;
import java.util.List;

/**
 * One change apply makes, or in a dry run would make.
 *
 * @param action {@code create} or {@code update}
 * @param kind   {@code user}, {@code channel}, {@code alias}, {@code limit}, {@code price}, {@code key} or
 *               {@code portal}
 * @param fields for an update, the fields that differ (a credential is named, never shown)
 */
public record Change(String action, String kind, String name, List<String> fields, Step step) {
    public Change {
        fields = List.copyOf(fields);
    }

    /** The admin API call that makes the change; returns the API's answer. */
    @FunctionalInterface
    public interface Step {
        JsonNode run(AdminClient client);
    }

    public ObjectNode json() {
        ObjectNode node = AdminClient.JSON.createObjectNode().put("action", action).put("kind", kind)
                .put("name", name);
        if (!fields.isEmpty()) {
            fields.forEach(node.putArray("fields")::add);
        }
        return node;
    }

    @Override
    public String toString() {
        return action + " " + kind + " " + name + (fields.isEmpty() ? "" : " (" + String.join(", ", fields) + ")");
    }
}
