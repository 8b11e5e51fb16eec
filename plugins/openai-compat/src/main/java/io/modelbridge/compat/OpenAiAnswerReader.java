package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.MAPPER;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A chat completion read in one pass over its tokens, with no tree for the answer: the hot path of
 * {@link OpenAiResponses#chat}. It reads only answers of the usual shape and gives up (null) on anything else (not
 * JSON, a field of an unexpected type, a name given twice), where the tree decides as before, so that both paths read
 * every answer alike (OpenAiAnswerReaderTest). The usage object and earlier-tool-call arrays are small trees read by
 * the same code as before; the fields the SPI does not model go to {@code extras} as plain values.
 */
final class OpenAiAnswerReader {
    /** Thrown where the answer is not of the usual shape: the tree decides then (no stack trace, never escapes). */
    private static final class Unusual extends RuntimeException {
        Unusual() {
            super(null, null, false, false);
        }
    }

    private static final Unusual UNUSUAL = new Unusual();

    private OpenAiAnswerReader() {}

    /** The answer, or null when it is not of the usual shape (or is a protocol failure): the tree decides. */
    static ChatResponse chat(String body, Function<String, FinishReason> finishReasons) {
        if (body == null) {
            return null;
        }
        try (JsonParser p = MAPPER.createParser(body)) {
            return answer(p, finishReasons);
        } catch (IOException | RuntimeException e) { // Jackson's exceptions, a protocol failure, UNUSUAL
            return null;
        }
    }

    private static ChatResponse answer(JsonParser p, Function<String, FinishReason> finishReasons) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw UNUSUAL;
        }
        String id = null;
        List<ChatResponse.Choice> choices = null;
        Usage usage = null;
        Map<String, Object> extras = null;
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "id" -> {
                    seen = once(seen, 0);
                    id = optionalString(t, p);
                }
                case "choices" -> {
                    seen = once(seen, 1);
                    choices = choices(t, p, finishReasons);
                }
                case "usage" -> {
                    seen = once(seen, 2);
                    usage = t == JsonToken.VALUE_NULL ? null : OpenAiResponses.usage(MAPPER.readTree(p));
                }
                case "object", "created", "model" -> {
                    seen = once(seen, name.equals("object") ? 3 : name.equals("created") ? 4 : 5);
                    p.skipChildren();
                }
                default -> extras = extra(extras, name, p);
            }
        }
        if (choices == null) {
            throw UNUSUAL;
        }
        return new ChatResponse(id, choices, usage, extras == null ? Map.of() : extras);
    }

    private static List<ChatResponse.Choice> choices(JsonToken t, JsonParser p,
                                                     Function<String, FinishReason> finishReasons) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw UNUSUAL;
        }
        List<ChatResponse.Choice> choices = new ArrayList<>(1);
        for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
            if (c != JsonToken.START_OBJECT) {
                throw UNUSUAL;
            }
            choices.add(choice(p, choices.size(), finishReasons));
        }
        if (choices.isEmpty()) {
            throw UNUSUAL;
        }
        return choices;
    }

    private static ChatResponse.Choice choice(JsonParser p, int position, Function<String, FinishReason> finishReasons)
            throws IOException {
        int index = position;
        Message message = null;
        String finishReason = null;
        Map<String, Object> extras = null;
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "index" -> {
                    seen = once(seen, 0);
                    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                        throw UNUSUAL;
                    }
                    index = p.getIntValue();
                }
                case "message" -> {
                    seen = once(seen, 1);
                    if (t != JsonToken.START_OBJECT) {
                        throw UNUSUAL;
                    }
                    message = message(p);
                }
                case "finish_reason" -> {
                    seen = once(seen, 2);
                    finishReason = optionalString(t, p);
                }
                case "delta", "usage" -> { // modelled, not read in a whole answer (a stream's fields)
                    seen = once(seen, name.equals("delta") ? 3 : 4);
                    p.skipChildren();
                }
                default -> extras = extra(extras, name, p);
            }
        }
        if (message == null) {
            throw UNUSUAL;
        }
        return new ChatResponse.Choice(index, message, finishReasons.apply(finishReason),
                extras == null ? Map.of() : extras);
    }

    private static Message message(JsonParser p) throws IOException {
        String role = "assistant";
        List<ContentPart> content = new ArrayList<>(1);
        List<ToolCall> calls = new ArrayList<>();
        String reasoning = null;
        Map<String, Object> extras = null;
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (name) {
                case "role" -> {
                    seen = once(seen, 0);
                    String value = optionalString(t, p);
                    role = value == null ? "assistant" : value;
                }
                case "content" -> {
                    seen = once(seen, 1);
                    String text = optionalString(t, p);
                    if (text != null && !text.isEmpty()) {
                        content.add(new ContentPart.Text(text));
                    }
                }
                case "tool_calls" -> {
                    seen = once(seen, 2);
                    if (t != JsonToken.VALUE_NULL) {
                        calls = OpenAiResponses.toolCalls(MAPPER.readTree(p));
                    }
                }
                case "reasoning_content" -> {
                    seen = once(seen, 3);
                    reasoning = optionalString(t, p);
                }
                default -> extras = extra(extras, name, p);
            }
        }
        return new Message(role, content, null, calls, null, reasoning == null || reasoning.isEmpty() ? null : reasoning,
                extras == null ? Map.of() : extras);
    }

    /** An unmodelled field as a plain value, in the order it came; a name given twice is left to the tree. */
    private static Map<String, Object> extra(Map<String, Object> extras, String name, JsonParser p) throws IOException {
        Map<String, Object> all = extras == null ? new LinkedHashMap<>() : extras;
        if (all.containsKey(name)) {
            throw UNUSUAL;
        }
        all.put(name, MAPPER.readValue(p, Object.class));
        return all;
    }

    /** Marks field {@code bit} as seen; a name given twice is left to the tree (whose last value wins). */
    private static int once(int seen, int bit) {
        if ((seen & (1 << bit)) != 0) {
            throw UNUSUAL;
        }
        return seen | (1 << bit);
    }

    private static String optionalString(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw UNUSUAL;
        }
        return p.getText();
    }
}
