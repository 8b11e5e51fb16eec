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
 * @param needs  the objects it refers to, as {@code "user NAME"} or {@code "channel NAME"}
 */
public record Change(String action, String kind, String name, List<String> fields, Step step, List<String> needs) {
    public Change {
        fields = List.copyOf(fields);
        needs = List.copyOf(needs);
    }

    public Change(String action, String kind, String name, List<String> fields, Step step) {
        this(action, kind, name, fields, step, List.of());
    }

    /** The same change, referring to {@code objects}. */
    Change needing(List<String> objects) {
        return new Change(action, kind, name, fields, step, objects);
    }

    /** How a line of the report names the object, e.g. {@code "user eve"}. */
    public String object() {
        return kind + " " + name;
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
