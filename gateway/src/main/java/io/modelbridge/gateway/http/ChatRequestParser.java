package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Parses an OpenAI chat completion request; every problem is a 400 whose {@code param} names the field. */
public final class ChatRequestParser {
    /** Fields mapped onto typed record components; everything else is passed through in {@code extras}. */
    private static final Set<String> TYPED = Set.of("model", "messages", "stream", "stream_options", "temperature",
            "top_p", "max_tokens", "max_completion_tokens", "stop", "presence_penalty", "frequency_penalty", "n",
            "seed", "tools", "tool_choice", "user");
    private final ObjectMapper json;
    private final JsonFields fields;
    private final MessageParser messages;
    private final ChatRequestReader reader;

    public ChatRequestParser(ObjectMapper json) {
        this.json = json;
        this.fields = new JsonFields(json);
        this.messages = new MessageParser(fields);
        this.reader = new ChatRequestReader(json, this, messages);
    }

    public ChatRequest parse(JsonNode body) {
        if (!body.isObject()) {
            throw new GatewayException(ApiError.invalidRequest("The request body must be a JSON object.", null));
        }
        String model = JsonFields.requiredString(body, "model", "model");
        JsonNode list = body.get("messages");
        if (list == null || list.isNull()) {
            throw new GatewayException(ApiError.invalidRequest("Missing required parameter: 'messages'.", "messages"));
        }
        boolean stream = JsonFields.bool(body, "stream", false);
        JsonNode streamOptions = body.path("stream_options");
        boolean includeUsage = JsonFields.includeUsage(streamOptions);
        if (!stream && !streamOptions.isMissingNode() && !streamOptions.isNull()) {
            throw new GatewayException(ApiError.invalidRequest(
                    "The 'stream_options' parameter is only allowed when 'stream' is enabled.", "stream_options"));
        }
        return new ChatRequest(model, messages.parseAll(list), stream, includeUsage, sampling(body),
                tools(body.get("tools")), toolChoice(body.get("tool_choice")), JsonFields.string(body, "user", "user"),
                extras(body));
    }

    /**
     * The raw body, telling {@code named} the model it names first (a refused request still records it): read in
     * one pass over its tokens when it has the usual shape ({@link ChatRequestReader}), else as a tree by
     * {@link #parse(JsonNode)}, which also gives every refusal its exact message.
     */
    public ChatRequest parse(byte[] body, Consumer<String> named) {
        return read(body, named).request();
    }

    /**
     * {@link #parse(byte[], Consumer)}, with the body kept when it may go upstream as the client sent it (only from the
     * token reader; a body the tree reads never does).
     */
    ChatRequestReader.Read read(byte[] body, Consumer<String> named) {
        ChatRequestReader.Read read = reader.read(body);
        if (read != null) {
            named.accept(read.request().model());
            return read;
        }
        JsonNode tree = RequestBodies.parse(body, json);
        named.accept(ClientModel.of(tree));
        return new ChatRequestReader.Read(parse(tree), null);
    }

    private static Sampling sampling(JsonNode body) {
        Integer maxTokens = JsonFields.positiveInt(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = JsonFields.positiveInt(body, "max_tokens");
        }
        return new Sampling(JsonFields.number(body, "temperature", 0, 2), JsonFields.number(body, "top_p", 0, 1),
                maxTokens, JsonFields.stop(body), JsonFields.number(body, "presence_penalty", -2, 2),
                JsonFields.number(body, "frequency_penalty", -2, 2), JsonFields.positiveInt(body, "n"),
                JsonFields.integer(body, "seed"));
    }

    /** The {@code tools} value (absent: null). */
    List<ToolDefinition> tools(JsonNode list) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw JsonFields.invalid("tools", "an array");
        }
        List<ToolDefinition> tools = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode fn = list.get(i).path("function");
            String param = "tools[" + i + "].function";
            if (!fn.isObject()) {
                throw JsonFields.invalid(param, "an object");
            }
            JsonNode params = fn.get("parameters");
            JsonNode strict = fn.get("strict");
            tools.add(new ToolDefinition(JsonFields.requiredString(fn, "name", param + ".name"),
                    JsonFields.string(fn, "description", param + ".description"),
                    params != null && params.isObject() ? fields.plain(params) : Map.of(),
                    strict != null && strict.isBoolean() ? strict.booleanValue() : null));
        }
        return tools;
    }

    /** The {@code tool_choice} value (absent: null). */
    static ToolChoice toolChoice(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return new ToolChoice(v.textValue(), null);
        }
        String name = v.path("function").path("name").asText(null);
        if (name == null) {
            throw JsonFields.invalid("tool_choice", "\"auto\", \"none\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":...}}");
        }
        return ToolChoice.named(name);
    }

    private Map<String, Object> extras(JsonNode body) {
        Map<String, Object> extras = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!TYPED.contains(e.getKey())) {
                extras.put(e.getKey(), fields.plainValue(e.getValue()));
            }
        }
        return extras;
    }
}
