package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chat request read in one pass over the body's tokens, with no tree for the request: the hot path of
 * {@link ChatRequestParser}. It reads only bodies of the usual shape and gives up (null) on anything else: invalid
 * JSON, a field of an unexpected type, a value out of range, a name given twice. The parser then reads the body as a
 * tree, which refuses it with the exact message and {@code param} or accepts what this reader did not expect, so
 * that both paths accept and refuse the same bodies (ChatRequestReaderTest). The rare nested shapes (content parts,
 * earlier tool calls, tools, tool_choice, stream_options) are read as small trees and decoded by the parser's own code;
 * unknown fields go to {@code extras} as plain values straight from the tokens.
 *
 * <p>In the same pass it notes whether the body may go upstream as it is, its model replaced ({@link ClientChatBody}):
 * only when the openai plugin's writer would send the same JSON. That rules out what the writer rewrites or drops: a
 * typed field set to null, {@code tools}, an object {@code tool_choice}, both token limits, {@code stream_options}
 * other than {@code {"include_usage":true}}, and in a message anything but a string role, content, name and
 * tool_call_id (content parts, tool calls and reasoning_content, which DeepSeek refuses, are rewritten or dropped; so
 * are a message's unknown fields). Unknown top-level fields reach the upstream either way.
 */
final class ChatRequestReader {
    /** Thrown where the body is not of the usual shape: the tree decides then (no stack trace, never escapes). */
    private static final class Unusual extends RuntimeException {
        Unusual() {
            super(null, null, false, false);
        }
    }

    private static final Unusual UNUSUAL = new Unusual();
    /** Typed fields the writer leaves out when null (the passthrough would send the null). */
    private static final Set<String> TYPED_NULL_DROPPED = Set.of("stream", "stream_options", "temperature", "top_p",
            "max_tokens", "max_completion_tokens", "stop", "presence_penalty", "frequency_penalty", "n", "seed", "tools",
            "tool_choice", "user");
    private final ObjectMapper json;
    private final ChatRequestParser parser;
    private final MessageParser messages;

    ChatRequestReader(ObjectMapper json, ChatRequestParser parser, MessageParser messages) {
        this.json = json;
        this.parser = parser;
        this.messages = messages;
    }

    /** A request read, and its body when it may go upstream as it is (else null). */
    record Read(ChatRequest request, ClientChatBody body) {}

    /** What the pass learnt of the body for {@link ClientChatBody}. */
    private static final class Shape {
        boolean plain = true;
        int objectStart;
        int modelStart;
        int modelEnd;

        void plainOnly(boolean plain) {
            this.plain &= plain;
        }
    }

    /** The request, or null when the body is not of the usual shape or would be refused. */
    Read read(byte[] body) {
        try (JsonParser p = json.createParser(body)) {
            return request(p, body);
        } catch (IOException | RuntimeException e) { // Jackson's exceptions, a refusal, UNUSUAL: the tree decides
            return null;
        }
    }

    private Read request(JsonParser p, byte[] body) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw UNUSUAL;
        }
        Shape shape = new Shape();
        shape.objectStart = (int) p.currentTokenLocation().getByteOffset();
        String model = null;
        String user = null;
        List<Message> list = null;
        boolean stream = false;
        JsonNode streamOptions = null;
        Double temperature = null;
        Double topP = null;
        Double presencePenalty = null;
        Double frequencyPenalty = null;
        Integer maxTokens = null;
        Integer maxCompletionTokens = null;
        Integer n = null;
        Long seed = null;
        List<String> stop = List.of();
        List<ToolDefinition> tools = List.of();
        ToolChoice toolChoice = null;
        Map<String, Object> extras = new LinkedHashMap<>();
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "model" -> {
                    seen = once(seen, 0);
                    model = requiredString(t, p);
                    shape.modelStart = (int) p.currentTokenLocation().getByteOffset();
                    shape.modelEnd = (int) p.currentLocation().getByteOffset();
                }
                case "messages" -> {
                    seen = once(seen, 1);
                    list = messages(t, p, shape);
                }
                case "stream" -> {
                    seen = once(seen, 2);
                    stream = t == JsonToken.VALUE_TRUE || t != JsonToken.VALUE_NULL && bool(t);
                    shape.plainOnly(t != JsonToken.VALUE_NULL);
                }
                case "stream_options" -> {
                    seen = once(seen, 3);
                    streamOptions = t == JsonToken.VALUE_NULL ? null : json.readTree(p);
                    shape.plainOnly(streamOptions != null && streamOptions.size() == 1
                            && streamOptions.path("include_usage").isBoolean()
                            && streamOptions.path("include_usage").booleanValue());
                }
                case "temperature" -> {
                    seen = once(seen, 4);
                    temperature = number(t, p, 0, 2);
                }
                case "top_p" -> {
                    seen = once(seen, 5);
                    topP = number(t, p, 0, 1);
                }
                case "presence_penalty" -> {
                    seen = once(seen, 6);
                    presencePenalty = number(t, p, -2, 2);
                }
                case "frequency_penalty" -> {
                    seen = once(seen, 7);
                    frequencyPenalty = number(t, p, -2, 2);
                }
                case "max_tokens" -> {
                    seen = once(seen, 8);
                    maxTokens = positiveInt(t, p);
                }
                case "max_completion_tokens" -> {
                    seen = once(seen, 9);
                    maxCompletionTokens = positiveInt(t, p);
                }
                case "n" -> {
                    seen = once(seen, 10);
                    n = positiveInt(t, p);
                }
                case "seed" -> {
                    seen = once(seen, 11);
                    seed = integer(t, p);
                }
                case "stop" -> {
                    seen = once(seen, 12);
                    stop = stop(t, p);
                }
                case "tools" -> {
                    seen = once(seen, 13);
                    tools = t == JsonToken.VALUE_NULL ? List.of() : parser.tools(json.readTree(p));
                    shape.plainOnly(false); // the writer rewrites each tool in its own form
                }
                case "tool_choice" -> {
                    seen = once(seen, 14);
                    shape.plainOnly(t == JsonToken.VALUE_STRING);
                    toolChoice = t == JsonToken.VALUE_NULL ? null : ChatRequestParser.toolChoice(json.readTree(p));
                }
                case "user" -> {
                    seen = once(seen, 15);
                    user = optionalString(t, p);
                }
                default -> {
                    if (extras.containsKey(name)) {
                        throw UNUSUAL;
                    }
                    extras.put(name, json.readValue(p, Object.class));
                }
            }
            if (t == JsonToken.VALUE_NULL && TYPED_NULL_DROPPED.contains(name)) {
                shape.plainOnly(false); // the writer leaves a null typed field out
            }
        }
        if (model == null || list == null || !stream && streamOptions != null) {
            throw UNUSUAL;
        }
        boolean includeUsage = JsonFields.includeUsage(streamOptions); // a refusal: the tree refuses it too
        Sampling sampling = new Sampling(temperature, topP, maxCompletionTokens != null ? maxCompletionTokens : maxTokens,
                stop, presencePenalty, frequencyPenalty, n, seed);
        ChatRequest request = new ChatRequest(model, list, stream, includeUsage, sampling, tools, toolChoice, user, extras);
        shape.plainOnly(maxTokens == null || maxCompletionTokens == null);
        if (!shape.plain) {
            return new Read(request, null);
        }
        String tokenField = maxCompletionTokens != null ? "max_completion_tokens" : maxTokens != null ? "max_tokens" : null;
        return new Read(request, new ClientChatBody(body, shape.objectStart, shape.modelStart, shape.modelEnd, tokenField,
                stream && streamOptions == null));
    }

    private List<Message> messages(JsonToken t, JsonParser p, Shape shape) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw UNUSUAL;
        }
        List<Message> list = new ArrayList<>();
        for (JsonToken m = p.nextToken(); m != JsonToken.END_ARRAY; m = p.nextToken()) {
            if (m != JsonToken.START_OBJECT) {
                throw UNUSUAL;
            }
            list.add(message(p, list.size(), shape));
        }
        if (list.isEmpty()) {
            throw UNUSUAL;
        }
        return list;
    }

    private Message message(JsonParser p, int index, Shape shape) throws IOException {
        String role = null;
        List<ContentPart> content = List.of();
        String name = null;
        List<ToolCall> calls = List.of();
        String toolCallId = null;
        String reasoning = null;
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "role" -> {
                    seen = once(seen, 0);
                    role = requiredString(t, p);
                }
                case "content" -> {
                    seen = once(seen, 1);
                    shape.plainOnly(t == JsonToken.VALUE_STRING);
                    content = switch (t) {
                        case VALUE_STRING -> List.of(new ContentPart.Text(p.getText()));
                        case VALUE_NULL -> List.of();
                        case START_ARRAY -> messages.content(json.readTree(p), "messages[" + index + "].content");
                        default -> throw UNUSUAL;
                    };
                }
                case "name" -> {
                    seen = once(seen, 2);
                    name = optionalString(t, p);
                    shape.plainOnly(name != null);
                }
                case "tool_calls" -> {
                    seen = once(seen, 3);
                    shape.plainOnly(false);
                    calls = switch (t) {
                        case VALUE_NULL -> List.of();
                        case START_ARRAY -> MessageParser.toolCalls(json.readTree(p), "messages[" + index + "].tool_calls");
                        default -> throw UNUSUAL;
                    };
                }
                case "tool_call_id" -> {
                    seen = once(seen, 4);
                    toolCallId = optionalString(t, p);
                    shape.plainOnly(toolCallId != null);
                }
                case "reasoning_content" -> {
                    seen = once(seen, 5);
                    reasoning = optionalString(t, p);
                    shape.plainOnly(false);
                }
                default -> { // ignored, as the tree ignores it (skipping still checks the JSON); the writer drops it
                    p.skipChildren();
                    shape.plainOnly(false);
                }
            }
        }
        if (role == null || !MessageParser.ROLES.contains(role)) {
            throw UNUSUAL;
        }
        return new Message(role, content, name, calls, toolCallId, reasoning);
    }

    /** Marks field {@code bit} as seen; a name given twice is left to the tree (whose last value wins). */
    private static int once(int seen, int bit) {
        if ((seen & (1 << bit)) != 0) {
            throw UNUSUAL;
        }
        return seen | (1 << bit);
    }

    private static String requiredString(JsonToken t, JsonParser p) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw UNUSUAL;
        }
        return p.getText();
    }

    private static String optionalString(JsonToken t, JsonParser p) throws IOException {
        return t == JsonToken.VALUE_NULL ? null : requiredString(t, p);
    }

    private static boolean bool(JsonToken t) {
        if (t != JsonToken.VALUE_FALSE) {
            throw UNUSUAL;
        }
        return false;
    }

    private static Double number(JsonToken t, JsonParser p, double min, double max) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw UNUSUAL;
        }
        double d = p.getDoubleValue();
        if (d < min || d > max) {
            throw UNUSUAL;
        }
        return d;
    }

    private static Integer positiveInt(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 1) {
            throw UNUSUAL;
        }
        return p.getIntValue();
    }

    private static Long integer(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw UNUSUAL;
        }
        return p.getLongValue();
    }

    /** {@code stop}: a string or an array of up to 4 strings. */
    private static List<String> stop(JsonToken t, JsonParser p) throws IOException {
        switch (t) {
            case VALUE_NULL -> {
                return List.of();
            }
            case VALUE_STRING -> {
                return List.of(p.getText());
            }
            case START_ARRAY -> {
                List<String> stops = new ArrayList<>(4);
                for (JsonToken s = p.nextToken(); s != JsonToken.END_ARRAY; s = p.nextToken()) {
                    if (s != JsonToken.VALUE_STRING || stops.size() == 4) {
                        throw UNUSUAL;
                    }
                    stops.add(p.getText());
                }
                return stops;
            }
            default -> throw UNUSUAL;
        }
    }
}
