package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.EmbeddingRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SPI requests to OpenAI JSON. Fields the SPI models are written first; every {@code extras} field then follows
 * untouched (unless it would overwrite one of them), which is how new OpenAI parameters reach OpenAI-compatible
 * upstreams. Responses are read by {@link OpenAiResponses}. A vendor with quirks starts from {@link #chatBody} and
 * edits the tree, or builds its own body from {@link #message}, {@link #tool}, {@link #toolChoice} and
 * {@link #extras}.
 */
public final class OpenAiCodec {
    /** Models that refuse {@code max_tokens} and want {@code max_completion_tokens} (o-series, GPT-5). */
    private static final Pattern COMPLETION_TOKENS_MODELS = Pattern.compile("^(o\\d|gpt-5).*");

    private OpenAiCodec() {}

    /**
     * The chat body. A stream always asks for usage, whatever the client asked: the gateway needs the counts and
     * decides itself what the client sees.
     *
     * @param maxTokensField {@code max_tokens} or {@code max_completion_tokens}, or null to choose by model
     */
    public static String chatRequest(ChatRequest request, boolean stream, String maxTokensField) {
        return OpenAiRequestWriter.chat(request, stream, maxTokensField(request.model(), maxTokensField));
    }

    /**
     * The chat body as a tree, for a vendor that edits it before sending; the same JSON as {@link #chatRequest}, which
     * writes it without the tree.
     */
    public static ObjectNode chatBody(ChatRequest request, boolean stream, String maxTokensField) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode messages = body.putArray("messages");
        request.messages().forEach(m -> messages.add(message(m)));
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        sampling(body, request.sampling(), maxTokensField(request.model(), maxTokensField));
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(t -> tools.add(tool(t)));
        }
        if (request.toolChoice() != null) {
            body.set("tool_choice", toolChoice(request.toolChoice()));
        }
        putIfSet(body, "user", request.user());
        extras(body, request.extras());
        return body;
    }

    /** The embeddings body; vectors are always asked as floats (the gateway re-encodes for its client). */
    public static String embeddingRequest(EmbeddingRequest request) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode input = body.putArray("input");
        request.input().forEach(input::add);
        body.put("encoding_format", "float");
        if (request.dimensions() != null) {
            body.put("dimensions", request.dimensions());
        }
        putIfSet(body, "user", request.user());
        extras(body, request.extras());
        return body.toString();
    }

    /** One message in OpenAI's shape: text as a string, anything else as content parts. */
    public static ObjectNode message(Message message) {
        ObjectNode node = MAPPER.createObjectNode().put("role", message.role());
        if (message.content().isEmpty()) {
            if (message.toolCalls().isEmpty()) {
                node.put("content", "");
            } else {
                node.putNull("content");
            }
        } else if (message.content().size() == 1 && message.content().getFirst() instanceof ContentPart.Text text) {
            node.put("content", text.text());
        } else {
            ArrayNode parts = node.putArray("content");
            message.content().forEach(p -> parts.add(part(p)));
        }
        putIfSet(node, "name", message.name());
        toolFields(node, message);
        // reasoning_content is never sent back: DeepSeek answers 400 when an input message carries it.
        return node;
    }

    /** An assistant message's earlier {@code tool_calls} and a tool result's {@code tool_call_id}, where set. */
    public static void toolFields(ObjectNode node, Message message) {
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            message.toolCalls().forEach(c -> calls.add(toolCall(c)));
        }
        putIfSet(node, "tool_call_id", message.toolCallId());
    }

    /** One content part: {@code text}, {@code image_url} (with its {@code detail} if set), or any other as sent. */
    public static ObjectNode part(ContentPart part) {
        return switch (part) {
            case ContentPart.Text text -> MAPPER.createObjectNode().put("type", "text").put("text", text.text());
            case ContentPart.ImageUrl image -> {
                ObjectNode node = MAPPER.createObjectNode().put("type", "image_url");
                ObjectNode url = node.putObject("image_url").put("url", image.url());
                putIfSet(url, "detail", image.detail());
                yield node;
            }
            case ContentPart.Other other -> {
                ObjectNode node = MAPPER.createObjectNode().put("type", other.type());
                other.raw().forEach((k, v) -> node.set(k, MAPPER.valueToTree(v)));
                yield node;
            }
        };
    }

    /** An assistant message's earlier tool call. */
    public static ObjectNode toolCall(ToolCall call) {
        ObjectNode node = MAPPER.createObjectNode().put("id", call.id()).put("type", "function");
        node.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        return node;
    }

    /** A function tool the model may call. */
    public static ObjectNode tool(ToolDefinition tool) {
        ObjectNode node = MAPPER.createObjectNode().put("type", "function");
        ObjectNode function = node.putObject("function").put("name", tool.name());
        putIfSet(function, "description", tool.description());
        if (!tool.parameters().isEmpty()) {
            function.set("parameters", MAPPER.valueToTree(tool.parameters()));
        }
        if (tool.strict() != null) {
            function.put("strict", tool.strict());
        }
        return node;
    }

    /**
     * A function tool for a vendor that wants {@code parameters} on every tool and has no {@code strict} (DashScope,
     * GLM): {@code whenNone} stands in for a tool without parameters; {@code strict} is left out (a vendor that cannot
     * honour {@code strict: true} refuses it first).
     */
    public static ObjectNode toolWithoutStrict(ToolDefinition tool, ObjectNode whenNone) {
        ObjectNode node = tool(tool);
        ObjectNode function = (ObjectNode) node.get("function");
        function.remove("strict");
        if (!function.has("parameters")) {
            function.set("parameters", whenNone);
        }
        return node;
    }

    /** {@code "auto"}, {@code "none"}, {@code "required"} or one named function. */
    public static JsonNode toolChoice(ToolChoice choice) {
        if ("function".equals(choice.mode())) {
            ObjectNode node = MAPPER.createObjectNode().put("type", "function");
            node.putObject("function").put("name", choice.function());
            return node;
        }
        return MAPPER.getNodeFactory().textNode(choice.mode());
    }

    /**
     * The sampling fields that are set, under OpenAI's names ({@code maxTokensField} for the token limit). A vendor
     * with narrower ranges or fewer fields checks, clamps or clears them in a copy of the {@link Sampling} first.
     */
    public static void sampling(ObjectNode body, Sampling s, String maxTokensField) {
        if (s == null) {
            return;
        }
        if (s.temperature() != null) {
            body.put("temperature", s.temperature());
        }
        if (s.topP() != null) {
            body.put("top_p", s.topP());
        }
        if (s.maxTokens() != null) {
            body.put(maxTokensField, s.maxTokens());
        }
        if (!s.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            s.stop().forEach(stop::add);
        }
        if (s.presencePenalty() != null) {
            body.put("presence_penalty", s.presencePenalty());
        }
        if (s.frequencyPenalty() != null) {
            body.put("frequency_penalty", s.frequencyPenalty());
        }
        if (s.n() != null) {
            body.put("n", s.n());
        }
        if (s.seed() != null) {
            body.put("seed", s.seed());
        }
    }

    /**
     * The field the body gives the completion-token limit: {@code configured} when set, else {@code max_completion_tokens}
     * for the models that want it and {@code max_tokens} for the others.
     */
    public static String maxTokensField(String model, String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        return COMPLETION_TOKENS_MODELS.matcher(model).matches() ? "max_completion_tokens" : "max_tokens";
    }

    /** Every extras field the body does not have yet, untouched. */
    public static void extras(ObjectNode body, Map<String, Object> extras) {
        extras.forEach((name, value) -> {
            if (!body.has(name)) {
                body.set(name, MAPPER.valueToTree(value));
            }
        });
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
