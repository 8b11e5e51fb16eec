package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses an Anthropic Messages request into the canonical {@link ChatRequest}; every problem is a 400 naming the
 * field. {@code top_k} and unknown fields are ignored (the SPI has no place for them and OpenAI-style upstreams
 * refuse them); past {@code thinking} blocks are dropped.
 */
final class AnthropicRequestParser {
    private final JsonFields fields;

    AnthropicRequestParser(ObjectMapper json) {
        this.fields = new JsonFields(json);
    }

    /** @param requireMaxTokens false for count_tokens, which takes no max_tokens */
    ChatRequest parse(JsonNode body, boolean requireMaxTokens) {
        if (!body.isObject()) {
            throw new GatewayException(ApiError.invalidRequest("The request body must be a JSON object.", null));
        }
        String model = JsonFields.requiredString(body, "model", "model");
        Integer maxTokens = JsonFields.positiveInt(body, "max_tokens");
        if (maxTokens == null && requireMaxTokens) {
            throw new GatewayException(ApiError.invalidRequest("max_tokens: Field required", "max_tokens"));
        }
        JsonNode list = body.get("messages");
        if (list == null || list.isNull()) {
            throw new GatewayException(ApiError.invalidRequest("messages: Field required", "messages"));
        }
        if (!list.isArray()) {
            throw JsonFields.invalid("messages", "an array");
        }
        List<Message> messages = new ArrayList<>();
        system(body.get("system"), messages);
        for (int i = 0; i < list.size(); i++) {
            message(list.get(i), "messages[" + i + "]", messages);
        }
        if (messages.isEmpty()) {
            throw new GatewayException(ApiError.invalidRequest("messages: at least one message is required", "messages"));
        }
        Sampling sampling = new Sampling(JsonFields.number(body, "temperature", 0, 1),
                JsonFields.number(body, "top_p", 0, 1), maxTokens, stopSequences(body), null, null, null, null);
        JsonNode metadata = body.path("metadata");
        String user = metadata.isObject() ? JsonFields.string(metadata, "user_id", "metadata.user_id") : null;
        return new ChatRequest(model, messages, JsonFields.bool(body, "stream", false), false, sampling, tools(body),
                toolChoice(body), user, Map.of());
    }

    private static void system(JsonNode system, List<Message> out) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            out.add(Message.of("system", system.textValue()));
            return;
        }
        if (!system.isArray()) {
            throw JsonFields.invalid("system", "a string or an array of text blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            String param = "system[" + i + "]";
            if (!"text".equals(JsonFields.requiredString(block, "type", param + ".type"))) {
                throw JsonFields.invalid(param, "a text block");
            }
            parts.add(new ContentPart.Text(JsonFields.requiredString(block, "text", param + ".text")));
        }
        out.add(new Message("system", parts, null, List.of(), null, null));
    }

    /** One Anthropic message: a user message's tool_result blocks become tool messages, ahead of its other parts. */
    private void message(JsonNode m, String param, List<Message> out) {
        if (!m.isObject()) {
            throw JsonFields.invalid(param, "an object");
        }
        String role = JsonFields.requiredString(m, "role", param + ".role");
        if (!role.equals("user") && !role.equals("assistant")) {
            throw new GatewayException(ApiError.invalidValue(param + ".role: Input should be 'user' or 'assistant'",
                    param + ".role"));
        }
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            out.add(Message.of(role, content.textValue()));
            return;
        }
        if (content == null || !content.isArray()) {
            throw JsonFields.invalid(param + ".content", "a string or an array of content blocks");
        }
        List<ContentPart> parts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode block = content.get(i);
            String at = param + ".content[" + i + "]";
            String type = JsonFields.requiredString(block, "type", at + ".type");
            switch (type) {
                case "text" -> parts.add(new ContentPart.Text(JsonFields.requiredString(block, "text", at + ".text")));
                case "image" -> parts.add(image(block.path("source"), at + ".source"));
                case "tool_use" -> calls.add(new ToolCall(JsonFields.requiredString(block, "id", at + ".id"),
                        JsonFields.requiredString(block, "name", at + ".name"),
                        block.path("input").isObject() ? block.get("input").toString() : "{}"));
                case "tool_result" -> out.add(toolResult(block, at));
                case "thinking", "redacted_thinking" -> { } // the model's past thinking: no canonical place for it
                default -> throw new GatewayException(ApiError.invalidValue(
                        at + ".type: content blocks of type '" + type + "' are not supported by this gateway", at + ".type"));
            }
        }
        if (!parts.isEmpty() || !calls.isEmpty()) {
            out.add(new Message(role, parts, null, calls, null, null));
        }
    }

    private static ContentPart image(JsonNode source, String param) {
        String type = JsonFields.requiredString(source, "type", param + ".type");
        return switch (type) {
            case "base64" -> new ContentPart.ImageUrl("data:" + JsonFields.requiredString(source, "media_type",
                    param + ".media_type") + ";base64," + JsonFields.requiredString(source, "data", param + ".data"), null);
            case "url" -> new ContentPart.ImageUrl(JsonFields.requiredString(source, "url", param + ".url"), null);
            default -> throw JsonFields.invalid(param + ".type", "'base64' or 'url'");
        };
    }

    /** A tool's answer as a tool message; an error result (is_error) says so at the start of its text. */
    private static Message toolResult(JsonNode block, String param) {
        String id = JsonFields.requiredString(block, "tool_use_id", param + ".tool_use_id");
        JsonNode content = block.get("content");
        StringBuilder text = new StringBuilder(JsonFields.bool(block, "is_error", false) ? "Error: " : "");
        if (content != null && content.isTextual()) {
            text.append(content.textValue());
        } else if (content != null && content.isArray()) {
            for (int i = 0; i < content.size(); i++) {
                String at = param + ".content[" + i + "]";
                if (!"text".equals(JsonFields.requiredString(content.get(i), "type", at + ".type"))) {
                    throw new GatewayException(ApiError.invalidValue(
                            at + ": only text blocks are supported in a tool_result by this gateway", at));
                }
                text.append(JsonFields.requiredString(content.get(i), "text", at + ".text"));
            }
        } else if (content != null && !content.isNull()) {
            throw JsonFields.invalid(param + ".content", "a string or an array of text blocks");
        }
        return new Message("tool", List.of(new ContentPart.Text(text.toString())), null, List.of(), id, null);
    }

    private static List<String> stopSequences(JsonNode body) {
        JsonNode v = body.get("stop_sequences");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw JsonFields.invalid("stop_sequences", "an array of strings");
        }
        List<String> stops = new ArrayList<>();
        v.forEach(s -> {
            if (!s.isTextual()) {
                throw JsonFields.invalid("stop_sequences", "an array of strings");
            }
            stops.add(s.textValue());
        });
        return stops;
    }

    private List<ToolDefinition> tools(JsonNode body) {
        JsonNode list = body.get("tools");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw JsonFields.invalid("tools", "an array");
        }
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode tool = list.get(i);
            String param = "tools[" + i + "]";
            JsonNode schema = tool.get("input_schema");
            if (schema == null || !schema.isObject()) {
                throw new GatewayException(ApiError.invalidRequest(param + ".input_schema: Field required", param + ".input_schema"));
            }
            tools.add(new ToolDefinition(JsonFields.requiredString(tool, "name", param + ".name"),
                    JsonFields.string(tool, "description", param + ".description"), fields.plain(schema), null));
        }
        return tools;
    }

    /** auto, any (OpenAI's required), tool (one named function), none. */
    private static ToolChoice toolChoice(JsonNode body) {
        JsonNode v = body.get("tool_choice");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw JsonFields.invalid("tool_choice", "an object");
        }
        String type = JsonFields.requiredString(v, "type", "tool_choice.type");
        return switch (type) {
            case "auto" -> new ToolChoice("auto", null);
            case "any" -> new ToolChoice("required", null);
            case "none" -> new ToolChoice("none", null);
            case "tool" -> ToolChoice.named(JsonFields.requiredString(v, "name", "tool_choice.name"));
            default -> throw new GatewayException(ApiError.invalidValue(
                    "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'", "tool_choice.type"));
        };
    }
}
