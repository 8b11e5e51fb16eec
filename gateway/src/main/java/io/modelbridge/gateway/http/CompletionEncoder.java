package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.PromptResponse;
import io.modelbridge.spi.Usage;

/**
 * Writes OpenAI's {@code text_completion} objects for one response, whole or as stream chunks: every one carries the
 * same id, created time and model (the name the client asked for).
 */
final class CompletionEncoder {
    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final String model;

    CompletionEncoder(ObjectMapper json, String id, long created, String model) {
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    byte[] completion(PromptResponse response, Usage usage) {
        ObjectNode root = header();
        ArrayNode choices = root.putArray("choices");
        for (PromptResponse.Choice c : response.choices()) {
            choice(choices, c.index(), c.text(), c.logprobs(), c.finishReason() == null ? "stop" : c.finishReason().wire());
        }
        root.set("usage", usage(usage));
        return bytes(root);
    }

    /** A stream chunk with text for choice {@code index}, or its finish ({@code finish} not null, empty text). */
    byte[] chunk(int index, String text, FinishReason finish, boolean usageField) {
        ObjectNode root = header();
        choice(root.putArray("choices"), index, text, null, finish == null ? null : finish.wire());
        if (usageField) {
            root.putNull("usage");
        }
        return bytes(root);
    }

    /** The trailing {@code choices: []} chunk carrying the totals. */
    byte[] usageChunk(Usage usage) {
        ObjectNode root = header();
        root.putArray("choices");
        root.set("usage", usage(usage));
        return bytes(root);
    }

    private void choice(ArrayNode choices, int index, String text, Object logprobs, String finishReason) {
        ObjectNode choice = choices.addObject();
        choice.put("text", text);
        choice.put("index", index);
        choice.set("logprobs", logprobs == null ? json.nullNode() : json.valueToTree(logprobs));
        choice.put("finish_reason", finishReason);
    }

    private ObjectNode header() {
        ObjectNode root = json.createObjectNode();
        root.put("id", id);
        root.put("object", "text_completion");
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private ObjectNode usage(Usage u) {
        ObjectNode node = json.createObjectNode();
        node.put("prompt_tokens", u.promptTokens());
        node.put("completion_tokens", u.completionTokens());
        node.put("total_tokens", u.totalTokens());
        return node;
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
