package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SseOutput;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /api/paas/v4/chat/completions}, plain and streamed in GLM's framing: every chunk repeats
 * {@code delta.role}, the last one carries {@code finish_reason} and {@code usage}, then {@code data: [DONE]}. A tool
 * call comes whole in one chunk unless argument fragmenting is switched on (as with GLM's {@code tool_stream}).
 */
final class GlmChatEndpoint {
    private static final long ID_BASE = 8_239_375_684_858_666_000L;
    private final SimulatorKnobs knobs;
    private final GlmKnobs glm;
    private final AtomicLong ids = new AtomicLong();

    GlmChatEndpoint(SimulatorKnobs knobs, GlmKnobs glm) {
        this.knobs = knobs;
        this.glm = glm;
    }

    void answer(JsonNode request, ServerResponse res) {
        long n = ids.incrementAndGet();
        String id = Long.toString(ID_BASE + n);
        GlmPlan plan = GlmPlan.of(request, knobs.replyText().orElse(null), "call_" + (ID_BASE - n));
        long created = Instant.now().getEpochSecond();
        String model = request.path("model").asText();
        String finish = glm.finishReason() != null ? glm.finishReason() : plan.toolCall() == null ? "stop" : "tool_calls";
        if (!request.path("stream").asBoolean(false)) {
            String requestId = request.path("request_id").asText(id);
            res.header("Content-Type", "application/json; charset=UTF-8");
            res.send(GlmWire.completion(id, requestId, created, model, plan, finish));
            return;
        }
        res.header("Content-Type", "text/event-stream;charset=UTF-8");
        res.header("Cache-Control", "no-cache");
        new StreamRun(new SseOutput(res.outputStream()), id, created, model).write(plan, finish);
    }

    /** One stream being written, with the faults of the knobs. */
    private final class StreamRun {
        private final SseOutput sse;
        private final String id;
        private final long created;
        private final String model;

        StreamRun(SseOutput sse, String id, long created, String model) {
            this.sse = sse;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        void write(GlmPlan plan, String finish) {
            try {
                if (plan.toolCall() == null) {
                    for (String text : plan.textChunks(knobs.wordsPerChunk())) {
                        ObjectNode chunk = GlmWire.envelope(id, created, model);
                        GlmWire.chunk(chunk, null).put("content", text);
                        emit(chunk);
                    }
                } else {
                    writeToolCall(plan.toolCall());
                }
                ObjectNode last = GlmWire.envelope(id, created, model);
                GlmWire.chunk(last, finish).put("content", "");
                last.set("usage", GlmWire.usage(plan));
                emit(last);
                knobs.pauseBeforeEvent();
                sse.data("[DONE]");
            } catch (SseOutput.ClientGone gone) {
                knobs.streamCancelled();
            } catch (FaultInjected fault) {
                if (fault.drop) {
                    throw new DroppedConnection();
                }
            }
        }

        private void writeToolCall(GlmPlan.ToolCallPlan call) {
            boolean fragment = glm.fragmentToolArguments();
            ObjectNode first = GlmWire.envelope(id, created, model);
            ObjectNode entry = GlmWire.chunk(first, null).putArray("tool_calls").addObject();
            entry.putObject("function").put("arguments", fragment ? "" : call.arguments()).put("name", call.name());
            entry.put("id", call.id()).put("index", 0).put("type", "function");
            emit(first);
            if (!fragment) {
                return;
            }
            for (String piece : call.fragments()) {
                ObjectNode chunk = GlmWire.envelope(id, created, model);
                ObjectNode next = GlmWire.chunk(chunk, null).putArray("tool_calls").addObject();
                next.putObject("function").put("arguments", piece);
                next.put("index", 0).put("type", "function");
                emit(chunk);
            }
        }

        /** Writes one event, after the delay between events and any fault due at this point of the stream. */
        private void emit(ObjectNode chunk) {
            if (sse.events() > 0) {
                knobs.pauseBeforeEvent();
            }
            if (sse.events() == knobs.dropAfterEvents()) {
                throw new FaultInjected(true);
            }
            if (sse.events() == knobs.errorEventAfter()) {
                sse.data(GlmWire.error("1234", "网络错误，错误id：sim" + id + "，请联系客服"));
                throw new FaultInjected(false);
            }
            sse.data(chunk.toString());
        }
    }

    /** Thrown out of the handler once events are out: Helidon then cuts the connection without the last chunk. */
    private static final class DroppedConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedConnection() {
            super("simulated connection drop", null, false, false);
        }
    }

    /** Ends the stream early on purpose: {@code drop} cuts the connection, else the stream just stops. */
    private static final class FaultInjected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean drop;

        FaultInjected(boolean drop) {
            super(null, null, false, false);
            this.drop = drop;
        }
    }
}
