package io.modelbridge.testkit.qwen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.util.Set;

/**
 * {@code POST /api/v1/services/embeddings/text-embedding/text-embedding}: deterministic unit vectors per text, with
 * DashScope's limits (Model Studio "text embedding": v1/v2 up to 25 texts and 1536 dimensions; v3 and v4 up to 10
 * texts and a chosen dimension).
 */
final class QwenEmbeddingsEndpoint {
    private static final Set<Integer> V3_DIMENSIONS = Set.of(1024, 768, 512, 256, 128, 64);
    private static final Set<Integer> V4_DIMENSIONS = Set.of(2048, 1536, 1024, 768, 512, 256, 128, 64);

    private QwenEmbeddingsEndpoint() {}

    /** The problem with the request in DashScope's words, or null when it is fine. */
    static String invalid(JsonNode request) {
        JsonNode texts = request.path("input").path("texts");
        if (!texts.isArray() || texts.isEmpty()) {
            return "Required input parameter missing from request.";
        }
        String model = request.path("model").asText();
        int max = fixedSize(model) ? 25 : 10;
        if (texts.size() > max) {
            return "batch size is invalid, it should not be larger than " + max + ".";
        }
        JsonNode dimension = request.path("parameters").get("dimension");
        if (dimension != null && !fixedSize(model)
                && !(model.endsWith("v4") ? V4_DIMENSIONS : V3_DIMENSIONS).contains(dimension.asInt())) {
            return "dimension is invalid for " + model + ": " + dimension.asInt();
        }
        return null;
    }

    /** @param reportedTokens the usage.total_tokens to report, or -1 to count the texts' words */
    static String answer(JsonNode request, String requestId, long reportedTokens) {
        String model = request.path("model").asText();
        int dims = fixedSize(model) ? 1536 : request.path("parameters").path("dimension").asInt(1024);
        ObjectNode body = QwenSimulator.JSON.createObjectNode();
        ArrayNode embeddings = body.putObject("output").putArray("embeddings");
        int tokens = 0;
        JsonNode texts = request.path("input").path("texts");
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode item = embeddings.addObject().put("text_index", i);
            ArrayNode values = item.putArray("embedding");
            for (float v : OpenAiSimulator.embeddingOf(texts.get(i).asText(), dims)) {
                values.add(v);
            }
            tokens += Math.max(1, QwenPlan.words(texts.get(i).asText()));
        }
        body.putObject("usage").put("total_tokens", reportedTokens < 0 ? tokens : reportedTokens);
        body.put("request_id", requestId);
        return body.toString();
    }

    private static boolean fixedSize(String model) {
        return model.equals("text-embedding-v1") || model.equals("text-embedding-v2");
    }
}
