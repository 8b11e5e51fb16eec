package io.modelbridge.compat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.UpstreamLimits;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one Jackson set-up of every plugin built on this module, and the small JSON helpers its parts share.
 *
 * <p>The mapper is the plugin's own: this module is shaded into each plugin jar, so each plugin class loader has its
 * own copy, and its private TypeFactory keeps the type cache inside that loader, so unloading the plugin can free it
 * (STYLE 3.1); no modules are found by ServiceLoader. Its buffers come from a shared pool, not Jackson's default
 * thread-local one, under which every virtual thread relaying a stream would keep its own ~25 KiB of parser buffers
 * for the whole stream.
 */
public final class OpenAiJson {
    public static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
            .typeFactory(TypeFactory.createDefaultInstance()).build();

    private OpenAiJson() {}

    /**
     * The text as a JSON tree, or empty when it is not JSON (or blank: some upstreams pad a slow answer with blank
     * lines, which Jackson skips before the JSON).
     */
    public static Optional<JsonNode> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A text field, or null when it is absent or JSON null. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A text field, or null when it is absent, JSON null or empty (DashScope sends empty strings for "none"). */
    public static String nonEmptyText(JsonNode node, String field) {
        String value = text(node, field);
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * A token count field: {@code absent} when absent or JSON null, else a whole number in 0..MAX_TOKENS or a
     * PROTOCOL failure. Never {@code asInt()}, which reads 2^32+5 as 5 and the string "12" as 12.
     */
    public static int tokens(JsonNode usage, String field, int absent) {
        JsonNode value = usage.get(field);
        return value == null || value.isNull() ? absent
                : UpstreamLimits.tokenCount(field, value.isNumber() ? value.numberValue() : null);
    }

    /** A total token count field (prompt plus completion), as {@link #tokens}. */
    public static int totalTokens(JsonNode usage, String field, int absent) {
        JsonNode value = usage.get(field);
        return value == null || value.isNull() ? absent
                : UpstreamLimits.totalTokenCount(field, value.isNumber() ? value.numberValue() : null);
    }

    /**
     * The fields of {@code node} not named in {@code modelled}, as plain JSON values (maps, lists, strings, numbers,
     * booleans, null) in the order they came: what the SPI types carry as {@code extras} for the client.
     */
    public static Map<String, Object> extras(JsonNode node, Set<String> modelled) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        node.properties().forEach(field -> {
            if (!modelled.contains(field.getKey())) {
                extras.put(field.getKey(), MAPPER.convertValue(field.getValue(), Object.class));
            }
        });
        return extras;
    }

    /** The upstream broke its protocol: a PROTOCOL failure with this message. */
    public static ProviderException protocol(String message) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL, message));
    }

    /** The request asks what the vendor refuses: a BAD_REQUEST failure, raised before any network call. */
    public static ProviderException badRequest(String message) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST, message));
    }
}
