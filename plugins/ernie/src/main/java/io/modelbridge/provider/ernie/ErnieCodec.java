package io.modelbridge.provider.ernie;

import static io.modelbridge.provider.ernie.ErnieConversation.refuse;
import static io.modelbridge.provider.ernie.ErnieJson.MAPPER;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * SPI requests to ERNIE's classic chat and embeddings bodies (vendor-protocols.md 3.3, 3.7, 3.9). Values ERNIE
 * cannot express are refused with BAD_REQUEST; ranges that differ from OpenAI's are clamped as docs/vendors/ernie.md
 * records.
 */
final class ErnieCodec {
    /** ERNIE's temperature is (0, 1]: OpenAI's 0 becomes this, anything above 1 becomes 1. */
    static final double MIN_TEMPERATURE = 0.01;
    /** ERNIE's max_output_tokens starts at 2. */
    static final int MIN_OUTPUT_TOKENS = 2;
    /** The largest max_output_tokens of the ERNIE-4.0 and ERNIE-3.5 8K models ("5K input + 2K output"). */
    static final int MAX_OUTPUT_TOKENS_8K = 2048;
    /** Qianfan embeddings take at most this many texts per call. */
    static final int EMBEDDING_BATCH = 16;

    /** ERNIE-native fields a client may send through (they reach the gateway as extras). */
    private static final Set<String> NATIVE_EXTRAS = Set.of("disable_search", "enable_citation", "enable_trace",
            "penalty_score", "min_output_tokens", "enable_system_memory", "system_memory_id", "user_setting");

    private ErnieCodec() {}

    static String chat(ChatRequest request, boolean stream) {
        ObjectNode body = MAPPER.createObjectNode();
        ErnieConversation.Mapped conversation = ErnieConversation.map(request.messages());
        body.set("messages", conversation.messages());
        if (!conversation.system().isEmpty()) {
            body.put("system", conversation.system());
        }
        if (stream) {
            body.put("stream", true);
        }
        sampling(body, request.sampling(), outputCap(request.model()));
        functions(body, request.tools(), request.toolChoice());
        if (request.user() != null) {
            body.put("user_id", request.user());
        }
        extras(body, request.extras());
        return body.toString();
    }

    /** One embeddings call for up to {@link #EMBEDDING_BATCH} texts. */
    static String embeddings(List<String> texts, String user) {
        ObjectNode body = MAPPER.createObjectNode();
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        if (user != null) {
            body.put("user_id", user);
        }
        return body.toString();
    }

    /**
     * The largest max_output_tokens {@code model} takes, or null where Baidu's cap is not known: a larger limit goes as
     * the cap (the client's "at most N" is kept; ERNIE would refuse it), as vendor-protocols.md says to map it.
     */
    static Integer outputCap(String model) {
        String m = model == null ? "" : model.toUpperCase(Locale.ROOT);
        return (m.startsWith("ERNIE-4.0") || m.startsWith("ERNIE-3.5")) && m.contains("-8K") ? MAX_OUTPUT_TOKENS_8K
                : null;
    }

    private static void sampling(ObjectNode body, Sampling s, Integer outputCap) {
        if (s == null) {
            return;
        }
        if (s.n() != null && s.n() > 1) {
            throw refuse("ERNIE returns one choice per request; n=" + s.n() + " is not supported");
        }
        if (s.temperature() != null) {
            body.put("temperature", Math.min(1.0, Math.max(MIN_TEMPERATURE, s.temperature())));
        }
        if (s.topP() != null) {
            body.put("top_p", s.topP());
        }
        penalty(body, s.presencePenalty(), s.frequencyPenalty());
        if (s.maxTokens() != null) {
            int limit = outputCap == null ? s.maxTokens() : Math.min(outputCap, s.maxTokens());
            body.put("max_output_tokens", Math.max(MIN_OUTPUT_TOKENS, limit));
        }
        if (!s.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            s.stop().forEach(stop::add);
        }
    }

    /**
     * ERNIE has one repetition penalty, {@code penalty_score} in [1, 2] (1 = none). The larger of OpenAI's presence
     * and frequency penalties (0..2) maps onto it linearly; negative penalties (rewarding repetition) have no
     * equivalent and are refused.
     */
    private static void penalty(ObjectNode body, Double presence, Double frequency) {
        for (Double p : new Double[] {presence, frequency}) {
            if (p != null && p < 0) {
                throw refuse("ERNIE cannot reward repetition; presence_penalty and frequency_penalty must be >= 0");
            }
        }
        double strongest = Math.max(presence == null ? 0 : presence, frequency == null ? 0 : frequency);
        if (strongest > 0) {
            body.put("penalty_score", Math.min(2.0, 1.0 + strongest / 2));
        }
    }

    /** OpenAI tools become ERNIE {@code functions}; {@code tool_choice} as far as ERNIE has an equivalent. */
    private static void functions(ObjectNode body, List<ToolDefinition> tools, ToolChoice choice) {
        if (tools.isEmpty() || (choice != null && "none".equals(choice.mode()))) {
            return;
        }
        ArrayNode functions = body.putArray("functions");
        for (ToolDefinition tool : tools) {
            ObjectNode function = functions.addObject().put("name", tool.name());
            function.put("description", tool.description() == null ? tool.name() : tool.description());
            function.set("parameters", tool.parameters().isEmpty()
                    ? MAPPER.createObjectNode().put("type", "object").set("properties", MAPPER.createObjectNode())
                    : MAPPER.valueToTree(tool.parameters()));
        }
        String forced = forcedFunction(tools, choice);
        if (forced != null) {
            body.putObject("tool_choice").put("type", "function").putObject("function").put("name", forced);
        }
    }

    /** The function ERNIE must call, or null for "auto". "required" is expressible only with a single tool. */
    private static String forcedFunction(List<ToolDefinition> tools, ToolChoice choice) {
        if (choice == null || "auto".equals(choice.mode())) {
            return null;
        }
        if ("function".equals(choice.mode())) {
            if (tools.stream().noneMatch(t -> t.name().equals(choice.function()))) {
                throw refuse("tool_choice names '" + choice.function() + "', which is not among the tools");
            }
            return choice.function();
        }
        if ("required".equals(choice.mode()) && tools.size() == 1) {
            return tools.getFirst().name();
        }
        throw refuse("ERNIE cannot honour tool_choice '" + choice.mode() + "' with " + tools.size()
                + " tools; name one function instead");
    }

    /** ERNIE-native fields pass through; OpenAI features ERNIE lacks are refused; other fields are ignored. */
    private static void extras(ObjectNode body, Map<String, Object> extras) {
        extras.forEach((name, value) -> {
            if (NATIVE_EXTRAS.contains(name) && !body.has(name)) {
                body.set(name, MAPPER.valueToTree(value));
            }
        });
        Object format = extras.get("response_format");
        if (format != null) {
            body.put("response_format", responseFormat(format));
        }
        if (Boolean.TRUE.equals(extras.get("logprobs")) || extras.get("top_logprobs") != null) {
            throw refuse("ERNIE does not return logprobs");
        }
        if (extras.get("logit_bias") instanceof Map<?, ?> bias && !bias.isEmpty()) {
            throw refuse("ERNIE does not support logit_bias");
        }
        if (extras.get("reasoning_effort") != null) { // chat's reasoning_effort, Responses' reasoning.effort
            throw refuse("ERNIE's classic chat has no reasoning_effort");
        }
    }

    /** ERNIE's response_format is a bare string: {@code text} or {@code json_object}. */
    private static String responseFormat(Object format) {
        Object type = format instanceof Map<?, ?> map ? map.get("type") : format;
        if ("text".equals(type) || "json_object".equals(type)) {
            return (String) type;
        }
        throw refuse("ERNIE supports response_format 'text' or 'json_object' only, not " + type);
    }
}
