package io.modelbridge.provider.glm;

import static io.modelbridge.compat.OpenAiJson.protocol;
import static io.modelbridge.compat.OpenAiJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.compat.OpenAiResponses;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GLM response JSON to SPI records (vendor-protocols.md 6.5, 6.8). Anything that is not the expected shape is a
 * PROTOCOL failure. Finish reasons: {@code sensitive} (output blocked by Zhipu's safety review) is
 * {@code content_filter}; {@code network_error} (inference failed) is an UNAVAILABLE failure, not an answer.
 */
final class GlmResponses {
    static final String NETWORK_ERROR = "network_error";

    private GlmResponses() {}

    static ChatResponse chat(String body) {
        JsonNode root = object(body, "chat completion");
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw protocol("chat completion without choices");
        }
        List<ChatResponse.Choice> result = new ArrayList<>();
        for (JsonNode choice : choices) {
            String finish = text(choice, "finish_reason");
            if (NETWORK_ERROR.equals(finish)) {
                throw networkError();
            }
            result.add(new ChatResponse.Choice(choice.path("index").asInt(result.size()),
                    message(choice.path("message")), finishReason(finish)));
        }
        return new ChatResponse(text(root, "id"), result, usage(root.get("usage")));
    }

    /** One embeddings answer: its vectors in input order, and its usage (may be null). */
    record EmbeddingBatch(List<float[]> vectors, Usage usage) {}

    static EmbeddingBatch embeddings(String body, int expected) {
        JsonNode root = object(body, "embeddings answer");
        JsonNode data = root.path("data");
        if (!data.isArray() || data.size() != expected) {
            throw protocol("embeddings answer with " + (data.isArray() ? data.size() : "no") + " vectors for "
                    + expected + " inputs");
        }
        List<JsonNode> items = new ArrayList<>();
        data.forEach(items::add);
        items.sort(Comparator.comparingInt(item -> item.path("index").asInt()));
        List<float[]> vectors = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode embedding = item.path("embedding");
            if (!embedding.isArray()) {
                throw protocol("embedding is not an array of numbers");
            }
            float[] vector = new float[embedding.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) embedding.get(i).asDouble();
            }
            vectors.add(vector);
        }
        return new EmbeddingBatch(vectors, usage(root.get("usage")));
    }

    /** Usage in OpenAI's shape; null when absent or JSON null. */
    static Usage usage(JsonNode usage) {
        return OpenAiResponses.usage(usage);
    }

    static FinishReason finishReason(String glm) {
        return "sensitive".equals(glm) ? FinishReason.CONTENT_FILTER : FinishReason.fromWire(glm);
    }

    static ProviderException networkError() {
        return new ProviderException(ProviderFailure.of(ProviderFailure.Kind.UNAVAILABLE,
                "upstream inference failed (GLM finish_reason network_error)"));
    }

    private static Message message(JsonNode message) {
        List<ContentPart> content = new ArrayList<>();
        String text = text(message, "content");
        if (text != null && !text.isEmpty()) {
            content.add(new ContentPart.Text(text));
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            if (!"function".equals(call.path("type").asText("function"))) {
                continue; // web_search / retrieval results of GLM's built-in tools have no OpenAI form
            }
            JsonNode function = call.path("function");
            calls.add(new ToolCall(text(call, "id"), text(function, "name"), arguments(function.get("arguments"))));
        }
        return new Message("assistant", content, null, calls, null, text(message, "reasoning_content"));
    }

    /** Arguments are a JSON string; a GLM answer carrying them as an object is written back as its JSON text. */
    static String arguments(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "";
        }
        return arguments.isTextual() ? arguments.asText() : arguments.toString();
    }

    private static JsonNode object(String body, String what) {
        return OpenAiResponses.object(body, what);
    }
}
