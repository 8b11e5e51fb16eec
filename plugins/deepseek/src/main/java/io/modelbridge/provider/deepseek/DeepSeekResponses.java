package io.modelbridge.provider.deepseek;

import static io.modelbridge.provider.deepseek.DeepSeekJson.protocol;
import static io.modelbridge.provider.deepseek.DeepSeekJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import java.util.List;

/** DeepSeek answers to SPI records; anything that is not the expected shape is a PROTOCOL failure. */
final class DeepSeekResponses {
    /** DeepSeek's finish reason when its inference capacity ran out mid-generation (docs "Create Chat Completion"). */
    static final String OUT_OF_CAPACITY = "insufficient_system_resource";

    private DeepSeekResponses() {}

    static ChatResponse chat(String body) {
        JsonNode root = DeepSeekJson.parse(body).filter(JsonNode::isObject)
                .orElseThrow(() -> protocol("DeepSeek sent a chat completion that is not JSON: "
                        + DeepSeekErrors.excerpt(body)));
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw protocol("DeepSeek sent a chat completion without choices");
        }
        List<ChatResponse.Choice> result = new ArrayList<>();
        for (JsonNode choice : choices) {
            result.add(new ChatResponse.Choice(choice.path("index").asInt(result.size()),
                    message(choice.path("message")), finishReason(text(choice, "finish_reason"))));
        }
        return new ChatResponse(text(root, "id"), result, usage(root.get("usage")));
    }

    /**
     * DeepSeek's usage. {@code prompt_cache_hit_tokens}/{@code prompt_cache_miss_tokens} split the prompt tokens;
     * the SPI's Usage carries only the three totals, so the split is not passed on. Null when absent.
     */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        int prompt = DeepSeekJson.tokens(usage, "prompt_tokens", 0);
        int completion = DeepSeekJson.tokens(usage, "completion_tokens", 0);
        return new Usage(prompt, completion, DeepSeekJson.totalTokens(usage, "total_tokens", prompt + completion));
    }

    /**
     * DeepSeek's finish reasons onto OpenAI's. {@code insufficient_system_resource} has no OpenAI value and means the
     * answer is incomplete for a reason that is not the client's: it is a retryable UNAVAILABLE failure.
     */
    static FinishReason finishReason(String wire) {
        if (OUT_OF_CAPACITY.equals(wire)) {
            throw outOfCapacity();
        }
        return FinishReason.fromWire(wire);
    }

    static ProviderException outOfCapacity() {
        return new ProviderException(new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE,
                "DeepSeek interrupted the answer: its inference system ran out of resources (finish_reason "
                        + OUT_OF_CAPACITY + ")", OUT_OF_CAPACITY, 0, null));
    }

    private static Message message(JsonNode message) {
        List<ContentPart> content = new ArrayList<>();
        String text = text(message, "content");
        if (text != null && !text.isEmpty()) {
            content.add(new ContentPart.Text(text));
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            calls.add(new ToolCall(text(call, "id"), text(function, "name"), function.path("arguments").asText("")));
        }
        String reasoning = text(message, "reasoning_content");
        return new Message("assistant", content, null, calls, null, reasoning == null || reasoning.isEmpty() ? null : reasoning);
    }
}
