package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.MAPPER;
import static io.modelbridge.compat.TokenReads.UNUSUAL;
import static io.modelbridge.compat.TokenReads.extra;
import static io.modelbridge.compat.TokenReads.once;
import static io.modelbridge.compat.TokenReads.optionalString;
import static io.modelbridge.compat.TokenReads.span;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A chat completion read in one pass over its tokens, with no tree for the answer: the hot path of
 * {@link OpenAiResponses#chat}. It reads only answers of the usual shape and gives up (null) on anything else (not
 * JSON, a field of an unexpected type, a name given twice), where the tree decides as before, so that both paths read
 * every answer alike (OpenAiAnswerReaderTest). The usage object and earlier-tool-call arrays are small trees read by
 * the same code as before; the fields the SPI does not model go to {@code extras} as plain values.
 */
final class OpenAiAnswerReader {
    /** The usage fields the gateway's encoding writes (ResponseEncoder). */
    private static final Set<String> ENCODED_USAGE = Set.of("prompt_tokens", "completion_tokens", "total_tokens",
            "prompt_tokens_details", "completion_tokens_details");

    private OpenAiAnswerReader() {}

    /** The answer, or null when it is not of the usual shape (or is a protocol failure): the tree decides. */
    static ChatResponse chat(String body, Function<String, FinishReason> finishReasons) {
        ChatPassthrough.Answer answer = read(body, finishReasons, null);
        return answer == null ? null : answer.response();
    }

    /**
     * The answer with its text, when the gateway may relay that text with only its id, created and model replaced
     * ({@link Relay}); null when it is not of the usual shape: the tree decides.
     */
    static ChatPassthrough.Answer passed(String body, Function<String, FinishReason> finishReasons) {
        return read(body, finishReasons, new Relay());
    }

    private static ChatPassthrough.Answer read(String body, Function<String, FinishReason> finishReasons, Relay relay) {
        if (body == null) {
            return null;
        }
        try (JsonParser p = MAPPER.createParser(body)) {
            ChatResponse response = answer(p, finishReasons, relay);
            if (relay != null && p.nextToken() != null) {
                relay.plain = false; // more after the answer: its text is not one JSON value
            }
            return relay == null || !relay.relayable() ? ChatPassthrough.Answer.encoded(response)
                    : new ChatPassthrough.Answer(response, body, relay.id, relay.created, relay.model);
        } catch (IOException | RuntimeException e) { // Jackson's exceptions, a protocol failure, UNUSUAL
            return null;
        }
    }

    /**
     * Whether the answer's text says what the gateway's encoding of it would (ResponseEncoder, full profile), apart from
     * id, created and model, whose places it keeps: {@code object} is {@code chat.completion}; every choice has an index,
     * a message of role {@code assistant} with text content and no tool calls, and a finish reason the gateway would
     * write as it came; and a usage object with the three counts. Anything else is encoded as before. The usage object
     * then reaches the client as the upstream wrote it, detail fields included.
     */
    private static final class Relay {
        boolean plain = true;
        boolean object;
        boolean usage;
        ChatPassthrough.Span id;
        ChatPassthrough.Span created;
        ChatPassthrough.Span model;

        boolean relayable() {
            return plain && object && usage && id != null && created != null && model != null;
        }
    }

    private static ChatResponse answer(JsonParser p, Function<String, FinishReason> finishReasons, Relay relay)
            throws IOException {
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
                    if (relay != null && id != null) {
                        relay.id = span(p);
                    }
                }
                case "choices" -> {
                    seen = once(seen, 1);
                    choices = choices(t, p, finishReasons, relay);
                }
                case "usage" -> {
                    seen = once(seen, 2);
                    JsonNode tree = t == JsonToken.VALUE_NULL ? null : MAPPER.readTree(p);
                    usage = OpenAiResponses.usage(tree);
                    if (relay != null) {
                        relay.usage = usage != null && plainUsage(tree);
                    }
                }
                case "object", "created", "model" -> {
                    seen = once(seen, name.equals("object") ? 3 : name.equals("created") ? 4 : 5);
                    if (relay != null) {
                        switch (name) {
                            case "object" -> relay.object = t == JsonToken.VALUE_STRING
                                    && p.getText().equals("chat.completion");
                            case "created" -> relay.created = t == JsonToken.VALUE_NUMBER_INT ? span(p) : null;
                            default -> relay.model = t == JsonToken.VALUE_STRING && p.getText() != null
                                    ? span(p) : null;
                        }
                    }
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

    /**
     * A usage object with the three counts as numbers and no top-level field the gateway's encoding leaves out, such as
     * DeepSeek's {@code prompt_cache_hit_tokens} and {@code prompt_cache_miss_tokens} (the encoding says the hit count
     * as {@code prompt_tokens_details.cached_tokens}). The two details objects reach the client as they came.
     */
    private static boolean plainUsage(JsonNode usage) {
        if (!usage.path("prompt_tokens").isInt() || !usage.path("completion_tokens").isInt()
                || !usage.path("total_tokens").isInt()) {
            return false;
        }
        for (Iterator<String> names = usage.fieldNames(); names.hasNext(); ) {
            if (!ENCODED_USAGE.contains(names.next())) {
                return false;
            }
        }
        return true;
    }

    private static List<ChatResponse.Choice> choices(JsonToken t, JsonParser p,
                                                     Function<String, FinishReason> finishReasons, Relay relay)
            throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw UNUSUAL;
        }
        List<ChatResponse.Choice> choices = new ArrayList<>(1);
        for (JsonToken c = p.nextToken(); c != JsonToken.END_ARRAY; c = p.nextToken()) {
            if (c != JsonToken.START_OBJECT) {
                throw UNUSUAL;
            }
            choices.add(choice(p, choices.size(), finishReasons, relay));
        }
        if (choices.isEmpty()) {
            throw UNUSUAL;
        }
        return choices;
    }

    private static ChatResponse.Choice choice(JsonParser p, int position, Function<String, FinishReason> finishReasons,
                                              Relay relay) throws IOException {
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
                    message = message(p, relay);
                }
                case "finish_reason" -> {
                    seen = once(seen, 2);
                    finishReason = optionalString(t, p);
                }
                case "delta", "usage" -> { // modelled, not read in a whole answer (a stream's fields)
                    seen = once(seen, name.equals("delta") ? 3 : 4);
                    p.skipChildren();
                    if (relay != null) {
                        relay.plain = false; // the gateway's encoding leaves them out
                    }
                }
                default -> extras = extra(extras, name, p);
            }
        }
        if (message == null) {
            throw UNUSUAL;
        }
        FinishReason reason = finishReasons.apply(finishReason);
        if (relay != null && ((seen & 1) == 0 || finishReason == null || reason == null
                || !reason.wire().equals(finishReason))) {
            relay.plain = false; // the gateway writes the index, "stop" for none, and its own name of the reason
        }
        return new ChatResponse.Choice(index, message, reason, extras == null ? Map.of() : extras);
    }

    private static Message message(JsonParser p, Relay relay) throws IOException {
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
                    plainOnly(relay, "assistant".equals(value));
                }
                case "content" -> {
                    seen = once(seen, 1);
                    String text = optionalString(t, p);
                    if (text != null && !text.isEmpty()) {
                        content.add(new ContentPart.Text(text));
                    }
                    plainOnly(relay, text != null);
                }
                case "tool_calls" -> {
                    seen = once(seen, 2);
                    if (t != JsonToken.VALUE_NULL) {
                        calls = OpenAiResponses.toolCalls(MAPPER.readTree(p));
                    }
                    plainOnly(relay, false); // the gateway writes tool calls in its own form
                }
                case "reasoning_content" -> {
                    seen = once(seen, 3);
                    reasoning = optionalString(t, p);
                    plainOnly(relay, reasoning != null && !reasoning.isEmpty());
                }
                default -> extras = extra(extras, name, p);
            }
        }
        plainOnly(relay, (seen & 3) == 3); // the gateway writes a role and a content
        return new Message(role, content, null, calls, null, reasoning == null || reasoning.isEmpty() ? null : reasoning,
                extras == null ? Map.of() : extras);
    }

    /** The answer stays relayable only if {@code plain}. */
    private static void plainOnly(Relay relay, boolean plain) {
        if (relay != null && !plain) {
            relay.plain = false;
        }
    }
}
