package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's {@code message} object for one answer: its id ({@code msg_...}), the model the client asked for, the
 * first choice's thinking (when the request asked for it), text and tool_use blocks, the stop reason and sequence,
 * and the usage billed. Shared by the whole answer and by the stream's events.
 */
final class AnthropicMessageEncoder {
    /**
     * A thinking block's signature. Anthropic's is its own encrypted check of the thinking text, which no other
     * vendor has; clients pass it back unread, and the gateway drops thinking blocks it is sent.
     */
    static final String SIGNATURE = "";
    private final ObjectMapper json;
    private final String id;
    private final String model;
    private final boolean thinking;
    private final List<String> stopSequences;

    AnthropicMessageEncoder(ObjectMapper json, String id, String model) {
        this(json, id, model, false, List.of());
    }

    /**
     * @param thinking      the request asked for thinking ({@code "thinking": {"type": "enabled"}}): reasoning text
     *                      is answered as thinking blocks, else left out
     * @param stopSequences the request's stop_sequences, to name the one the upstream says it stopped on
     */
    AnthropicMessageEncoder(ObjectMapper json, String id, String model, boolean thinking, List<String> stopSequences) {
        this.json = json;
        this.id = id;
        this.model = model;
        this.thinking = thinking;
        this.stopSequences = stopSequences;
    }

    boolean thinking() {
        return thinking;
    }

    ObjectMapper json() {
        return json;
    }

    byte[] message(ChatResponse response, Usage usage) {
        ObjectNode message = skeleton(usage);
        ArrayNode content = message.putArray("content");
        FinishReason finish = FinishReason.STOP;
        String stopSequence = null;
        if (!response.choices().isEmpty()) {
            ChatResponse.Choice choice = response.choices().getFirst();
            Message m = choice.message();
            if (thinking && m.reasoningContent() != null && !m.reasoningContent().isEmpty()) {
                content.addObject().put("type", "thinking").put("thinking", m.reasoningContent())
                        .put("signature", SIGNATURE);
            }
            String text = m.text();
            if (!text.isEmpty() || m.toolCalls().isEmpty()) {
                content.addObject().put("type", "text").put("text", text);
            }
            for (ToolCall call : m.toolCalls()) {
                content.addObject().put("type", "tool_use").put("id", toolUseId(call.id())).put("name", call.name())
                        .set("input", input(call.arguments()));
            }
            finish = choice.finishReason() == null ? FinishReason.STOP : choice.finishReason();
            stopSequence = stopSequence(finish, choice.extras());
        }
        message.put("stop_reason", stopSequence != null ? "stop_sequence" : stopReason(finish));
        message.put("stop_sequence", stopSequence);
        return bytes(message);
    }

    /** The message with no content yet: what a stream's message_start carries, and what a whole answer fills in. */
    ObjectNode skeleton(Usage usage) {
        ObjectNode message = json.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", usage(usage));
        return message;
    }

    /**
     * Anthropic's usage: {@code input_tokens} are the prompt tokens not read from the cache, so that input_tokens +
     * cache_read_input_tokens is the prompt the row bills. No vendor behind the gateway reports cache writes
     * separately (their caching is automatic), so cache_creation_input_tokens is 0.
     */
    ObjectNode usage(Usage usage) {
        return json.createObjectNode().put("input_tokens", usage.promptTokens() - usage.cachedOrZero())
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", usage.cachedOrZero())
                .put("output_tokens", usage.completionTokens());
    }

    /**
     * The stop sequence the text ended on, when the upstream names it: vLLM (and servers like it) put the matched
     * stop string in the choice's {@code stop_reason}; it counts only when it is one of the request's sequences.
     * OpenAI, DeepSeek, Qwen and the others do not say, so their stops are end_turn with a null stop_sequence.
     */
    String stopSequence(FinishReason finish, Map<String, Object> choiceFields) {
        if (finish != FinishReason.STOP || choiceFields == null
                || !(choiceFields.get("stop_reason") instanceof String matched)) {
            return null;
        }
        return stopSequences.contains(matched) ? matched : null;
    }

    /**
     * Anthropic's stop reason. The canonical finish reason does not say which stop sequence ended the text, so a
     * stop is end_turn; a content filter is Anthropic's refusal.
     */
    static String stopReason(FinishReason finish) {
        return switch (finish) {
            case LENGTH -> "max_tokens";
            case TOOL_CALLS, FUNCTION_CALL -> "tool_use";
            case CONTENT_FILTER -> "refusal";
            case STOP -> "end_turn";
        };
    }

    /** The tool call's id as the client sees it; a vendor that names no call gets one, so tool_result can answer it. */
    static String toolUseId(String id) {
        return id == null || id.isEmpty() ? "toolu_" + io.modelbridge.gateway.ids.RandomIds.base64Url(18) : id;
    }

    /** A tool call's argument text as the JSON object Anthropic's tool_use input is; text that is none, wrapped. */
    private JsonNode input(String arguments) {
        try {
            JsonNode parsed = json.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
            return parsed != null && parsed.isObject() ? parsed : json.createObjectNode().set("value", parsed);
        } catch (JsonProcessingException e) {
            return json.createObjectNode().put("arguments", arguments);
        }
    }

    byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
