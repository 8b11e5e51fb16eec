package io.modelbridge.gateway.http;

import static io.modelbridge.gateway.http.ResponseProfile.Level.CHOICE;
import static io.modelbridge.gateway.http.ResponseProfile.Level.MESSAGE;
import static io.modelbridge.gateway.http.ResponseProfile.Level.ROOT;
import static io.modelbridge.gateway.http.ResponseProfile.Level.USAGE;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.http.ResponseProfile.Level;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes OpenAI's {@code chat.completion} and {@code chat.completion.chunk} objects for one response: every chunk
 * carries the same id, created time and model (the name the client asked for). The fields the upstream sent beyond
 * the modelled ones (the SPI's {@code extras}, a stream's {@link ChatChunk.Fields}) are written back as they came,
 * never over a field the gateway sets; the gateway adds no field of its own that the upstream did not send, except
 * what OpenAI's shape requires. The key's {@link ResponseProfile} then limits the result.
 *
 * <p>Written with a {@link JsonGenerator} straight into the mapper's pooled buffers, no tree per answer or chunk; the
 * bytes are those the tree-built encoder wrote (ResponseEncoderTest compares them).
 */
final class ResponseEncoder {
    private static final Set<String> COMPLETION_ROOT = Set.of("id", "object", "created", "model", "choices", "usage");
    private static final Set<String> CHUNK_ROOT = Set.of("id", "object", "created", "model", "choices");
    private static final Set<String> COMPLETION_CHOICE = Set.of("index", "message", "finish_reason");
    private static final Set<String> CHUNK_CHOICE = Set.of("index", "delta", "finish_reason");
    private final ObjectMapper json;
    private final String id;
    private final long created;
    private final String model;
    private final boolean usageField;
    private final ResponseProfile profile;
    /** Per choice, the fields of upstream events not yet written (they go into that choice's next event). */
    private final Map<Integer, ChatChunk.Fields> pending = new HashMap<>();
    /** The top-level fields of the last upstream event, for the gateway's own trailing usage chunk. */
    private Map<String, Object> lastEventFields = Map.of();
    /** id, created, model as relayed events carry them ({@link RelayedAnswer#values}), then the cut usage's nothing. */
    private byte[][] relayValues;

    /** @param usageField whether chunks carry {@code "usage": null} (the client asked for include_usage) */
    ResponseEncoder(ObjectMapper json, String id, long created, String model, boolean usageField,
                    ResponseProfile profile) {
        this.json = json;
        this.id = id;
        this.created = created;
        this.model = model;
        this.usageField = usageField;
        this.profile = profile;
    }

    byte[] completion(ChatResponse response, Usage usage) {
        return bytes(g -> {
            header(g, "chat.completion");
            g.writeArrayFieldStart("choices");
            for (ChatResponse.Choice c : response.choices()) {
                completionChoice(g, c);
            }
            g.writeEndArray();
            usage(g, usage);
            extras(g, ROOT, response.extras(), COMPLETION_ROOT);
            g.writeEndObject();
        });
    }

    /**
     * The first chunk of a choice: the assistant role, and the upstream's own opening fields when it sent them; else
     * empty content as OpenAI sends it, except before a tool call (whose stream has no text).
     */
    byte[] roleChunk(int index, ChatChunk first) {
        ChatChunk.Fields fields = pending.get(index);
        boolean content = (fields == null || !fields.delta().containsKey("content"))
                && !(first instanceof ChatChunk.ToolCallDelta);
        return event(index, null, g -> {
            field(g, MESSAGE, "role", "assistant");
            if (content) {
                field(g, MESSAGE, "content", "");
            }
        }, content ? Set.of("role", "content") : Set.of("role"));
    }

    /** An event of their own for fields that no later event of choice {@code index} took. */
    byte[] pendingChunk(int index) {
        return event(index, null, g -> { }, Set.of());
    }

    /** The choices whose upstream fields wait for an event. */
    Iterable<Integer> pendingChoices() {
        return new TreeSet<>(pending.keySet());
    }

    /** The event for a chunk, or null for a usage report (sent last, if at all) and for fields (kept for the next). */
    byte[] chunk(ChatChunk chunk) {
        return switch (chunk) {
            case ChatChunk.TextDelta t -> event(t.index(), null, g -> field(g, MESSAGE, "content", t.text()),
                    Set.of("content"));
            case ChatChunk.ReasoningDelta r -> event(r.index(), null,
                    g -> field(g, MESSAGE, "reasoning_content", r.text()), Set.of("reasoning_content"));
            case ChatChunk.ToolCallDelta tc -> event(tc.index(), null, g -> toolCallDelta(g, tc), Set.of("tool_calls"));
            case ChatChunk.Finish f -> event(f.index(), f.reason().wire(), g -> { }, Set.of());
            case ChatChunk.Fields f -> {
                keep(f);
                yield null;
            }
            case ChatChunk.UsageReport u -> null;
        };
    }

    /**
     * An upstream event as it came ({@link ChatPassthrough.PassedEvent}), with this response's id, created and model,
     * and without its {@code "usage": null} when the client did not ask for usage; null where the encoding of its
     * chunks could say something else: a profile other than the full one, fields of earlier events waiting for its
     * choice, or no usage member where the client asked for one. Its top-level fields are kept for the trailing usage
     * chunk, as the encoding keeps them.
     */
    byte[] relayed(ChatPassthrough.PassedEvent event) {
        if (profile != ResponseProfile.FULL || pending.containsKey(event.index())
                || usageField && event.usageNull() == null) {
            return null;
        }
        for (ChatChunk chunk : event.chunks()) {
            if (chunk instanceof ChatChunk.Fields fields && !fields.event().isEmpty()) {
                lastEventFields = fields.event();
            }
        }
        if (relayValues == null) {
            byte[][] values = RelayedAnswer.values(id, created, model);
            relayValues = new byte[][] {values[0], values[1], values[2], new byte[0]};
        }
        ChatPassthrough.Span[] spans = usageField || event.usageNull() == null
                ? new ChatPassthrough.Span[] {event.id(), event.created(), event.model()}
                : new ChatPassthrough.Span[] {event.id(), event.created(), event.model(), event.usageNull()};
        return RelayedAnswer.spliced(event.text(), spans, relayValues);
    }

    /** The trailing {@code choices: []} chunk carrying the totals. */
    byte[] usageChunk(Usage usage) {
        return bytes(g -> {
            header(g, "chat.completion.chunk");
            if (profile.keeps(ROOT, "choices")) {
                g.writeArrayFieldStart("choices");
                g.writeEndArray();
            }
            usage(g, usage);
            extras(g, ROOT, lastEventFields, COMPLETION_ROOT);
            g.writeEndObject();
        });
    }

    private void keep(ChatChunk.Fields fields) {
        if (!fields.event().isEmpty()) {
            lastEventFields = fields.event();
        }
        pending.merge(fields.index(), fields, (older, newer) -> new ChatChunk.Fields(newer.index(),
                merged(older.event(), newer.event()), merged(older.choice(), newer.choice()),
                merged(older.delta(), newer.delta())));
    }

    private static Map<String, Object> merged(Map<String, Object> older, Map<String, Object> newer) {
        Map<String, Object> all = new LinkedHashMap<>(older);
        all.putAll(newer);
        return all;
    }

    /**
     * One chunk of choice {@code index}: the gateway's delta fields ({@code deltaNames}), then choice {@code index}'s
     * waiting upstream fields where the gateway did not set them.
     */
    private byte[] event(int index, String finishReason, Body delta, Set<String> deltaNames) {
        ChatChunk.Fields fields = pending.remove(index);
        return bytes(g -> {
            header(g, "chat.completion.chunk");
            if (usageField && profile.keeps(ROOT, "usage")) {
                g.writeNullField("usage");
            }
            if (profile.keeps(ROOT, "choices")) {
                g.writeArrayFieldStart("choices");
                g.writeStartObject();
                if (profile.keeps(CHOICE, "index")) {
                    g.writeNumberField("index", index);
                }
                if (profile.keeps(CHOICE, "delta")) {
                    g.writeObjectFieldStart("delta");
                    delta.write(g);
                    if (fields != null) {
                        extras(g, MESSAGE, fields.delta(), deltaNames);
                    }
                    g.writeEndObject();
                }
                if (profile.keeps(CHOICE, "finish_reason")) {
                    g.writeStringField("finish_reason", finishReason);
                }
                if (fields != null) {
                    extras(g, CHOICE, fields.choice(), CHUNK_CHOICE);
                }
                g.writeEndObject();
                g.writeEndArray();
            }
            if (fields != null) {
                extras(g, ROOT, fields.event(), usageField ? COMPLETION_ROOT : CHUNK_ROOT);
            }
            g.writeEndObject();
        });
    }

    private void header(JsonGenerator g, String object) throws IOException {
        g.writeStartObject();
        field(g, ROOT, "id", id);
        field(g, ROOT, "object", object);
        if (profile.keeps(ROOT, "created")) {
            g.writeNumberField("created", created);
        }
        field(g, ROOT, "model", model);
    }

    /** {@code choices[i]} of a whole answer; the choice's upstream fields come before the finish reason, as they did. */
    private void completionChoice(JsonGenerator g, ChatResponse.Choice c) throws IOException {
        String finishReason = c.finishReason() == null ? "stop" : c.finishReason().wire();
        g.writeStartObject();
        if (profile.keeps(CHOICE, "index")) {
            g.writeNumberField("index", c.index());
        }
        if (profile.keeps(CHOICE, "message")) {
            g.writeFieldName("message");
            message(g, c.message());
        }
        boolean finishWritten = false;
        for (Map.Entry<String, Object> e : c.extras().entrySet()) {
            String name = e.getKey();
            if (name.equals("finish_reason")) { // the gateway's value, at the place the upstream's field had
                field(g, CHOICE, name, finishReason);
                finishWritten = true;
            } else if (!COMPLETION_CHOICE.contains(name) && profile.keeps(CHOICE, name)) {
                g.writeFieldName(name);
                json.writeValue(g, e.getValue());
            }
        }
        if (!finishWritten) {
            field(g, CHOICE, "finish_reason", finishReason);
        }
        g.writeEndObject();
    }

    private void message(JsonGenerator g, Message m) throws IOException {
        g.writeStartObject();
        field(g, MESSAGE, "role", "assistant");
        String text = text(m);
        if (profile.keeps(MESSAGE, "content")) {
            g.writeStringField("content", m.toolCalls().isEmpty() || !text.isEmpty() ? text : null);
        }
        if (m.reasoningContent() != null) {
            field(g, MESSAGE, "reasoning_content", m.reasoningContent());
        }
        if (!m.toolCalls().isEmpty() && profile.keeps(MESSAGE, "tool_calls")) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall call : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", call.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", call.name());
                g.writeStringField("arguments", call.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!m.extras().isEmpty()) {
            extras(g, MESSAGE, m.extras(), messageFields(m));
        }
        g.writeEndObject();
    }

    /** {@link Message#text()}, without its stream for the usual one text part. */
    private static String text(Message m) {
        return m.content().size() == 1 && m.content().getFirst() instanceof ContentPart.Text t ? t.text() : m.text();
    }

    /** The fields {@link #message} sets itself. */
    private static Set<String> messageFields(Message m) {
        Set<String> names = new HashSet<>(Set.of("role", "content"));
        if (m.reasoningContent() != null) {
            names.add("reasoning_content");
        }
        if (!m.toolCalls().isEmpty()) {
            names.add("tool_calls");
        }
        return names;
    }

    private static void toolCallDelta(JsonGenerator g, ChatChunk.ToolCallDelta tc) throws IOException {
        g.writeArrayFieldStart("tool_calls");
        g.writeStartObject();
        g.writeNumberField("index", tc.callIndex());
        if (tc.id() != null) {
            g.writeStringField("id", tc.id());
            g.writeStringField("type", "function");
        }
        g.writeObjectFieldStart("function");
        if (tc.name() != null) {
            g.writeStringField("name", tc.name());
        }
        g.writeStringField("arguments", tc.argumentsFragment() == null ? "" : tc.argumentsFragment());
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
    }

    private void usage(JsonGenerator g, Usage u) throws IOException {
        if (!profile.keeps(ROOT, "usage")) {
            return;
        }
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        if (u.cachedPromptTokens() != null && profile.keeps(USAGE, "prompt_tokens_details")) {
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", u.cachedPromptTokens());
            g.writeEndObject();
        }
        if (u.reasoningTokens() != null && profile.keeps(USAGE, "completion_tokens_details")) {
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", u.reasoningTokens());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private void field(JsonGenerator g, Level level, String name, String value) throws IOException {
        if (profile.keeps(level, name)) {
            g.writeStringField(name, value);
        }
    }

    /** The upstream's own fields, where the gateway has not set the field itself ({@code set}). */
    private void extras(JsonGenerator g, Level level, Map<String, Object> extras, Set<String> set) throws IOException {
        for (Map.Entry<String, Object> e : extras.entrySet()) {
            if (!set.contains(e.getKey()) && profile.keeps(level, e.getKey())) {
                g.writeFieldName(e.getKey());
                json.writeValue(g, e.getValue());
            }
        }
    }

    /** What one answer or event writes, as one JSON value. */
    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    /** The value {@code body} writes, as bytes, in the mapper's pooled buffers (as writeValueAsBytes does). */
    private byte[] bytes(Body body) {
        BufferRecycler recycler = json.getFactory()._getBufferRecycler();
        try (ByteArrayBuilder out = new ByteArrayBuilder(recycler)) {
            try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
                body.write(g);
            }
            return out.getClearAndRelease();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            recycler.releaseToPool();
        }
    }
}
