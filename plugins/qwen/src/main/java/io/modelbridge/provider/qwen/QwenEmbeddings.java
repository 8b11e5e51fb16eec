package io.modelbridge.provider.qwen;

import static io.modelbridge.compat.OpenAiJson.MAPPER;
import static io.modelbridge.compat.OpenAiJson.badRequest;
import static io.modelbridge.compat.OpenAiJson.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.UpstreamLimits;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * DashScope's native text embedding (vendor-protocols.md section 4.8, Model Studio "text embedding"):
 * {@code {"model", "input": {"texts"}, "parameters": {"text_type", "dimension"}}} answered with
 * {@code output.embeddings[].text_index/embedding} and {@code usage.total_tokens}. text-embedding-v1/v2 take at most
 * 25 texts and have a fixed 1536 dimensions; v3 and later take at most 10 texts and a chosen dimension. Longer inputs
 * are sent in batches.
 */
final class QwenEmbeddings {
    static final int FIXED_DIMENSIONS = 1536;

    private QwenEmbeddings() {}

    /** Whether {@code model} is one of the first two generations (no {@code dimension} parameter). */
    static boolean fixedSize(String model) {
        return model.equals("text-embedding-v1") || model.equals("text-embedding-v2");
    }

    static int batchSize(String model) {
        return fixedSize(model) ? 25 : 10;
    }

    /** The request bodies, one per batch. */
    static List<String> requests(EmbeddingRequest request) {
        Integer dimensions = request.dimensions();
        if (dimensions != null && fixedSize(request.model()) && dimensions != FIXED_DIMENSIONS) {
            throw badRequest(request.model() + " always returns " + FIXED_DIMENSIONS
                    + " dimensions; use text-embedding-v3 or later to choose dimensions");
        }
        List<String> bodies = new ArrayList<>();
        int size = batchSize(request.model());
        for (int from = 0; from < request.input().size(); from += size) {
            ObjectNode body = MAPPER.createObjectNode().put("model", request.model());
            ArrayNode texts = body.putObject("input").putArray("texts");
            request.input().subList(from, Math.min(request.input().size(), from + size)).forEach(texts::add);
            ObjectNode parameters = body.putObject("parameters");
            if (request.extras().get("text_type") instanceof String textType) {
                parameters.put("text_type", textType);
            }
            if (dimensions != null && !fixedSize(request.model())) {
                parameters.put("dimension", dimensions);
            }
            bodies.add(body.toString());
        }
        return bodies;
    }

    /** One batch's vectors in input order; {@code expected} is the batch's number of texts. */
    static List<float[]> vectors(JsonNode answer, int expected) {
        JsonNode embeddings = answer.path("output").path("embeddings");
        if (!embeddings.isArray() || embeddings.size() != expected) {
            throw protocol("DashScope returned " + embeddings.size() + " embeddings for " + expected + " texts");
        }
        float[][] vectors = new float[expected][];
        for (JsonNode item : embeddings) {
            int at = item.path("text_index").asInt(-1);
            JsonNode values = item.path("embedding");
            if (at < 0 || at >= expected || !values.isArray()) {
                throw protocol("DashScope embedding without a valid text_index or vector");
            }
            vectors[at] = new float[values.size()];
            for (int i = 0; i < values.size(); i++) {
                vectors[at][i] = (float) values.get(i).asDouble();
            }
        }
        for (float[] vector : vectors) {
            if (vector == null) {
                throw protocol("DashScope repeated a text_index and left a text without an embedding");
            }
        }
        return List.of(vectors);
    }

    /** {@code usage.total_tokens}: all of it is input. */
    static int tokens(JsonNode answer) {
        return OpenAiJson.tokens(answer.path("usage"), "total_tokens", 0);
    }

    /** The usage of all batches; their sum is a long, so that many large counts cannot wrap into a small one. */
    static Usage usage(long tokens) {
        int checked = UpstreamLimits.tokenCount("total_tokens of all batches", tokens);
        return new Usage(checked, 0, checked);
    }
}
