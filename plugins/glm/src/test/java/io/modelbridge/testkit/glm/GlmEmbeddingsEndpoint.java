package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/paas/v4/embeddings}: deterministic unit vectors per input text (embedding-2: 1024 dimensions,
 * embedding-3: 2048 unless {@code dimensions} says otherwise), usage with {@code completion_tokens: 0} as Zhipu's
 * reference shows. The request was validated by {@link GlmRequestRules}.
 */
final class GlmEmbeddingsEndpoint {
    private GlmEmbeddingsEndpoint() {}

    static String answer(JsonNode request) {
        List<String> inputs = new ArrayList<>();
        if (request.path("input").isTextual()) {
            inputs.add(request.path("input").asText());
        } else {
            request.path("input").forEach(item -> inputs.add(item.asText()));
        }
        String model = request.path("model").asText();
        int dims = request.path("dimensions").asInt(model.equals("embedding-2") ? 1024 : 2048);
        ObjectNode body = GlmSimulator.JSON.createObjectNode().put("model", model).put("object", "list");
        ArrayNode data = body.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ArrayNode values = data.addObject().put("index", i).put("object", "embedding").putArray("embedding");
            for (float v : GlmSimulator.embeddingOf(inputs.get(i), dims)) {
                values.add(v);
            }
            tokens += Math.max(1, GlmPlan.words(inputs.get(i)));
        }
        body.putObject("usage").put("completion_tokens", 0).put("prompt_tokens", tokens).put("total_tokens", tokens);
        return body.toString();
    }
}
