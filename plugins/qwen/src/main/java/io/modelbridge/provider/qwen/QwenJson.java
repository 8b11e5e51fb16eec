package io.modelbridge.provider.qwen;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.UpstreamLimits;
import java.util.Optional;

/**
 * The plugin's own mapper (its private TypeFactory keeps the type cache inside the plugin's class loader, so the
 * plugin can be unloaded) and the JSON helpers the codec, parsers and error mapping share.
 * Its buffers come from a shared pool, not Jackson's default thread-local one, under which every virtual thread
 * relaying a stream would keep its own ~25 KiB of parser buffers for the whole stream.
 */
final class QwenJson {
    static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
            .typeFactory(TypeFactory.createDefaultInstance()).build();

    private QwenJson() {}

    /** The text as a JSON tree, or empty when it is not JSON. */
    static Optional<JsonNode> parse(String text) {
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

    /** A text field, or null when it is absent, JSON null or empty. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isEmpty() ? null : value.asText();
    }

    /**
     * A token count field: {@code absent} when absent or JSON null, else a whole number in 0..MAX_TOKENS or a
     * PROTOCOL failure. Never {@code asInt()}, which reads 2^32+5 as 5 and the string "12" as 12.
     */
    static int tokens(JsonNode usage, String field, int absent) {
        JsonNode value = usage.get(field);
        return value == null || value.isNull() ? absent
                : UpstreamLimits.tokenCount(field, value.isNumber() ? value.numberValue() : null);
    }

    /** A total token count field (prompt plus completion), as {@link #tokens}. */
    static int totalTokens(JsonNode usage, String field, int absent) {
        JsonNode value = usage.get(field);
        return value == null || value.isNull() ? absent
                : UpstreamLimits.totalTokenCount(field, value.isNumber() ? value.numberValue() : null);
    }

    static ProviderException protocol(String message) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL, message));
    }

    static ProviderException badRequest(String message) {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST, message));
    }
}
