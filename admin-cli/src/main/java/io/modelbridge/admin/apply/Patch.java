package io.modelbridge.admin.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.client.AdminClient;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** The fields of one object the file wants different from what the gateway has; unset fields never differ. */
final class Patch {
    final ObjectNode body = AdminClient.JSON.createObjectNode();
    final List<String> fields = new ArrayList<>();

    boolean isEmpty() {
        return fields.isEmpty();
    }

    void text(String field, String desired, JsonNode current) {
        if (desired != null && !desired.equals(current.isTextual() ? current.asText() : null)) {
            body.put(field, desired);
            fields.add(field);
        }
    }

    void integer(String field, Integer desired, JsonNode current) {
        if (desired != null && !desired.equals(current.isIntegralNumber() ? current.intValue() : null)) {
            body.put(field, desired);
            fields.add(field);
        }
    }

    void bool(String field, Boolean desired, JsonNode current) {
        if (desired != null && !desired.equals(current.isBoolean() ? current.booleanValue() : null)) {
            body.put(field, desired);
            fields.add(field);
        }
    }

    void strings(String field, List<String> desired, JsonNode current) {
        if (desired != null && !desired.equals(strings(current))) {
            desired.forEach(body.putArray(field)::add);
            fields.add(field);
        }
    }

    /** A field that differs for a reason only the caller can tell (a credential). */
    void put(String field, String value) {
        body.put(field, value);
        fields.add(field);
    }

    /** A list whose order does not matter (the same values as a set are no change); may be empty. */
    void stringSet(String field, List<String> desired, JsonNode current) {
        if (desired != null && !new HashSet<>(desired).equals(new HashSet<>(strings(current)))) {
            desired.forEach(body.putArray(field)::add);
            fields.add(field);
        }
    }

    void decimal(String field, BigDecimal desired, JsonNode current) {
        if (desired != null && !sameNumber(desired, current)) {
            body.put(field, desired);
            fields.add(field);
        }
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static boolean sameNumber(BigDecimal desired, JsonNode current) {
        return current.isNumber() && desired.compareTo(current.decimalValue()) == 0;
    }

    static boolean sameInteger(Integer desired, JsonNode current) {
        return Objects.equals(desired, current.isIntegralNumber() ? current.intValue() : null);
    }
}
