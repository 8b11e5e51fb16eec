package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request's JSON object, read strictly: unknown fields and wrong types are 400 errors naming the field. An
 * absent field and an explicit null differ ({@link #has}), which PATCH needs to clear a value.
 */
final class JsonBody {
    /** Bounds of any decimal the admin API takes: larger than every amount it stores, far from overflow. */
    static final BigDecimal MAX_DECIMAL = new BigDecimal("999999999999999");
    static final int MAX_SCALE = 12;
    private final ObjectNode root;
    private final String prefix;

    private JsonBody(ObjectNode root, String prefix) {
        this.root = root;
        this.prefix = prefix;
    }

    static JsonBody parse(ObjectMapper json, byte[] bytes, Set<String> allowed) {
        JsonNode node;
        try {
            node = bytes.length == 0 ? json.createObjectNode() : json.readTree(bytes);
        } catch (IOException e) {
            throw invalid("The request body is not valid JSON.", null);
        }
        if (node == null || !node.isObject()) {
            throw invalid("The request body must be a JSON object.", null);
        }
        return of((ObjectNode) node, "", allowed);
    }

    static JsonBody of(ObjectNode node, String prefix, Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw invalid("Unknown field '" + prefix + name + "'; allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ".", prefix + name);
            }
        }
        return new JsonBody(node, prefix);
    }

    boolean has(String field) {
        return root.has(field);
    }

    /** Present and not null. */
    boolean hasValue(String field) {
        return root.hasNonNull(field);
    }

    String requireText(String field) {
        return text(field).orElseThrow(() -> invalid("'" + name(field) + "' is required.", name(field)));
    }

    Optional<String> text(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw invalid("'" + name(field) + "' must be a string.", name(field));
        }
        return Optional.of(storable(v.asText(), name(field)));
    }

    Optional<Integer> integer(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw invalid("'" + name(field) + "' must be an integer.", name(field));
        }
        return Optional.of(v.intValue());
    }

    Optional<BigDecimal> decimal(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        BigDecimal value;
        try { // a JSON number too large for a double is Infinity, which has no decimal value
            value = v.isNumber() ? v.decimalValue() : v.isTextual() ? new BigDecimal(v.asText()) : null;
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null || value.abs().compareTo(MAX_DECIMAL) > 0 || value.scale() > MAX_SCALE) {
            throw invalid("'" + name(field) + "' must be a number from -" + MAX_DECIMAL + " to " + MAX_DECIMAL
                    + " with at most " + MAX_SCALE + " decimals.", name(field));
        }
        return Optional.of(value);
    }

    Optional<Boolean> bool(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw invalid("'" + name(field) + "' must be true or false.", name(field));
        }
        return Optional.of(v.booleanValue());
    }

    Optional<List<String>> strings(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            throw invalid("'" + name(field) + "' must be an array of strings.", name(field));
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual() || item.asText().isBlank()) {
                throw invalid("'" + name(field) + "' must be an array of non-empty strings.", name(field));
            }
            values.add(storable(item.asText(), name(field)));
        }
        return Optional.of(List.copyOf(values));
    }

    /** An object of scalar values, as strings. */
    Optional<Map<String, String>> stringMap(String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isObject()) {
            throw invalid("'" + name(field) + "' must be an object.", name(field));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw invalid("'" + name(field) + "." + e.getKey() + "' must be a string, number or boolean.",
                        name(field) + "." + e.getKey());
            }
            String entry = name(field) + "." + storable(e.getKey(), name(field));
            values.put(e.getKey(), storable(e.getValue().asText(), entry));
        }
        return Optional.of(values);
    }

    /** Each element of an array of objects, checked against {@code allowed}. */
    Optional<List<JsonBody>> objects(String field, Set<String> allowed) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isArray()) {
            throw invalid("'" + name(field) + "' must be an array of objects.", name(field));
        }
        List<JsonBody> items = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String itemName = name(field) + "[" + i + "]";
            if (!v.get(i).isObject()) {
                throw invalid("'" + itemName + "' must be an object.", itemName);
            }
            items.add(of((ObjectNode) v.get(i), itemName + ".", allowed));
        }
        return Optional.of(items);
    }

    /**
     * The text if PostgreSQL can store it: a NUL character (which no text column takes) is a 400 naming the
     * field. Other control characters are kept; whoever prints them escapes them (mbctl does).
     */
    static String storable(String text, String param) {
        if (text.indexOf('\u0000') >= 0) {
            throw invalid("'" + param + "' must not contain a NUL character.", param);
        }
        return text;
    }

    /** The field's full name, for messages and {@code param}. */
    String name(String field) {
        return prefix + field;
    }

    static GatewayException invalid(String message, String param) {
        return new GatewayException(ApiError.invalidRequest(message, param));
    }
}
