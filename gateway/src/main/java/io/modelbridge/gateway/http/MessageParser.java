package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parses the {@code messages} array of a chat request. */
final class MessageParser {
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private final JsonFields fields;

    MessageParser(JsonFields fields) {
        this.fields = fields;
    }

    List<Message> parseAll(JsonNode list) {
        if (!list.isArray()) {
            throw JsonFields.invalid("messages", "an array");
        }
        if (list.isEmpty()) {
            throw new GatewayException(ApiError.invalidValue("'messages' must contain at least one message.", "messages"));
        }
        List<Message> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(parse(list.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private Message parse(JsonNode m, String param) {
        if (!m.isObject()) {
            throw JsonFields.invalid(param, "an object");
        }
        String role = JsonFields.requiredString(m, "role", param + ".role");
        if (!ROLES.contains(role)) {
            throw new GatewayException(ApiError.invalidValue("Invalid value for '" + param + ".role': '" + role
                    + "'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool'.", param + ".role"));
        }
        return new Message(role, content(m.get("content"), param + ".content"),
                JsonFields.string(m, "name", param + ".name"), toolCalls(m.get("tool_calls"), param + ".tool_calls"),
                JsonFields.string(m, "tool_call_id", param + ".tool_call_id"),
                JsonFields.string(m, "reasoning_content", param + ".reasoning_content"));
    }

    List<ContentPart> content(JsonNode c, String param) {
        if (c == null || c.isNull()) {
            return List.of();
        }
        if (c.isTextual()) {
            return List.of(new ContentPart.Text(c.textValue()));
        }
        if (!c.isArray()) {
            throw JsonFields.invalid(param, "a string or an array of content parts");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            parts.add(part(c.get(i), param + "[" + i + "]"));
        }
        return parts;
    }

    private ContentPart part(JsonNode p, String param) {
        String type = JsonFields.requiredString(p, "type", param + ".type");
        return switch (type) {
            case "text" -> new ContentPart.Text(JsonFields.requiredString(p, "text", param + ".text"));
            case "image_url" -> {
                JsonNode image = p.path("image_url");
                String url = image.isTextual() ? image.textValue()
                        : JsonFields.requiredString(image, "url", param + ".image_url.url");
                yield new ContentPart.ImageUrl(url, image.isObject() ? JsonFields.string(image, "detail", param) : null);
            }
            default -> new ContentPart.Other(type, fields.plain(p));
        };
    }

    static List<ToolCall> toolCalls(JsonNode calls, String param) {
        if (calls == null || calls.isNull()) {
            return List.of();
        }
        if (!calls.isArray()) {
            throw JsonFields.invalid(param, "an array");
        }
        List<ToolCall> out = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            JsonNode fn = call.path("function");
            String at = param + "[" + i + "]";
            out.add(new ToolCall(JsonFields.string(call, "id", at + ".id"),
                    JsonFields.requiredString(fn, "name", at + ".function.name"),
                    fn.path("arguments").isTextual() ? fn.get("arguments").textValue() : fn.path("arguments").toString()));
        }
        return out;
    }
}
