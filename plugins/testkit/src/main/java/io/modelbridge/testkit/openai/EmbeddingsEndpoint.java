package io.modelbridge.testkit.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** {@code POST /v1/embeddings}: deterministic unit vectors derived from each input's text. */
final class EmbeddingsEndpoint {
    private EmbeddingsEndpoint() {}

    /** The body to answer, or null when {@code input} is missing or not text. */
    static String answer(JsonNode request) {
        List<String> inputs = inputs(request.path("input"));
        if (inputs == null) {
            return null;
        }
        String model = request.path("model").asText();
        int dims = request.path("dimensions").asInt(model.contains("large") ? 3072 : 1536);
        boolean base64 = "base64".equals(request.path("encoding_format").asText("float"));
        ObjectNode body = OpenAiSimulator.JSON.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = OpenAiSimulator.embeddingOf(inputs.get(i), dims);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                item.put("embedding", base64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
            tokens += ChatPlan.words(inputs.get(i));
        }
        body.put("model", model);
        body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return body.toString();
    }

    /** Unit-length vector seeded from the text's bytes (an LCG per text: stable across JVMs). */
    static float[] vector(String text, int dims) {
        long seed = 1125899906842597L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            seed = 31 * seed + b;
        }
        float[] vector = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            vector[i] = (float) (((seed >>> 40) / (double) (1L << 24)) * 2 - 1);
            norm += vector[i] * vector[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static String base64(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) {
            bytes.putFloat(v);
        }
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    private static List<String> inputs(JsonNode input) {
        if (input.isTextual()) {
            return List.of(input.asText());
        }
        if (!input.isArray() || input.isEmpty()) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : input) {
            if (!item.isTextual()) {
                return null;
            }
            texts.add(item.asText());
        }
        return texts;
    }
}
