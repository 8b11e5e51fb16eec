package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;

/**
 * Writes OpenAI's {@code chat.completion} and {@code chat.completion.chunk} objects for one response: every chunk
 * carries the same id, created time and model (the name the client asked for).
 */
final class ResponseEncoder {
    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final String model;
    private final boolean usageField;

    /** @param usageField whether chunks carry {@code "usage": null} (the client asked for include_usage) */
    ResponseEncoder(ObjectMapper json, String id, long created, String model, boolean usageField) {
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
        this.usageField = usageField;
    }

    byte[] completion(ChatResponse response, Usage usage) {
        ObjectNode root = header("chat.completion");
        ArrayNode choices = root.putArray("choices");
        for (ChatResponse.Choice c : response.choices()) {
            ObjectNode choice = choices.addObject();
            choice.put("index", c.index());
            choice.set("message", message(c.message()));
            choice.putNull("logprobs");
            choice.put("finish_reason", c.finishReason() == null ? "stop" : c.finishReason().wire());
        }
        root.set("usage", usage(usage));
        return bytes(root);
    }

    /** The first chunk of a choice: the assistant role and empty content, as OpenAI sends it. */
    byte[] roleChunk(int index) {
        ObjectNode root = chunk();
        ObjectNode delta = choice(root, index);
        delta.put("role", "assistant");
        delta.put("content", "");
        return bytes(root);
    }

    /** The event for a chunk, or null for a usage report (that is sent last, if at all). */
    byte[] chunk(ChatChunk chunk) {
        ObjectNode root = chunk();
        switch (chunk) {
            case ChatChunk.TextDelta t -> choice(root, t.index()).put("content", t.text());
            case ChatChunk.ReasoningDelta r -> choice(root, r.index()).put("reasoning_content", r.text());
            case ChatChunk.ToolCallDelta tc -> {
                ObjectNode call = choice(root, tc.index()).putArray("tool_calls").addObject();
                call.put("index", tc.callIndex());
                if (tc.id() != null) {
                    call.put("id", tc.id());
                    call.put("type", "function");
                }
                ObjectNode fn = call.putObject("function");
                if (tc.name() != null) {
                    fn.put("name", tc.name());
                }
                fn.put("arguments", tc.argumentsFragment() == null ? "" : tc.argumentsFragment());
            }
            case ChatChunk.Finish f -> choiceNode(root, f.index()).put("finish_reason", f.reason().wire());
            case ChatChunk.UsageReport u -> {
                return null;
            }
        }
        return bytes(root);
    }

    /** The trailing {@code choices: []} chunk carrying the totals. */
    byte[] usageChunk(Usage usage) {
        ObjectNode root = header("chat.completion.chunk");
        root.putArray("choices");
        root.set("usage", usage(usage));
        return bytes(root);
    }

    private ObjectNode chunk() {
        ObjectNode root = header("chat.completion.chunk");
        if (usageField) {
            root.putNull("usage");
        }
        return root;
    }

    private ObjectNode header(String object) {
        ObjectNode root = json.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    /** Adds {@code choices[0]} for {@code index} and returns its delta object. */
    private static ObjectNode choice(ObjectNode root, int index) {
        return (ObjectNode) choiceNode(root, index).get("delta");
    }

    private static ObjectNode choiceNode(ObjectNode root, int index) {
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", index);
        choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        return choice;
    }

    private ObjectNode message(Message m) {
        ObjectNode node = json.createObjectNode();
        node.put("role", "assistant");
        if (m.toolCalls().isEmpty() || !m.text().isEmpty()) {
            node.put("content", m.text());
        } else {
            node.putNull("content");
        }
        if (m.reasoningContent() != null) {
            node.put("reasoning_content", m.reasoningContent());
        }
        if (!m.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                ObjectNode c = calls.addObject();
                c.put("id", call.id());
                c.put("type", "function");
                c.putObject("function").put("name", call.name()).put("arguments", call.arguments());
            }
        }
        node.putNull("refusal");
        return node;
    }

    private ObjectNode usage(Usage u) {
        ObjectNode node = json.createObjectNode();
        node.put("prompt_tokens", u.promptTokens());
        node.put("completion_tokens", u.completionTokens());
        node.put("total_tokens", u.totalTokens());
        if (u.cachedPromptTokens() != null) {
            node.putObject("prompt_tokens_details").put("cached_tokens", u.cachedPromptTokens());
        }
        if (u.reasoningTokens() != null) {
            node.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        }
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
