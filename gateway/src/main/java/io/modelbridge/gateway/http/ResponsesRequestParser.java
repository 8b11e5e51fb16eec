package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.ids.RandomIds;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses an OpenAI Responses API request into the canonical {@link ChatRequest}. Every field the gateway cannot
 * translate (built-in tools, background mode, conversations, ...) is a 400 naming it in {@code param}: a client must
 * not believe a feature took effect when it did not.
 */
final class ResponsesRequestParser {
    private static final Set<String> FIELDS = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "text", "reasoning", "store",
            "previous_response_id", "metadata", "user", "stream");
    private static final Set<String> ROLES = Set.of("user", "system", "developer", "assistant");
    private static final Set<String> EFFORTS = Set.of("minimal", "low", "medium", "high");
    private static final int MAX_METADATA_KEYS = 16;
    private final ObjectMapper json;
    private final JsonFields fields;

    ResponsesRequestParser(ObjectMapper json) {
        this.json = json;
        this.fields = new JsonFields(json);
    }

    ResponsesRequest parse(JsonNode body) {
        if (!body.isObject()) {
            throw new GatewayException(ApiError.invalidRequest("The request body must be a JSON object.", null));
        }
        refuseUnknown(body);
        String model = JsonFields.requiredString(body, "model", "model");
        String instructions = JsonFields.string(body, "instructions", "instructions");
        List<Message> messages = new ArrayList<>();
        if (instructions != null) {
            messages.add(Message.of("system", instructions));
        }
        ArrayNode input = json.createArrayNode();
        input(body.get("input"), messages, input);
        if (messages.isEmpty() || messages.size() == 1 && instructions != null) {
            throw new GatewayException(ApiError.invalidRequest("Missing required parameter: 'input'.", "input"));
        }
        Integer maxOutput = JsonFields.positiveInt(body, "max_output_tokens");
        Double temperature = JsonFields.number(body, "temperature", 0, 2);
        Double topP = JsonFields.number(body, "top_p", 0, 1);
        Map<String, Object> extras = new LinkedHashMap<>();
        ObjectNode echo = json.createObjectNode();
        echo.put("instructions", instructions);
        echo.put("max_output_tokens", maxOutput);
        echo.put("temperature", temperature);
        echo.put("top_p", topP);
        List<ToolDefinition> tools = tools(body, echo);
        ToolChoice toolChoice = toolChoice(body, echo);
        JsonNode parallel = body.get("parallel_tool_calls");
        if (parallel != null && !parallel.isNull()) {
            extras.put("parallel_tool_calls", JsonFields.bool(body, "parallel_tool_calls", true));
        }
        echo.put("parallel_tool_calls", JsonFields.bool(body, "parallel_tool_calls", true));
        text(body.get("text"), extras, echo);
        reasoning(body.get("reasoning"), extras, echo);
        boolean store = JsonFields.bool(body, "store", true);
        String previous = JsonFields.string(body, "previous_response_id", "previous_response_id");
        echo.put("previous_response_id", previous);
        echo.put("store", store);
        echo.set("metadata", metadata(body.get("metadata")));
        String user = JsonFields.string(body, "user", "user");
        echo.put("user", user);
        Sampling sampling = new Sampling(temperature, topP, maxOutput, List.of(), null, null, null, null);
        ChatRequest chat = new ChatRequest(model, messages, JsonFields.bool(body, "stream", false), false, sampling,
                tools, toolChoice, user, extras);
        return new ResponsesRequest(chat, echo, input, store, previous);
    }

    /**
     * A stored turn's items (its input, or its response's output) as canonical messages, to replay a conversation:
     * message and function_call items as the assistant's, function_call_output as tool messages, reasoning dropped.
     */
    List<Message> replay(JsonNode items, String param) {
        List<Message> out = new ArrayList<>();
        ArrayNode ignored = json.createArrayNode();
        for (int i = 0; i < items.size(); i++) {
            item(items.get(i), param + "[" + i + "]", out, ignored);
        }
        return out;
    }

    private static void refuseUnknown(JsonNode body) {
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            boolean harmless = value.isNull()
                    || name.equals("background") && value.isBoolean() && !value.booleanValue()
                    || name.equals("truncation") && "disabled".equals(value.asText())
                    || name.equals("include") && value.isArray() && value.isEmpty();
            if (!FIELDS.contains(name) && !harmless) {
                throw new GatewayException(new ApiError(400, "invalid_request_error", "unsupported_parameter", name,
                        "Unsupported parameter: '" + name + "'. This gateway's Responses API translates requests "
                                + "for every vendor and does not support it."));
            }
        }
    }

    /** A string (one user message) or a list of items; each item is also kept, with an id, as Responses shows it. */
    private void input(JsonNode input, List<Message> out, ArrayNode items) {
        if (input == null || input.isNull()) {
            return;
        }
        if (input.isTextual()) {
            out.add(Message.of("user", input.textValue()));
            ObjectNode item = items.addObject().put("id", "msg_" + RandomIds.base64Url(18)).put("type", "message")
                    .put("role", "user");
            item.putArray("content").addObject().put("type", "input_text").put("text", input.textValue());
            return;
        }
        if (!input.isArray()) {
            throw JsonFields.invalid("input", "a string or an array of input items");
        }
        for (int i = 0; i < input.size(); i++) {
            item(input.get(i), "input[" + i + "]", out, items);
        }
    }

    private void item(JsonNode item, String param, List<Message> out, ArrayNode items) {
        if (!item.isObject()) {
            throw JsonFields.invalid(param, "an object");
        }
        String type = item.hasNonNull("type") ? JsonFields.requiredString(item, "type", param + ".type") : "message";
        ObjectNode kept = item.deepCopy();
        switch (type) {
            case "message" -> {
                message(item, param, out);
                kept.put("type", "message");
                if (item.path("content").isTextual()) {
                    kept.putArray("content").addObject()
                            .put("type", "assistant".equals(item.path("role").asText()) ? "output_text" : "input_text")
                            .put("text", item.get("content").textValue());
                }
                keep(kept, "msg_", items);
            }
            case "function_call" -> {
                ToolCall call = new ToolCall(JsonFields.requiredString(item, "call_id", param + ".call_id"),
                        JsonFields.requiredString(item, "name", param + ".name"),
                        JsonFields.requiredString(item, "arguments", param + ".arguments"));
                addCall(call, out);
                keep(kept, "fc_", items);
            }
            case "function_call_output" -> {
                out.add(new Message("tool", List.of(new ContentPart.Text(output(item, param))), null, List.of(),
                        JsonFields.requiredString(item, "call_id", param + ".call_id"), null));
                keep(kept, "fco_", items);
            }
            case "reasoning" -> { } // a past reasoning item: the canonical messages have no place for it
            default -> throw new GatewayException(new ApiError(400, "invalid_request_error", "unsupported_value",
                    param + ".type", "Input items of type '" + type + "' are not supported by this gateway."));
        }
    }

    private static void keep(ObjectNode item, String idPrefix, ArrayNode items) {
        if (!item.hasNonNull("id")) {
            item.put("id", idPrefix + RandomIds.base64Url(18));
        }
        items.add(item);
    }

    /** A function_call item joins the assistant message before it (parallel calls are one chat message). */
    private static void addCall(ToolCall call, List<Message> out) {
        Message last = out.isEmpty() ? null : out.getLast();
        if (last != null && last.role().equals("assistant")) {
            List<ToolCall> calls = new ArrayList<>(last.toolCalls());
            calls.add(call);
            out.set(out.size() - 1, new Message("assistant", last.content(), null, calls, null, null));
        } else {
            out.add(new Message("assistant", List.of(), null, List.of(call), null, null));
        }
    }

    private static String output(JsonNode item, String param) {
        JsonNode output = item.get("output");
        if (output != null && output.isTextual()) {
            return output.textValue();
        }
        if (output == null || !output.isArray()) {
            throw JsonFields.invalid(param + ".output", "a string or an array of input_text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < output.size(); i++) {
            String at = param + ".output[" + i + "]";
            if (!"input_text".equals(JsonFields.requiredString(output.get(i), "type", at + ".type"))) {
                throw new GatewayException(new ApiError(400, "invalid_request_error", "unsupported_value", at + ".type",
                        "Only input_text parts are supported in a function_call_output by this gateway."));
            }
            text.append(JsonFields.requiredString(output.get(i), "text", at + ".text"));
        }
        return text.toString();
    }

    private static void message(JsonNode item, String param, List<Message> out) {
        String role = JsonFields.requiredString(item, "role", param + ".role");
        if (!ROLES.contains(role)) {
            throw new GatewayException(ApiError.invalidValue(param + ".role: Input should be 'user', 'system', "
                    + "'developer' or 'assistant'", param + ".role"));
        }
        JsonNode content = item.get("content");
        if (content != null && content.isTextual()) {
            out.add(Message.of(role, content.textValue()));
            return;
        }
        if (content == null || !content.isArray()) {
            throw JsonFields.invalid(param + ".content", "a string or an array of content parts");
        }
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String at = param + ".content[" + i + "]";
            String type = JsonFields.requiredString(part, "type", at + ".type");
            switch (type) {
                case "input_text", "output_text" -> parts.add(new ContentPart.Text(
                        JsonFields.requiredString(part, "text", at + ".text")));
                case "input_image" -> parts.add(new ContentPart.ImageUrl(
                        JsonFields.requiredString(part, "image_url", at + ".image_url"),
                        JsonFields.string(part, "detail", at + ".detail")));
                default -> throw new GatewayException(new ApiError(400, "invalid_request_error", "unsupported_value",
                        at + ".type", "Content parts of type '" + type + "' are not supported by this gateway."));
            }
        }
        out.add(new Message(role, parts, null, List.of(), null, null));
    }

    /** Function tools in Responses' flat form; a built-in tool needs OpenAI itself and is refused. */
    private List<ToolDefinition> tools(JsonNode body, ObjectNode echo) {
        JsonNode list = body.get("tools");
        ArrayNode echoed = echo.putArray("tools");
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
            String type = JsonFields.requiredString(tool, "type", param + ".type");
            if (!type.equals("function")) {
                throw new GatewayException(new ApiError(400, "invalid_request_error", "unsupported_value",
                        param + ".type", "Tools of type '" + type + "' are not supported by this gateway: only "
                        + "function tools are translated for every vendor."));
            }
            JsonNode params = tool.get("parameters");
            if (params != null && !params.isNull() && !params.isObject()) {
                throw JsonFields.invalid(param + ".parameters", "a JSON schema object");
            }
            JsonNode strict = tool.get("strict");
            if (strict != null && !strict.isNull() && !strict.isBoolean()) {
                throw JsonFields.invalid(param + ".strict", "a boolean");
            }
            tools.add(new ToolDefinition(JsonFields.requiredString(tool, "name", param + ".name"),
                    JsonFields.string(tool, "description", param + ".description"),
                    params != null && params.isObject() ? fields.plain(params) : Map.of(),
                    strict != null && strict.isBoolean() ? strict.booleanValue() : null));
            echoed.add(tool.deepCopy());
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode body, ObjectNode echo) {
        JsonNode v = body.get("tool_choice");
        if (v == null || v.isNull()) {
            echo.put("tool_choice", "auto");
            return null;
        }
        echo.set("tool_choice", v.deepCopy());
        if (v.isTextual() && Set.of("auto", "none", "required").contains(v.textValue())) {
            return new ToolChoice(v.textValue(), null);
        }
        if (v.isObject() && "function".equals(v.path("type").asText())) {
            return ToolChoice.named(JsonFields.requiredString(v, "name", "tool_choice.name"));
        }
        throw new GatewayException(ApiError.invalidValue("tool_choice: expected 'auto', 'none', 'required' or "
                + "{\"type\":\"function\",\"name\":...}; other tool choices are not supported by this gateway.",
                "tool_choice"));
    }

    /** text.format as the canonical (chat) response_format; json_schema's flat fields go into its json_schema. */
    private void text(JsonNode text, Map<String, Object> extras, ObjectNode echo) {
        if (text == null || text.isNull()) {
            echo.putObject("text").putObject("format").put("type", "text");
            return;
        }
        if (!text.isObject()) {
            throw JsonFields.invalid("text", "an object");
        }
        for (Iterator<String> names = text.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("format")) {
                throw new GatewayException(new ApiError(400, "invalid_request_error", "unsupported_parameter",
                        "text." + name, "Unsupported parameter: 'text." + name + "'."));
            }
        }
        JsonNode format = text.get("format");
        if (format == null || format.isNull()) {
            echo.putObject("text").putObject("format").put("type", "text");
            return;
        }
        String type = JsonFields.requiredString(format, "type", "text.format.type");
        switch (type) {
            case "text", "json_object" -> extras.put("response_format", Map.of("type", type));
            case "json_schema" -> {
                JsonNode schema = format.get("schema");
                if (schema == null || !schema.isObject()) {
                    throw new GatewayException(ApiError.invalidRequest(
                            "Missing required parameter: 'text.format.schema'.", "text.format.schema"));
                }
                Map<String, Object> jsonSchema = new LinkedHashMap<>();
                jsonSchema.put("name", JsonFields.requiredString(format, "name", "text.format.name"));
                String description = JsonFields.string(format, "description", "text.format.description");
                if (description != null) {
                    jsonSchema.put("description", description);
                }
                jsonSchema.put("schema", fields.plain(schema));
                if (format.hasNonNull("strict")) {
                    jsonSchema.put("strict", JsonFields.bool(format, "strict", false));
                }
                extras.put("response_format", Map.of("type", "json_schema", "json_schema", jsonSchema));
            }
            default -> throw new GatewayException(ApiError.invalidValue(
                    "text.format.type: expected 'text', 'json_object' or 'json_schema'.", "text.format.type"));
        }
        echo.putObject("text").set("format", format.deepCopy());
    }

    /** reasoning.effort as chat's reasoning_effort (each vendor treats it as for chat); summary is accepted, unused. */
    private static void reasoning(JsonNode reasoning, Map<String, Object> extras, ObjectNode echo) {
        ObjectNode echoed = echo.putObject("reasoning");
        if (reasoning == null || reasoning.isNull()) {
            echoed.putNull("effort").putNull("summary");
            return;
        }
        if (!reasoning.isObject()) {
            throw JsonFields.invalid("reasoning", "an object");
        }
        String effort = JsonFields.string(reasoning, "effort", "reasoning.effort");
        if (effort != null && !EFFORTS.contains(effort)) {
            throw new GatewayException(ApiError.invalidValue(
                    "reasoning.effort: expected 'minimal', 'low', 'medium' or 'high'.", "reasoning.effort"));
        }
        if (effort != null) {
            extras.put("reasoning_effort", effort);
        }
        echoed.put("effort", effort).put("summary", JsonFields.string(reasoning, "summary", "reasoning.summary"));
    }

    private JsonNode metadata(JsonNode metadata) {
        if (metadata == null || metadata.isNull()) {
            return json.createObjectNode();
        }
        if (!metadata.isObject() || metadata.size() > MAX_METADATA_KEYS) {
            throw JsonFields.invalid("metadata", "an object of at most " + MAX_METADATA_KEYS + " string values");
        }
        metadata.properties().forEach(e -> {
            if (!e.getValue().isTextual() || e.getKey().length() > 64 || e.getValue().textValue().length() > 512) {
                throw JsonFields.invalid("metadata." + e.getKey(),
                        "a string of at most 512 characters, under a key of at most 64");
            }
        });
        return metadata.deepCopy();
    }
}
