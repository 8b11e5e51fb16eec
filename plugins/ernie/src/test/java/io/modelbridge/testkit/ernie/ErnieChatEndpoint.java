package io.modelbridge.testkit.ernie;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SseOutput;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * {@code POST /rpc/2.0/ai_custom/v1/wenxinworkshop/chat/{model}}, whole and streamed. The stream is {@code data:}
 * events with incremental {@code result} and {@code sentence_id}; the last one has {@code is_end: true}, the
 * finish_reason and the final usage; there is no {@code [DONE]}. An error after events have gone out is a bare JSON
 * line, as ERNIE sends its errors in stream mode.
 */
final class ErnieChatEndpoint {
    private final SimulatorKnobs knobs;
    private final BooleanSupplier flagNext;
    private final AtomicLong ids = new AtomicLong();

    /** @param flagNext consumes one "flag this conversation" order of the safety knob */
    ErnieChatEndpoint(SimulatorKnobs knobs, BooleanSupplier flagNext) {
        this.knobs = knobs;
        this.flagNext = flagNext;
    }

    void answer(JsonNode request, ServerResponse res) {
        ErniePlan plan = ErniePlan.of(request, knobs.replyText().orElse(null));
        String id = "as-sim" + ids.incrementAndGet();
        long created = Instant.now().getEpochSecond();
        boolean stream = request.path("stream").asBoolean(false);
        if (flagNext.getAsBoolean()) {
            res.header("Content-Type", stream ? "text/event-stream" : "application/json");
            ObjectNode flagged = ErnieWire.flagged(id, created, plan.promptTokens(), stream);
            res.send(stream ? "data: " + flagged + "\n\n" : flagged.toString());
            return;
        }
        if (!stream) {
            res.header("Content-Type", "application/json");
            res.send(ErnieWire.completion(id, created, plan));
            return;
        }
        res.header("Content-Type", "text/event-stream");
        res.header("Cache-Control", "no-cache");
        new StreamRun(new SseOutput(res.outputStream()), id, created, plan).write();
    }

    /** One stream being written, with the faults of the knobs. */
    private final class StreamRun {
        private final SseOutput sse;
        private final String id;
        private final long created;
        private final ErniePlan plan;

        StreamRun(SseOutput sse, String id, long created, ErniePlan plan) {
            this.sse = sse;
            this.id = id;
            this.created = created;
            this.plan = plan;
        }

        void write() {
            try {
                List<String> sentences = plan.call() == null ? plan.sentences(knobs.wordsPerChunk()) : List.of();
                for (String sentence : sentences) {
                    ObjectNode event = event(false);
                    event.put("result", sentence);
                    event.set("usage", ErnieWire.usage(plan.promptTokens(), 0));
                    emit(event);
                }
                emit(last());
            } catch (SseOutput.ClientGone gone) {
                knobs.streamCancelled();
            } catch (FaultInjected fault) {
                if (fault.drop) {
                    throw new DroppedConnection();
                }
            }
        }

        private ObjectNode last() {
            ObjectNode event = event(true);
            event.put("result", "");
            event.put("finish_reason", plan.call() == null ? "normal" : "function_call");
            if (plan.call() != null) {
                event.set("function_call", ErnieWire.functionCall(plan.call()));
            }
            event.set("usage", ErnieWire.usage(plan.promptTokens(), plan.completionTokens()));
            return event;
        }

        private ObjectNode event(boolean end) {
            ObjectNode event = ErnieWire.envelope(id, created);
            event.put("sentence_id", sse.events()).put("is_end", end).put("is_truncated", false)
                    .put("need_clear_history", false);
            return event;
        }

        /** Writes one event after the delay between events and any fault due at this point of the stream. */
        private void emit(ObjectNode event) {
            if (sse.events() > 0) {
                knobs.pauseBeforeEvent();
            }
            if (sse.events() == knobs.dropAfterEvents()) {
                throw new FaultInjected(true);
            }
            if (sse.events() == knobs.errorEventAfter()) {
                sse.raw(ErnieWire.error(336000, "Internal error", id) + "\n");
                throw new FaultInjected(false);
            }
            sse.data(event.toString());
        }
    }

    /** Thrown out of the handler once events are out: Helidon then cuts the connection without a clean end. */
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
