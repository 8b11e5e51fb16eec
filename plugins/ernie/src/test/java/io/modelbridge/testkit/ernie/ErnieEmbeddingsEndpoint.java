package io.modelbridge.testkit.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/{model}}: {@code {"input":[...]}} of 1 to 16 texts
 * to deterministic unit vectors ({@link ErnieSimulator#embeddingOf}), {@code object: "embedding_list"}.
 */
final class ErnieEmbeddingsEndpoint {
    /** Vector sizes: Embedding-V1 has 384 dimensions (qianfan SDK mock); the others 1024 (UNCONFIRMED). */
    static final Map<String, Integer> DIMENSIONS =
            Map.of("embedding-v1", 384, "bge_large_zh", 1024, "bge_large_en", 1024, "tao_8k", 1024);
    static final int MAX_TEXTS = 16;
    private final AtomicLong ids = new AtomicLong();

    /** The answer body: vectors, or an ERNIE error body when the input is not 1..16 strings. */
    /** The prompt_tokens and total_tokens every answer reports, or -1 to count the texts' words. */
    volatile long reportedTokens = -1;

    String answer(String model, JsonNode request) {
        List<String> inputs = inputs(request.path("input"));
        if (inputs == null) {
            return ErnieWire.error(336003, "input must be a non-empty list of strings", null);
        }
        if (inputs.size() > MAX_TEXTS) {
            return ErnieWire.error(336003, "the number of input texts must not exceed " + MAX_TEXTS, null);
        }
        int dims = DIMENSIONS.get(model);
        ObjectNode body = ErnieSimulator.JSON.createObjectNode().put("id", "as-emb" + ids.incrementAndGet())
                .put("object", "embedding_list").put("created", Instant.now().getEpochSecond());
        ArrayNode data = body.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            ArrayNode values = data.addObject().put("object", "embedding").putArray("embedding");
            for (float v : OpenAiSimulator.embeddingOf(inputs.get(i), dims)) {
                values.add(v);
            }
            ((ObjectNode) data.get(i)).put("index", i);
            tokens += Math.max(1, ErniePlan.words(inputs.get(i)));
        }
        long reported = reportedTokens < 0 ? tokens : reportedTokens;
        body.putObject("usage").put("prompt_tokens", reported).put("total_tokens", reported);
        return body.toString();
    }

    private static List<String> inputs(JsonNode input) {
        if (!input.isArray() || input.isEmpty()) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : input) {
            if (!item.isTextual() || item.asText().isEmpty()) {
                return null;
            }
            texts.add(item.asText());
        }
        return texts;
    }
}
