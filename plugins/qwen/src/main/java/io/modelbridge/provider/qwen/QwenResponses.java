package io.modelbridge.provider.qwen;

import static io.modelbridge.compat.OpenAiJson.nonEmptyText;
import static io.modelbridge.compat.OpenAiJson.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.compat.OpenAiResponses;
import io.modelbridge.compat.UpstreamText;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * DashScope's text-generation answers (vendor-protocols.md section 4.4) to SPI records: {@code output.choices} (no
 * {@code index}: the position is the index), {@code usage.input_tokens/output_tokens}, {@code request_id} as the
 * upstream id. Anything else is a PROTOCOL failure.
 */
final class QwenResponses {
    private QwenResponses() {}

    static ChatResponse chat(String body) {
        JsonNode root = object(body);
        JsonNode choices = root.path("output").path("choices");
        List<ChatResponse.Choice> result = new ArrayList<>();
        if (choices.isArray() && !choices.isEmpty()) {
            for (JsonNode choice : choices) {
                result.add(new ChatResponse.Choice(choice.path("index").asInt(result.size()),
                        message(choice.path("message")), finishReason(nonEmptyText(choice, "finish_reason"))));
            }
        } else if (root.path("output").has("text")) {
            String text = root.path("output").path("text").asText("");
            result.add(new ChatResponse.Choice(0, Message.of("assistant", text),
                    finishReason(nonEmptyText(root.path("output"), "finish_reason"))));
        } else {
            throw protocol("DashScope answer without output.choices: " + UpstreamText.excerpt(body));
        }
        return new ChatResponse(nonEmptyText(root, "request_id"), result, usage(root.get("usage")));
    }

    /**
     * DashScope's usage: {@code input_tokens} and {@code output_tokens}; the total is their sum (as one-api computes
     * it, since {@code total_tokens} is not sent on every answer); {@code prompt_tokens_details.cached_tokens} and
     * {@code output_tokens_details.reasoning_tokens} when sent. Null when absent.
     */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject() || !usage.has("input_tokens")) {
            return null;
        }
        return Usage.of(OpenAiJson.tokens(usage, "input_tokens", 0), OpenAiJson.tokens(usage, "output_tokens", 0),
                OpenAiResponses.detail(usage.path("prompt_tokens_details"), "cached_tokens"),
                OpenAiResponses.detail(usage.path("output_tokens_details"), "reasoning_tokens"));
    }

    /** {@code stop}, {@code length}, {@code tool_calls}; null for the string {@code "null"} of unfinished events. */
    static FinishReason finishReason(String wire) {
        if (wire == null || wire.equals("null")) {
            return null;
        }
        return FinishReason.fromWire(wire);
    }

    static JsonNode object(String body) {
        return OpenAiJson.parse(body).filter(JsonNode::isObject)
                .orElseThrow(() -> protocol("DashScope sent an answer that is not JSON: " + UpstreamText.excerpt(body)));
    }

    private static Message message(JsonNode message) {
        List<ContentPart> content = new ArrayList<>();
        String text = nonEmptyText(message, "content");
        if (text != null) {
            content.add(new ContentPart.Text(text));
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            calls.add(new ToolCall(nonEmptyText(call, "id"), nonEmptyText(function, "name"), function.path("arguments").asText("")));
        }
        return new Message("assistant", content, null, calls, null, nonEmptyText(message, "reasoning_content"));
    }
}
