package io.modelbridge.provider.deepseek;

import static io.modelbridge.compat.OpenAiJson.MAPPER;
import static io.modelbridge.compat.OpenAiJson.badRequest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.compat.OpenAiCodec;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SPI requests to DeepSeek's chat completion body (OpenAI-shaped, docs "Create Chat Completion"). What DeepSeek
 * documents as an error is refused here with a BAD_REQUEST that says why, before any network call; fields it does
 * not have but that change nothing the client sees ({@code user}, best-effort {@code seed}) are left out.
 */
final class DeepSeekCodec {
    /** DeepSeek accepts up to 16 stop sequences. */
    static final int MAX_STOP = 16;
    /** The reasoner answers 400 to these (docs "Reasoning Model"): refuse them with our own clear message. */
    private static final Set<String> REASONER_REFUSED = Set.of("logprobs", "top_logprobs");
    /** Written from the SPI's typed fields or deliberately left out; an extras entry never overrides them. */
    private static final Set<String> OWNED = Set.of("model", "messages", "stream", "stream_options", "temperature",
            "top_p", "max_tokens", "max_completion_tokens", "stop", "presence_penalty", "frequency_penalty", "n",
            "seed", "tools", "tool_choice", "user");

    private DeepSeekCodec() {}

    /**
     * The largest max_tokens DeepSeek takes for {@code model} (deepseek-chat 8K, deepseek-reasoner 64K), or null for a
     * model whose cap is not known. A larger limit goes as the cap: the client's "at most N" is kept, and DeepSeek
     * would answer it with a 400 (what Claude Code's 32,000 got).
     */
    static Integer maxTokensCap(String model) {
        return switch (model) {
            case "deepseek-chat" -> 8192;
            case "deepseek-reasoner" -> 65536;
            default -> null;
        };
    }

    /** Whether DeepSeek serves {@code model} in thinking mode (its answers carry {@code reasoning_content}). */
    static boolean isReasoner(String model) {
        return model.contains("reasoner");
    }

    /**
     * The request body. A stream always asks for usage: the gateway needs the counts whatever the client asked.
     *
     * @param keepReasoning send earlier turns' {@code reasoning_content} back (thinking mode with tools on newer
     *                      models requires it; the R1-era reasoner answers 400 to it, hence off by default)
     */
    static String chatRequest(ChatRequest request, boolean stream, boolean keepReasoning) {
        refuseWhatDeepSeekRejects(request);
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < request.messages().size(); i++) {
            messages.add(message(request.messages().get(i), i, keepReasoning));
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        sampling(body, request.sampling(), maxTokensCap(request.model()));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(t -> tools.add(OpenAiCodec.tool(t)));
        }
        if (request.toolChoice() != null) {
            body.set("tool_choice", OpenAiCodec.toolChoice(request.toolChoice()));
        }
        request.extras().forEach((name, value) -> {
            if (!OWNED.contains(name) && !body.has(name)) {
                body.set(name, MAPPER.valueToTree(value));
            }
        });
        return body.toString();
    }

    /**
     * Whether this codec would write a plain request (text messages, no tools: what the gateway may pass as the client
     * sent it, written as OpenAI's writer writes it) as the OpenAI writer does, its token limit under {@code max_tokens}:
     * no {@code developer} role (sent as system), no {@code user}, {@code seed} or {@code n} (left out), a limit within
     * the model's cap (a larger one is lowered), and nothing refused here (the translated path refuses it with its
     * message).
     */
    static boolean writesAsOpenAi(ChatRequest request) {
        Sampling s = request.sampling();
        Integer cap = maxTokensCap(request.model());
        return refusal(request).isEmpty() && request.user() == null && (s == null || s.seed() == null && s.n() == null
                && (cap == null || s.maxTokens() == null || s.maxTokens() <= cap))
                && request.messages().stream().noneMatch(m -> "developer".equals(m.role()));
    }

    private static void refuseWhatDeepSeekRejects(ChatRequest request) {
        refusal(request).ifPresent(message -> {
            throw badRequest(message);
        });
    }

    /** Why DeepSeek would answer this request with an error, if it would. */
    private static Optional<String> refusal(ChatRequest request) {
        Sampling s = request.sampling();
        if (s != null) {
            if (s.temperature() != null && (s.temperature() < 0 || s.temperature() > 2)) {
                return Optional.of("DeepSeek accepts temperature between 0 and 2, got " + s.temperature());
            }
            if (s.topP() != null && (s.topP() <= 0 || s.topP() > 1)) {
                return Optional.of("DeepSeek accepts top_p in (0, 1], got " + s.topP());
            }
            if (s.n() != null && s.n() > 1) {
                return Optional.of("DeepSeek returns a single choice: n must be 1, got " + s.n());
            }
            if (s.stop().size() > MAX_STOP) {
                return Optional.of("DeepSeek accepts at most " + MAX_STOP + " stop sequences, got " + s.stop().size());
            }
        }
        if (isReasoner(request.model())) {
            for (String field : REASONER_REFUSED) {
                Object value = request.extras().get(field);
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return Optional.of(request.model() + " does not support " + field
                            + " (DeepSeek answers this parameter with an error for the reasoning model)");
                }
            }
        }
        if (request.extras().get("response_format") instanceof Map<?, ?> format
                && "json_schema".equals(format.get("type"))) {
            return Optional.of("DeepSeek supports response_format text and json_object, not json_schema");
        }
        return Optional.empty();
    }

    static ObjectNode message(Message message, int position, boolean keepReasoning) {
        String role = "developer".equals(message.role()) ? "system" : message.role();
        ObjectNode node = MAPPER.createObjectNode().put("role", role);
        if (!message.isTextOnly()) {
            throw badRequest("DeepSeek chat accepts text only: messages[" + position + "] has a "
                    + firstNonText(message.content()) + " part");
        }
        if (message.content().isEmpty() && !message.toolCalls().isEmpty()) {
            node.putNull("content");
        } else {
            node.put("content", message.text());
        }
        if (message.name() != null) {
            node.put("name", message.name());
        }
        OpenAiCodec.toolFields(node, message);
        if (keepReasoning && message.reasoningContent() != null) {
            node.put("reasoning_content", message.reasoningContent());
        }
        return node;
    }

    private static String firstNonText(List<ContentPart> parts) {
        return parts.stream().filter(p -> !(p instanceof ContentPart.Text)).findFirst()
                .map(p -> switch (p) {
                    case ContentPart.ImageUrl image -> "image_url";
                    case ContentPart.Other other -> other.type();
                    case ContentPart.Text text -> "text";
                }).orElse("non-text");
    }

    /**
     * OpenAI's sampling fields but {@code n} (checked to be 1) and {@code seed}, which DeepSeek does not have; the
     * limit at most {@code cap} (null: any).
     */
    private static void sampling(ObjectNode body, Sampling s, Integer cap) {
        if (s != null) {
            Integer limit = s.maxTokens();
            if (cap != null && limit != null && limit > cap) {
                limit = cap;
            }
            OpenAiCodec.sampling(body, new Sampling(s.temperature(), s.topP(), limit, s.stop(),
                    s.presencePenalty(), s.frequencyPenalty(), null, null), "max_tokens");
        }
    }
}
