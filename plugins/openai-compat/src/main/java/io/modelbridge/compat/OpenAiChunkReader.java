package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.MAPPER;
import static io.modelbridge.compat.TokenReads.UNUSUAL;
import static io.modelbridge.compat.TokenReads.extra;
import static io.modelbridge.compat.TokenReads.once;
import static io.modelbridge.compat.TokenReads.optionalString;
import static io.modelbridge.compat.TokenReads.put;
import static io.modelbridge.compat.TokenReads.span;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatPassthrough;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code chat.completion.chunk} event read in one pass over its tokens, with no tree: the hot path of
 * {@link OpenAiStreamParser}. Like {@link OpenAiAnswerReader} it reads only events of the usual shape and gives up
 * (null) on anything else (not JSON, an error, a field of an unexpected type, a name given twice), where the tree
 * decides as before, so that both paths turn every event into the same chunks (OpenAiStreamParserTest). Nothing is
 * sent on before the whole event is read: a give-up has sent nothing. Usage objects are small trees, read by the same
 * code as before once the event's chunks are out.
 */
final class OpenAiChunkReader {
    /**
     * An event's parts, in the order the parser sends them on; {@code relay} says where its text may be changed to
     * relay it as it came, or is null when it may not be (or was not asked for).
     */
    record Event(Map<String, Object> extras, List<Choice> choices, JsonNode usage, JsonNode firstChoiceUsage,
                 Relay relay) {}

    /**
     * The places of an event the gateway would relay as it came ({@link ChatPassthrough.PassedEvent}): the event is a
     * {@code chat.completion.chunk} with an id, a created time and a model, one choice with its index, a delta and a
     * finish reason (null or the vendor's), no tool call, no usage but a {@code "usage": null} that is not the first
     * member, a delta role that is the assistant's (which opens the choice) and a reasoning text of any kind (null
     * and "" say what its absence says). Everything else in it is what the gateway's encoding writes back as it came.
     */
    record Relay(ChatPassthrough.Span id, ChatPassthrough.Span created, ChatPassthrough.Span model,
                 ChatPassthrough.Span usageNull, boolean opensChoice) {}

    /** What reading an event found about relaying it; {@code plain} false once anything rules it out. */
    private static final class Places {
        boolean plain = true;
        boolean object;
        boolean opensChoice;
        ChatPassthrough.Span id;
        ChatPassthrough.Span created;
        ChatPassthrough.Span model;
        ChatPassthrough.Span usageNull;

        Relay relay(List<Choice> choices) {
            return plain && object && id != null && created != null && model != null && choices.size() == 1
                    ? new Relay(id, created, model, usageNull, opensChoice) : null;
        }
    }

    /**
     * A choice. {@code hasDelta} false: a text_completion's choice, whose content is its {@code text}; its extras
     * are not read (nothing is sent for them).
     */
    record Choice(int index, boolean hasDelta, Map<String, Object> extras, Map<String, Object> deltaExtras,
                  String reasoning, String content, List<Call> calls, String finishReason, JsonNode usage) {}

    /** A tool call fragment; {@code function} false for calls of other types (skipped). */
    record Call(int index, boolean function, String id, String name, String arguments) {}

    private OpenAiChunkReader() {}

    /** The event, or null when it is not of the usual shape (or is an error, or not JSON): the tree decides. */
    static Event read(String data) {
        return read(data, false);
    }

    /** As {@link #read(String)}, with the event's {@link Relay} when {@code relay} is asked for and it has one. */
    static Event read(String data, boolean relay) {
        try (JsonParser p = MAPPER.createParser(data)) {
            Places places = relay ? new Places() : null;
            Event event = event(p, places);
            return places == null || p.nextToken() != null ? event // more after the event: its text is not one value
                    : new Event(event.extras(), event.choices(), event.usage(), event.firstChoiceUsage(),
                            places.relay(event.choices()));
        } catch (IOException | RuntimeException e) { // Jackson's exceptions, UNUSUAL
            return null;
        }
    }

    private static Event event(JsonParser p, Places places) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw UNUSUAL;
        }
        List<Choice> choices = List.of();
        Map<String, Object> extras = null;
        JsonNode usage = null;
        int seen = 0;
        int valueEnd = -1; // where the value before the next member ends (-1: no member yet)
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            if (places != null) {
                top(places, name, t, p, valueEnd);
            }
            switch (name) {
                case "choices" -> {
                    seen = once(seen, 0);
                    if (t == JsonToken.START_ARRAY) {
                        choices = new ArrayList<>(1);
                        for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
                            if (c != JsonToken.START_OBJECT) {
                                throw UNUSUAL;
                            }
                            choices.add(choice(p, places));
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw UNUSUAL;
                    }
                }
                case "usage" -> {
                    seen = once(seen, 1);
                    usage = t == JsonToken.VALUE_NULL ? null : MAPPER.readTree(p);
                }
                case "id", "object", "created", "model" -> { // modelled, written by the gateway
                    seen = once(seen, switch (name) {
                        case "id" -> 2;
                        case "object" -> 3;
                        case "created" -> 4;
                        default -> 5;
                    });
                    p.skipChildren();
                }
                case "error" -> throw UNUSUAL;
                default -> extras = extra(extras, name, p);
            }
            if (places != null) {
                p.finishToken();
                valueEnd = (int) p.currentLocation().getCharOffset();
            }
        }
        return new Event(extras == null ? Map.of() : extras, choices, usage,
                choices.isEmpty() ? null : choices.getFirst().usage(), null);
    }

    /** Notes the places of a top-level member, before it is read ({@code t} its first token). */
    private static void top(Places places, String name, JsonToken t, JsonParser p, int valueEnd) throws IOException {
        switch (name) {
            case "id" -> places.id = t == JsonToken.VALUE_STRING ? span(p) : null;
            case "created" -> places.created = t == JsonToken.VALUE_NUMBER_INT ? span(p) : null;
            case "model" -> places.model = t == JsonToken.VALUE_STRING ? span(p) : null;
            case "object" -> places.object = t == JsonToken.VALUE_STRING && p.getText().equals("chat.completion.chunk");
            case "usage" -> {
                if (t == JsonToken.VALUE_NULL && valueEnd >= 0) {
                    places.usageNull = new ChatPassthrough.Span(valueEnd, (int) p.currentLocation().getCharOffset());
                } else {
                    places.plain = false;
                }
            }
            default -> { }
        }
    }

    private static Choice choice(JsonParser p, Places places) throws IOException {
        int index = 0;
        boolean hasDelta = false;
        Map<String, Object> extras = null;
        Map<String, Object> deltaExtras = null;
        String reasoning = null;
        String content = null;
        String text = null;
        List<Call> calls = List.of();
        String finishReason = null;
        JsonNode usage = null;
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
                case "delta" -> {
                    seen = once(seen, 1);
                    if (t != JsonToken.START_OBJECT) {
                        throw UNUSUAL;
                    }
                    hasDelta = true;
                    int deltaSeen = 0;
                    for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
                        JsonToken v = p.nextToken();
                        switch (field) {
                            case "role" -> {
                                deltaSeen = once(deltaSeen, 0);
                                if (places != null) {
                                    boolean assistant = v == JsonToken.VALUE_STRING && p.getText().equals("assistant");
                                    places.opensChoice = assistant;
                                    places.plain &= assistant;
                                }
                                p.skipChildren();
                            }
                            case "content" -> {
                                deltaSeen = once(deltaSeen, 1);
                                content = optionalString(v, p);
                            }
                            case "reasoning_content" -> {
                                deltaSeen = once(deltaSeen, 2);
                                reasoning = optionalString(v, p);
                            }
                            case "tool_calls" -> {
                                deltaSeen = once(deltaSeen, 3);
                                calls = calls(v, p);
                                if (places != null && v != JsonToken.VALUE_NULL) {
                                    places.plain = false; // the parser gives the name once; the encoder adds a type
                                }
                            }
                            default -> deltaExtras = extra(deltaExtras, field, p);
                        }
                    }
                    if ((deltaSeen & 2) != 0 && (content == null || content.isEmpty())) {
                        // a content that is null or "" goes on as it came (the tree's rule)
                        deltaExtras = deltaExtras == null ? new LinkedHashMap<>() : deltaExtras;
                        deltaExtras.put("content", content);
                    }
                }
                case "finish_reason" -> {
                    seen = once(seen, 2);
                    finishReason = optionalString(t, p);
                }
                case "usage" -> {
                    seen = once(seen, 3);
                    usage = t == JsonToken.VALUE_NULL ? null : MAPPER.readTree(p);
                    if (places != null) {
                        places.plain = false; // the encoding has no usage in a choice
                    }
                }
                case "text" -> { // a text_completion's content; for a chat chunk, one more unmodelled field
                    seen = once(seen, 4);
                    if (places != null) {
                        places.plain = false;
                    }
                    text = optionalString(t, p);
                    extras = put(extras, name, text);
                }
                default -> extras = extra(extras, name, p);
            }
        }
        if (places != null && (seen & 0b111) != 0b111) {
            places.plain = false; // the encoding writes an index, a delta and a finish reason
        }
        return new Choice(index, hasDelta, extras == null ? Map.of() : extras,
                deltaExtras == null ? Map.of() : deltaExtras, reasoning, hasDelta ? content : text, calls,
                finishReason, usage);
    }

    private static List<Call> calls(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (t != JsonToken.START_ARRAY) {
            throw UNUSUAL;
        }
        List<Call> calls = new ArrayList<>(1);
        for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
            if (c != JsonToken.START_OBJECT) {
                throw UNUSUAL;
            }
            calls.add(call(p, calls.size()));
        }
        return calls;
    }

    /** A call without an index takes its position in the array. */
    private static Call call(JsonParser p, int position) throws IOException {
        int index = position;
        String type = null;
        String id = null;
        String name = null;
        String arguments = "";
        int seen = 0;
        for (String field = p.nextFieldName(); field != null; field = p.nextFieldName()) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "index" -> {
                    seen = once(seen, 0);
                    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                        throw UNUSUAL;
                    }
                    index = p.getIntValue();
                }
                case "type" -> {
                    seen = once(seen, 1);
                    type = optionalString(t, p);
                }
                case "id" -> {
                    seen = once(seen, 2);
                    id = optionalString(t, p);
                }
                case "function" -> {
                    seen = once(seen, 3);
                    if (t == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    if (t != JsonToken.START_OBJECT) {
                        throw UNUSUAL;
                    }
                    int functionSeen = 0;
                    for (String f = p.nextFieldName(); f != null; f = p.nextFieldName()) {
                        JsonToken v = p.nextToken();
                        switch (f) {
                            case "name" -> {
                                functionSeen = once(functionSeen, 0);
                                name = optionalString(v, p);
                            }
                            case "arguments" -> {
                                functionSeen = once(functionSeen, 1);
                                JsonNode tree = v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NULL ? null
                                        : MAPPER.readTree(p); // arguments as an object: its JSON text
                                arguments = v == JsonToken.VALUE_STRING ? p.getText() : OpenAiResponses.arguments(tree);
                            }
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Call(index, type == null || type.equals("function"), id, name, arguments);
    }
}
