package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorShape;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.Usage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAI embeddings dialect, with OpenAI's float or base64 (little-endian float32) encoding done here for every
 * vendor.
 */
final class OpenAiEmbeddingsCodec implements ClientCodec<EmbeddingsCall> {
    private static final Set<String> TYPED = Set.of("model", "input", "encoding_format", "dimensions", "user");
    private final ObjectMapper json;
    private final JsonFields fields;
    private final ErrorShape errors;

    OpenAiEmbeddingsCodec(ObjectMapper json, ErrorShape errors) {
        this.json = json;
        this.fields = new JsonFields(json);
        this.errors = errors;
    }

    @Override
    public EmbeddingsCall decode(JsonNode body) {
        EmbeddingRequest request = parse(body);
        String format = JsonFields.string(body, "encoding_format", "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw new GatewayException(ApiError.invalidValue("'encoding_format' must be 'float' or 'base64'.", "encoding_format"));
        }
        boolean base64 = "base64".equals(format);
        return new EmbeddingsCall(request, (response, usage) -> bytes(body(request.model(), response, usage, base64)));
    }

    @Override
    public String dialect() {
        return "openai-embeddings";
    }

    @Override
    public ErrorShape errors() {
        return errors;
    }

    private EmbeddingRequest parse(JsonNode body) {
        if (!body.isObject()) {
            throw new GatewayException(ApiError.invalidRequest("The request body must be a JSON object.", null));
        }
        String model = JsonFields.requiredString(body, "model", "model");
        JsonNode input = body.get("input");
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.textValue());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            input.forEach(t -> {
                if (!t.isTextual()) {
                    throw JsonFields.invalid("input", "a string or an array of strings");
                }
                texts.add(t.textValue());
            });
        } else {
            throw JsonFields.invalid("input", "a non-empty string or array of strings");
        }
        Map<String, Object> extras = new LinkedHashMap<>();
        body.fields().forEachRemaining(e -> {
            if (!TYPED.contains(e.getKey())) {
                extras.put(e.getKey(), fields.plainValue(e.getValue()));
            }
        });
        return new EmbeddingRequest(model, texts, JsonFields.positiveInt(body, "dimensions"),
                JsonFields.string(body, "user", "user"), extras);
    }

    private ObjectNode body(String model, EmbeddingResponse response, Usage usage, boolean base64) {
        ObjectNode root = json.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < response.vectors().size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            float[] v = response.vectors().get(i);
            if (base64) {
                ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    buf.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buf.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float f : v) {
                    values.add(f);
                }
            }
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", usage.promptTokens()).put("total_tokens", usage.promptTokens());
        return root;
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
