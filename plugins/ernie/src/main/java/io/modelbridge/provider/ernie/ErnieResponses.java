package io.modelbridge.provider.ernie;

import static io.modelbridge.provider.ernie.ErnieJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.EmbeddingResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** ERNIE answers (vendor-protocols.md 3.4, 3.7, 3.9) to SPI records. */
final class ErnieResponses {
    private ErnieResponses() {}

    static ChatResponse chat(JsonNode answer) {
        refuseIfFlagged(answer);
        List<ContentPart> content = new ArrayList<>();
        String result = text(answer, "result");
        if (result != null && !result.isEmpty()) {
            content.add(new ContentPart.Text(result));
        }
        ToolCall call = toolCall(answer);
        Message message = new Message("assistant", content, null, call == null ? List.of() : List.of(call), null, null);
        return new ChatResponse(text(answer, "id"), List.of(new ChatResponse.Choice(0, message, finishReason(answer))),
                usage(answer.get("usage")));
    }

    /**
     * {@code need_clear_history: true} is how ERNIE's safety system refuses a conversation: HTTP 200 with a canned
     * {@code result}. Before anything was relayed this is the caller's content problem, so it fails as CONTENT_FILTER.
     */
    static void refuseIfFlagged(JsonNode answer) {
        if (answer.path("need_clear_history").asBoolean(false)) {
            int round = answer.path("ban_round").asInt(-1);
            throw new ProviderException(new ProviderFailure(ProviderFailure.Kind.CONTENT_FILTER,
                    "ERNIE's content safety system refused the conversation ("
                            + (round < 0 ? "the current message" : "round " + round) + " was flagged)",
                    "need_clear_history", 200, null));
        }
    }

    /** The function ERNIE chose, with an id of our own (ERNIE gives none); null when there is none. */
    static ToolCall toolCall(JsonNode answer) {
        JsonNode call = answer.get("function_call");
        if (call == null || !call.isObject() || text(call, "name") == null) {
            return null;
        }
        JsonNode arguments = call.path("arguments");
        String json = arguments.isContainerNode() ? arguments.toString() : arguments.asText("");
        return new ToolCall("call_" + UUID.randomUUID().toString().replace("-", ""), text(call, "name"),
                json.isBlank() ? "{}" : json);
    }

    static FinishReason finishReason(JsonNode answer) {
        if (answer.path("need_clear_history").asBoolean(false)) {
            return FinishReason.CONTENT_FILTER;
        }
        String reason = text(answer, "finish_reason");
        if ("function_call".equals(reason) || (reason == null && toolCallPresent(answer))) {
            return FinishReason.TOOL_CALLS;
        }
        if ("length".equals(reason) || (reason == null && answer.path("is_truncated").asBoolean(false))) {
            return FinishReason.LENGTH;
        }
        return "content_filter".equals(reason) ? FinishReason.CONTENT_FILTER : FinishReason.STOP;
    }

    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        int prompt = ErnieJson.tokens(usage, "prompt_tokens", 0);
        int completion = ErnieJson.tokens(usage, "completion_tokens", 0);
        return new Usage(prompt, completion, ErnieJson.totalTokens(usage, "total_tokens", prompt + completion));
    }

    /** One embeddings answer: vectors in input order, and its usage (prompt tokens only). */
    static EmbeddingResponse embeddings(JsonNode answer) {
        JsonNode data = answer.path("data");
        if (!data.isArray()) {
            throw ErnieErrors.protocol("ERNIE's embeddings answer has no data array");
        }
        List<JsonNode> items = new ArrayList<>();
        data.forEach(items::add);
        items.sort(Comparator.comparingInt(item -> item.path("index").asInt()));
        List<float[]> vectors = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode embedding = item.path("embedding");
            if (!embedding.isArray()) {
                throw ErnieErrors.protocol("ERNIE's embedding is not an array of numbers");
            }
            float[] vector = new float[embedding.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) embedding.get(i).asDouble();
            }
            vectors.add(vector);
        }
        JsonNode usage = answer.path("usage");
        if (!usage.isObject()) {
            return new EmbeddingResponse(vectors, null);
        }
        int prompt = ErnieJson.tokens(usage, "prompt_tokens", 0);
        int total = ErnieJson.totalTokens(usage, "total_tokens", prompt);
        return new EmbeddingResponse(vectors, new Usage(prompt, 0, total));
    }

    private static boolean toolCallPresent(JsonNode answer) {
        return answer.path("function_call").isObject();
    }
}
