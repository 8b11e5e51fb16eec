package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Typed reads of optional JSON fields that fail with a 400 naming the field. */
final class JsonFields {
    private final ObjectMapper json;

    JsonFields(ObjectMapper json) {
        this.json = json;
    }

    static GatewayException invalid(String param, String expected) {
        return new GatewayException(ApiError.invalidRequest(
                "Invalid type for '" + param + "': expected " + expected + ".", param));
    }

    static String requiredString(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new GatewayException(ApiError.invalidRequest("Missing required parameter: '" + param + "'.", param));
        }
        if (!v.isTextual()) {
            throw invalid(param, "a string");
        }
        return v.textValue();
    }

    static String string(JsonNode node, String field, String param) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(param, "a string");
        }
        return v.textValue();
    }

    static boolean bool(JsonNode node, String field, boolean fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw invalid(field, "a boolean");
        }
        return v.booleanValue();
    }

    /**
     * The {@code include_usage} of a request's {@code stream_options} (null when it has none); one that is not an
     * object, or an {@code include_usage} that is not a boolean, is refused as OpenAI refuses it.
     */
    static boolean includeUsage(JsonNode options) {
        if (options == null || options.isMissingNode() || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw invalid("stream_options", "an object");
        }
        JsonNode include = options.path("include_usage");
        if (!include.isMissingNode() && !include.isNull() && !include.isBoolean()) {
            throw invalid("stream_options.include_usage", "a boolean");
        }
        return include.booleanValue();
    }

    static Double number(JsonNode node, String field, double min, double max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw invalid(field, "a number");
        }
        double d = v.doubleValue();
        if (d < min || d > max) {
            throw new GatewayException(ApiError.invalidValue("'" + field + "' must be between " + min + " and " + max
                    + ", got " + v.asText() + ".", field));
        }
        return d;
    }

    static Integer positiveInt(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 1) {
            throw new GatewayException(ApiError.invalidValue("'" + field + "' must be a positive integer.", field));
        }
        return v.intValue();
    }

    static Long integer(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(field, "an integer");
        }
        return v.longValue();
    }

    /** {@code stop}: a string or an array of up to 4 strings. */
    static List<String> stop(JsonNode node) {
        JsonNode v = node.get("stop");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray() || v.size() > 4) {
            throw invalid("stop", "a string or an array of at most 4 strings");
        }
        List<String> stops = new ArrayList<>();
        v.forEach(s -> {
            if (!s.isTextual()) {
                throw invalid("stop", "a string or an array of at most 4 strings");
            }
            stops.add(s.textValue());
        });
        return stops;
    }

    /** A JSON object as plain Java values (Map/List/String/Number/Boolean/null). */
    @SuppressWarnings("unchecked")
    Map<String, Object> plain(JsonNode object) {
        return json.convertValue(object, Map.class);
    }

    Object plainValue(JsonNode value) {
        return json.convertValue(value, Object.class);
    }
}
