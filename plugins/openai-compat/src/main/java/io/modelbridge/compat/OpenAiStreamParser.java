package io.modelbridge.compat;

import static io.modelbridge.compat.OpenAiJson.protocol;
import static io.modelbridge.compat.OpenAiJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.SseEvent;
import io.modelbridge.spi.SseReader;
import io.modelbridge.spi.Usage;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns an OpenAI {@code chat.completion.chunk} stream into {@link ChatChunk}s, pushing each one to the consumer as
 * soon as its event is read. Comment lines ({@code : keep-alive}) are skipped by {@link SseReader};
 * {@code delta.reasoning_content} becomes reasoning deltas; an {@code {"error":{...}}} event, or an event named
 * {@code error} (GLM's), is thrown through the {@link OpenAiErrors}; usage is reported as the {@link StreamRules} say.
 * A tool call's id and name go out once, on its first fragment, even from a vendor that repeats them on every fragment
 * (GLM); calls of other types than {@code function} (results of GLM's built-in web search) have no OpenAI form and
 * are skipped. Exceptions thrown by the consumer are not caught here: they reach the adapter, which closes the reply
 * (cancelling the upstream call) and lets them propagate. One parser reads one stream.
 *
 * <p>Given somewhere to send them ({@link #relaying}), the events whose text says what their chunks say
 * ({@link OpenAiChunkReader.Relay}, and a finish reason that is the vendor's and OpenAI's name alike, given once) go
 * there whole, with their chunks, for the gateway to relay as they came.
 */
public final class OpenAiStreamParser {
    /** A delta's modelled fields; {@code role} is always the assistant's and written by the gateway. */
    private static final Set<String> DELTA_MODELLED = Set.of("role", "content", "tool_calls", "reasoning_content");
    private final StreamRules rules;
    private final OpenAiErrors errors;
    private final String credential;
    private final Consumer<ChatChunk> out;
    private Consumer<ChatPassthrough.PassedEvent> events;
    private final Set<Integer> finished = new HashSet<>();
    /** Per choice, the tool call indexes whose first fragment went out. */
    private final Map<Integer, Set<Integer>> startedCalls = new HashMap<>();
    /** Events of the usual shape are read from their tokens ({@link OpenAiChunkReader}); false: every one as a tree. */
    private final boolean tokens;
    private boolean sawData;
    private Usage lastUsage;

    /** OpenAI's stream. */
    public OpenAiStreamParser(String credential, Consumer<ChatChunk> out) {
        this(StreamRules.OPENAI, OpenAiErrors.OPENAI, credential, out);
    }

    public OpenAiStreamParser(StreamRules rules, OpenAiErrors errors, String credential, Consumer<ChatChunk> out) {
        this(rules, errors, credential, out, true);
    }

    /** A parser that reads every event as a tree when {@code tokens} is false: the reference of the tests. */
    OpenAiStreamParser(StreamRules rules, OpenAiErrors errors, String credential, Consumer<ChatChunk> out,
                       boolean tokens) {
        this.tokens = tokens && rules.usageAt().equals(StreamRules.OPENAI.usageAt());
        this.rules = rules;
        this.errors = errors;
        this.credential = credential;
        this.out = out;
    }

    /** Sends the events that may be relayed as they came to {@code events} instead of their chunks to the consumer. */
    public OpenAiStreamParser relaying(Consumer<ChatPassthrough.PassedEvent> events) {
        this.events = tokens ? events : null;
        return this;
    }

    /** Reads events until {@code [DONE]}; a stream that stops before any choice finished is an error. */
    public void parse(InputStream body) {
        SseReader reader = new SseReader(body);
        while (true) {
            Optional<SseEvent> event = next(reader);
            if (event.isEmpty()) {
                endedWithoutDone();
                break;
            }
            String data = event.get().data().strip();
            if (data.equals("[DONE]")) {
                break;
            }
            if (!data.isEmpty()) {
                sawData = true;
                chunk(event.get().event(), data);
            }
        }
        if (lastUsage != null) {
            out.accept(new ChatChunk.UsageReport(lastUsage));
        }
    }

    private Optional<SseEvent> next(SseReader reader) {
        try {
            return reader.next();
        } catch (UncheckedIOException e) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.PROTOCOL,
                    rules.prefix("stream ended early: connection lost before [DONE]")), e);
        }
    }

    /**
     * Some OpenAI-compatible upstreams close the stream after the finish chunk without {@code [DONE]}; that stream is
     * complete. One that stops mid-answer is not.
     */
    private void endedWithoutDone() {
        if (!sawData) {
            throw protocol(rules.prefix("stream ended early: no events before the end of the stream"));
        }
        if (finished.isEmpty()) {
            throw protocol(rules.prefix("stream ended early: no [DONE] and no finish_reason"));
        }
    }

    private void chunk(String eventName, String data) {
        OpenAiChunkReader.Event event = tokens && !"error".equals(eventName)
                ? OpenAiChunkReader.read(data, events != null && data.indexOf('\n') < 0 && data.indexOf('\r') < 0)
                : null;
        if (event == null) {
            chunkFromTree(eventName, data);
            return;
        }
        if (event.relay() != null && relayed(data, event)) {
            return;
        }
        for (OpenAiChunkReader.Choice choice : event.choices()) {
            choice(choice, event.extras(), out);
        }
        Usage usage = OpenAiResponses.usage(event.usage());
        report(usage != null ? usage : OpenAiResponses.usage(event.firstChoiceUsage()));
    }

    private void choice(OpenAiChunkReader.Choice choice, Map<String, Object> eventExtras, Consumer<ChatChunk> to) {
        int index = choice.index();
        if (choice.hasDelta() && (!eventExtras.isEmpty() || !choice.extras().isEmpty()
                || !choice.deltaExtras().isEmpty())) {
            to.accept(new ChatChunk.Fields(index, eventExtras, choice.extras(), choice.deltaExtras()));
        }
        deltas(index, choice.reasoning(), choice.content(), to);
        for (OpenAiChunkReader.Call call : choice.calls()) {
            if (call.function()) {
                toolCall(index, call.index(), call.id(), call.name(), call.arguments(), to);
            }
        }
        finish(index, choice.finishReason(), to);
    }

    /**
     * Sends an event of the relayed kind to {@link #events} with its chunks, when they say what its text says (a finish
     * reason the gateway writes as the vendor did, and not one given before, which yields no chunk) and deliver
     * something (text, reasoning, a finish); an event of fields alone goes the chunks' way. False: neither was done.
     */
    private boolean relayed(String data, OpenAiChunkReader.Event event) {
        OpenAiChunkReader.Choice choice = event.choices().getFirst();
        String finish = choice.finishReason();
        if (finish != null) {
            FinishReason reason = rules.finishReasons().apply(finish);
            if (reason == null || !reason.wire().equals(finish) || finished.contains(choice.index())) {
                return false;
            }
        }
        List<ChatChunk> chunks = new ArrayList<>(3);
        choice(choice, event.extras(), chunks::add);
        if (chunks.stream().allMatch(c -> c instanceof ChatChunk.Fields)) {
            chunks.forEach(out); // delivers nothing yet: the gateway keeps its fields for the choice's next event
            return true;
        }
        OpenAiChunkReader.Relay relay = event.relay();
        events.accept(new ChatPassthrough.PassedEvent(data, relay.id(), relay.created(), relay.model(),
                relay.usageNull(), choice.index(), relay.opensChoice(), chunks));
        return true;
    }

    /** An event of an unusual shape, an error, or one the token reader could not read: as a tree. */
    private void chunkFromTree(String eventName, String data) {
        JsonNode chunk = OpenAiJson.parse(data).filter(JsonNode::isObject)
                .orElseThrow(() -> protocol(rules.prefix("malformed stream event: " + UpstreamText.excerpt(data))));
        JsonNode error = chunk.get("error");
        if (error != null && error.isObject()) {
            throw errors.fromStreamError(error, credential);
        }
        if ("error".equals(eventName)) {
            throw errors.fromStreamError(chunk, credential);
        }
        Map<String, Object> eventExtras = OpenAiJson.extras(chunk, OpenAiResponses.MODELLED_ROOT);
        for (JsonNode choice : chunk.path("choices")) {
            choice(choice, eventExtras);
        }
        report(usage(chunk));
    }

    private void report(Usage usage) {
        if (usage == null) {
            return;
        }
        if (rules.usage() == UsagePlacement.AS_SENT) {
            out.accept(new ChatChunk.UsageReport(usage));
        } else {
            lastUsage = usage;
        }
    }

    private Usage usage(JsonNode chunk) {
        for (var pointer : rules.usageAt()) {
            Usage usage = OpenAiResponses.usage(chunk.at(pointer));
            if (usage != null) {
                return usage;
            }
        }
        return null;
    }

    private void choice(JsonNode choice, Map<String, Object> eventExtras) {
        int index = choice.path("index").asInt(0);
        JsonNode delta = choice.path("delta");
        if (!delta.isMissingNode()) { // a text_completion's choice (no delta) has no chat fields to carry
            fields(index, eventExtras, choice, delta);
        }
        String content = delta.isMissingNode() ? text(choice, "text") : text(delta, "content"); // text: a text_completion
        deltas(index, text(delta, "reasoning_content"), content, out);
        int position = 0;
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(index, call.path("index").asInt(position++), call, out);
        }
        finish(index, text(choice, "finish_reason"), out);
    }

    private static void deltas(int index, String reasoning, String content, Consumer<ChatChunk> to) {
        if (reasoning != null && !reasoning.isEmpty()) {
            to.accept(new ChatChunk.ReasoningDelta(index, reasoning));
        }
        if (content != null && !content.isEmpty()) {
            to.accept(new ChatChunk.TextDelta(index, content));
        }
    }

    private void finish(int index, String finish, Consumer<ChatChunk> to) {
        if (finish != null && finished.add(index)) {
            to.accept(new ChatChunk.Finish(index, rules.finishReasons().apply(finish)));
        }
    }

    /** What the event carries beyond the modelled fields, and a {@code content} that is null or "" as it came. */
    private void fields(int index, Map<String, Object> eventExtras, JsonNode choice, JsonNode delta) {
        Map<String, Object> choiceExtras = OpenAiJson.extras(choice, OpenAiResponses.MODELLED_CHOICE);
        Map<String, Object> deltaExtras = OpenAiJson.extras(delta, DELTA_MODELLED);
        JsonNode content = delta.get("content");
        if (content != null && (content.isNull() || content.isTextual() && content.asText().isEmpty())) {
            deltaExtras.put("content", content.isNull() ? null : "");
        }
        if (!eventExtras.isEmpty() || !choiceExtras.isEmpty() || !deltaExtras.isEmpty()) {
            out.accept(new ChatChunk.Fields(index, eventExtras, choiceExtras, deltaExtras));
        }
    }

    private void toolCall(int index, int callIndex, JsonNode call, Consumer<ChatChunk> to) {
        if (!"function".equals(call.path("type").asText("function"))) {
            return;
        }
        JsonNode function = call.path("function");
        toolCall(index, callIndex, text(call, "id"), text(function, "name"),
                OpenAiResponses.arguments(function.get("arguments")), to);
    }

    private void toolCall(int index, int callIndex, String id, String name, String arguments,
                          Consumer<ChatChunk> to) {
        if (startedCalls.computeIfAbsent(index, i -> new HashSet<>()).add(callIndex)) {
            to.accept(new ChatChunk.ToolCallDelta(index, callIndex, id, name, arguments));
        } else if (!arguments.isEmpty()) {
            to.accept(new ChatChunk.ToolCallDelta(index, callIndex, null, null, arguments));
        }
    }
}
