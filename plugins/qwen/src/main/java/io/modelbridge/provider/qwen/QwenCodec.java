package io.modelbridge.provider.qwen;

import static io.modelbridge.compat.OpenAiJson.MAPPER;
import static io.modelbridge.compat.OpenAiJson.badRequest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.compat.OpenAiCodec;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SPI requests to DashScope's native text-generation body: {@code {"model", "input": {"messages"}, "parameters"}}
 * (vendor-protocols.md section 4.3). {@code result_format} is always {@code message} (tools and thinking need it),
 * streams always ask {@code incremental_output} (each event then carries only the new text). Ranges DashScope
 * documents narrower than OpenAI's are clamped; what it cannot do is refused with a BAD_REQUEST saying why.
 */
final class QwenCodec {
    /** DashScope's temperature range is [0, 2): OpenAI's 2.0 becomes the largest value below it. */
    static final double MAX_TEMPERATURE = 1.99;
    /** DashScope's top_p range is (0, 1]: OpenAI's 0 becomes the smallest value above it. */
    static final double MIN_TOP_P = 0.001;
    static final int MAX_CHOICES = 4;
    /** OpenAI-side fields with a DashScope parameter of the same name and meaning, copied into parameters. */
    private static final Set<String> NATIVE_PARAMETERS = Set.of("response_format", "top_k", "repetition_penalty",
            "enable_search", "search_options", "enable_thinking", "thinking_budget", "logprobs", "top_logprobs",
            "parallel_tool_calls", "translation_options");
    /** OpenAI features DashScope's text generation does not have. */
    private static final Set<String> UNSUPPORTED = Set.of("logit_bias", "audio", "modalities", "prediction",
            "functions", "function_call");

    private QwenCodec() {}

    static String chatRequest(ChatRequest request, boolean stream) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putObject("input").putArray("messages");
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < request.messages().size(); i++) {
            messages.add(message(request.messages().get(i), i, toolNames));
        }
        ObjectNode parameters = body.putObject("parameters").put("result_format", "message");
        if (stream) {
            parameters.put("incremental_output", true);
        }
        sampling(parameters, request.sampling());
        if (!request.tools().isEmpty()) {
            ArrayNode tools = parameters.putArray("tools");
            request.tools().forEach(t ->
                    tools.add(OpenAiCodec.toolWithoutStrict(t, MAPPER.createObjectNode().put("type", "object"))));
        }
        if (request.toolChoice() != null) {
            parameters.set("tool_choice", OpenAiCodec.toolChoice(request.toolChoice()));
        }
        request.extras().forEach((name, value) -> {
            if (UNSUPPORTED.contains(name) && value != null) {
                throw badRequest("Qwen (DashScope) does not support " + name);
            }
            if (NATIVE_PARAMETERS.contains(name) && value != null) {
                parameters.set(name, MAPPER.valueToTree(value));
            }
        });
        return body.toString();
    }

    /**
     * One message. A tool result carries both {@code tool_call_id} and the function's {@code name} (older DashScope
     * examples key tool results by name), the name taken from the assistant call it answers.
     */
    static ObjectNode message(Message message, int position, Map<String, String> toolNames) {
        if (!message.isTextOnly()) {
            throw badRequest("Qwen text generation accepts text only: messages[" + position + "] has a "
                    + nonTextType(message.content()) + " part (images need DashScope's multimodal API)");
        }
        String role = "developer".equals(message.role()) ? "system" : message.role();
        ObjectNode node = MAPPER.createObjectNode().put("role", role).put("content", message.text());
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (int i = 0; i < message.toolCalls().size(); i++) {
                ToolCall call = message.toolCalls().get(i);
                toolNames.put(call.id(), call.name());
                calls.add(OpenAiCodec.toolCall(call).put("index", i));
            }
        }
        if (message.toolCallId() != null) {
            node.put("tool_call_id", message.toolCallId());
            String name = message.name() != null ? message.name() : toolNames.get(message.toolCallId());
            if (name != null) {
                node.put("name", name);
            }
        }
        return node;
    }

    private static String nonTextType(List<ContentPart> parts) {
        for (ContentPart part : parts) {
            if (part instanceof ContentPart.ImageUrl) {
                return "image_url";
            }
            if (part instanceof ContentPart.Other other) {
                return other.type();
            }
        }
        return "non-text";
    }

    /** OpenAI's sampling fields, checked against DashScope's ranges and clamped into them first. */
    private static void sampling(ObjectNode parameters, Sampling s) {
        if (s == null) {
            return;
        }
        if (s.temperature() != null && s.temperature() < 0) {
            throw badRequest("temperature must be at least 0, got " + s.temperature());
        }
        if (s.topP() != null && s.topP() > 1) {
            throw badRequest("top_p must be at most 1, got " + s.topP());
        }
        if (s.seed() != null && s.seed() < 0) {
            throw badRequest("Qwen (DashScope) takes a non-negative seed, got " + s.seed());
        }
        if (s.frequencyPenalty() != null && s.frequencyPenalty() != 0) {
            throw badRequest("Qwen (DashScope) has no frequency_penalty (its repetition_penalty is not equivalent; "
                    + "send repetition_penalty or presence_penalty instead)");
        }
        if (s.n() != null && s.n() > MAX_CHOICES) {
            throw badRequest("Qwen (DashScope) returns at most " + MAX_CHOICES + " choices, got n=" + s.n());
        }
        Double temperature = s.temperature() == null ? null : Math.min(s.temperature(), MAX_TEMPERATURE);
        Double topP = s.topP() == null ? null : Math.max(s.topP(), MIN_TOP_P);
        Integer n = s.n() != null && s.n() > 1 ? s.n() : null;
        OpenAiCodec.sampling(parameters, new Sampling(temperature, topP, s.maxTokens(), s.stop(), s.presencePenalty(),
                null, n, s.seed()), "max_tokens");
    }
}
