package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.ids.RandomIds;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.util.List;

/**
 * The Responses API's {@code response} object for one answer: its id ({@code resp_...}), the model the client asked
 * for, the request fields OpenAI echoes, the output items (a reasoning item when the vendor sent reasoning text, the
 * assistant's message, one function_call item per tool call), the status and the usage billed. Shared by the whole
 * answer and by the stream's events.
 */
final class ResponsesEncoder {
    private final ObjectMapper json;
    private final String id = "resp_" + RandomIds.base64Url(24);
    private final long createdAt;
    private final String model;
    private final ObjectNode echo;

    ResponsesEncoder(ObjectMapper json, long createdAt, String model, ObjectNode echo) {
        this.json = json;
        this.createdAt = createdAt;
        this.model = model;
        this.echo = echo;
    }

    ObjectMapper json() {
        return json;
    }

    /** The whole answer: the first choice's items (the Responses API has no n). */
    ObjectNode response(ChatResponse response, Usage usage) {
        FinishReason finish = FinishReason.STOP;
        ArrayNode output = json.createArrayNode();
        if (!response.choices().isEmpty()) {
            ChatResponse.Choice choice = response.choices().getFirst();
            finish = choice.finishReason() == null ? FinishReason.STOP : choice.finishReason();
            Message m = choice.message();
            String itemStatus = status(finish);
            if (m.reasoningContent() != null && !m.reasoningContent().isEmpty()) {
                output.add(reasoningItem(newId("rs_"), m.reasoningContent()));
            }
            if (!m.text().isEmpty() || m.toolCalls().isEmpty()) {
                output.add(messageItem(newId("msg_"), itemStatus, List.of(outputText(m.text()))));
            }
            for (ToolCall call : m.toolCalls()) {
                output.add(functionCallItem(newId("fc_"), "completed", callId(call.id()), call.name(),
                        call.arguments() == null ? "" : call.arguments()));
            }
        }
        return finished(output, finish, usage);
    }

    /** The response in progress: what response.created and response.in_progress carry. */
    ObjectNode inProgress() {
        return skeleton("in_progress");
    }

    /** The response with its output and usage: completed, or incomplete when the output was cut off. */
    ObjectNode finished(ArrayNode output, FinishReason finish, Usage usage) {
        ObjectNode response = skeleton(status(finish));
        String incomplete = switch (finish) {
            case LENGTH -> "max_output_tokens";
            case CONTENT_FILTER -> "content_filter";
            default -> null;
        };
        if (incomplete != null) {
            response.putObject("incomplete_details").put("reason", incomplete);
        }
        response.set("output", output);
        response.set("usage", usage(usage));
        return response;
    }

    /** A failure after the stream began: response.failed's response, with OpenAI's error object. */
    ObjectNode failed(ArrayNode output, ApiError error) {
        ObjectNode response = skeleton("failed");
        response.putObject("error").put("code", error.status() == 429 ? "rate_limit_exceeded" : "server_error")
                .put("message", error.message());
        response.set("output", output);
        return response;
    }

    static String status(FinishReason finish) {
        return finish == FinishReason.LENGTH || finish == FinishReason.CONTENT_FILTER ? "incomplete" : "completed";
    }

    private ObjectNode skeleton(String status) {
        ObjectNode r = json.createObjectNode();
        r.put("id", id).put("object", "response").put("created_at", createdAt).put("status", status);
        r.put("background", false);
        r.putNull("error");
        r.putNull("incomplete_details");
        r.set("instructions", echo.get("instructions"));
        r.set("max_output_tokens", echo.get("max_output_tokens"));
        r.put("model", model);
        r.putArray("output");
        r.set("parallel_tool_calls", echo.get("parallel_tool_calls"));
        r.set("previous_response_id", echo.get("previous_response_id"));
        r.set("reasoning", echo.get("reasoning"));
        r.set("store", echo.get("store"));
        r.set("temperature", echo.get("temperature"));
        r.set("text", echo.get("text"));
        r.set("tool_choice", echo.get("tool_choice"));
        r.set("tools", echo.get("tools"));
        r.set("top_p", echo.get("top_p"));
        r.put("truncation", "disabled");
        r.putNull("usage");
        r.set("user", echo.get("user"));
        r.set("metadata", echo.get("metadata"));
        return r;
    }

    ObjectNode messageItem(String itemId, String status, List<ObjectNode> content) {
        ObjectNode item = json.createObjectNode().put("id", itemId).put("type", "message").put("status", status)
                .put("role", "assistant");
        item.putArray("content").addAll(content);
        return item;
    }

    ObjectNode outputText(String text) {
        ObjectNode part = json.createObjectNode().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }

    ObjectNode functionCallItem(String itemId, String status, String callId, String name, String arguments) {
        return json.createObjectNode().put("id", itemId).put("type", "function_call").put("status", status)
                .put("arguments", arguments).put("call_id", callId).put("name", name);
    }

    /** Reasoning text as OpenAI gives an open-weight model's: reasoning_text content, no summary. */
    ObjectNode reasoningItem(String itemId, String text) {
        ObjectNode item = json.createObjectNode().put("id", itemId).put("type", "reasoning");
        item.putArray("summary");
        item.putArray("content").add(reasoningText(text));
        return item;
    }

    ObjectNode reasoningText(String text) {
        return json.createObjectNode().put("type", "reasoning_text").put("text", text);
    }

    static String newId(String prefix) {
        return prefix + RandomIds.base64Url(18);
    }

    /** The call's id as the client sees it; a vendor that names no call gets one, so function_call_output can answer. */
    static String callId(String id) {
        return id == null || id.isEmpty() ? newId("call_") : id;
    }

    private ObjectNode usage(Usage u) {
        ObjectNode node = json.createObjectNode().put("input_tokens", u.promptTokens());
        // the SPI has no count of tokens written to a prompt cache: 0, which the SDKs require to be present
        node.putObject("input_tokens_details").put("cached_tokens", u.cachedOrZero()).put("cache_write_tokens", 0);
        node.put("output_tokens", u.completionTokens());
        node.putObject("output_tokens_details").put("reasoning_tokens",
                u.reasoningTokens() == null ? 0 : u.reasoningTokens());
        node.put("total_tokens", u.totalTokens());
        return node;
    }

    byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
