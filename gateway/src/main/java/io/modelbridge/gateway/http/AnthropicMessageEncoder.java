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

/**
 * Anthropic's {@code message} object for one answer: its id ({@code msg_...}), the model the client asked for, the
 * first choice's text and tool_use blocks, the stop reason and the usage billed. Shared by the whole answer and by
 * the stream's {@code message_start}.
 */
final class AnthropicMessageEncoder {
    private final ObjectMapper json;
    private final String id;
    private final String model;

    AnthropicMessageEncoder(ObjectMapper json, String id, String model) {
        this.json = json;
        this.id = id;
        this.model = model;
    }

    ObjectMapper json() {
        return json;
    }

    byte[] message(ChatResponse response, Usage usage) {
        ObjectNode message = skeleton(usage.promptTokens(), usage.completionTokens());
        ArrayNode content = message.putArray("content");
        FinishReason finish = FinishReason.STOP;
        if (!response.choices().isEmpty()) {
            ChatResponse.Choice choice = response.choices().getFirst();
            Message m = choice.message();
            String text = m.text();
            if (!text.isEmpty() || m.toolCalls().isEmpty()) {
                content.addObject().put("type", "text").put("text", text);
            }
            for (ToolCall call : m.toolCalls()) {
                content.addObject().put("type", "tool_use").put("id", toolUseId(call.id())).put("name", call.name())
                        .set("input", input(call.arguments()));
            }
            finish = choice.finishReason() == null ? FinishReason.STOP : choice.finishReason();
        }
        message.put("stop_reason", stopReason(finish));
        return bytes(message);
    }

    /** The message with no content yet: what a stream's message_start carries, and what a whole answer fills in. */
    ObjectNode skeleton(int inputTokens, int outputTokens) {
        ObjectNode message = json.createObjectNode().put("id", id).put("type", "message").put("role", "assistant")
                .put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", outputTokens);
        return message;
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
