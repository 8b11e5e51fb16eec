package io.modelbridge.testkit.deepseek;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SseOutput;
import java.time.Instant;
import java.util.UUID;

/**
 * {@code POST /chat/completions}: a JSON body (after DeepSeek's blank-line padding) or an SSE stream (after its
 * {@code : keep-alive} comments), with the stream faults of the knobs. The in-stream failure DeepSeek documents is
 * the {@code insufficient_system_resource} finish reason, so that is what {@code errorEventAfter} sends.
 */
final class DeepSeekChat {
    private final SimulatorKnobs knobs;
    private final DeepSeekSimulator.Options options;

    DeepSeekChat(SimulatorKnobs knobs, DeepSeekSimulator.Options options) {
        this.knobs = knobs;
        this.options = options;
    }

    void answer(JsonNode request, ServerResponse res) {
        DeepSeekPlan plan = DeepSeekPlan.of(request, knobs.replyText().orElse(null));
        String id = UUID.randomUUID().toString();
        long created = Instant.now().getEpochSecond();
        String model = request.path("model").asText();
        if (!request.path("stream").asBoolean(false)) {
            res.header("Content-Type", "application/json");
            res.send("\n".repeat(options.keepAlives()) + DeepSeekWire.completion(id, created, model, plan,
                    options.cacheHits()));
            return;
        }
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        res.header("Content-Type", "text/event-stream; charset=utf-8");
        res.header("Cache-Control", "no-cache");
        new Run(new SseOutput(res.outputStream()), id, created, model, includeUsage).write(plan);
    }

    /** One stream being written. */
    private final class Run {
        private final SseOutput sse;
        private final String id;
        private final long created;
        private final String model;
        private final boolean includeUsage;

        Run(SseOutput sse, String id, long created, String model, boolean includeUsage) {
            this.sse = sse;
            this.id = id;
            this.created = created;
            this.model = model;
            this.includeUsage = includeUsage;
        }

        void write(DeepSeekPlan plan) {
            try {
                try {
                    body(plan);
                } catch (OutOfCapacity stop) {
                    finish(plan, "insufficient_system_resource");
                }
            } catch (SseOutput.ClientGone gone) {
                knobs.streamCancelled();
            }
        }

        private void body(DeepSeekPlan plan) {
            for (int i = 0; i < options.keepAlives(); i++) {
                sse.raw(": keep-alive\n\n");
            }
            ObjectNode first = chunk(null);
            ObjectNode delta = DeepSeekWire.delta(first).put("role", "assistant");
            if (plan.reasoning() != null) {
                delta.putNull("content").put("reasoning_content", "");
            } else {
                delta.put("content", "");
            }
            emit(first);
            if (plan.reasoning() != null) {
                for (String piece : DeepSeekPlan.chunks(plan.reasoning(), 1)) {
                    ObjectNode chunk = chunk(null);
                    DeepSeekWire.delta(chunk).putNull("content").put("reasoning_content", piece);
                    emit(chunk);
                }
            }
            if (plan.toolCall() == null) {
                text(plan);
            } else {
                toolCall(plan.toolCall());
            }
            finish(plan, plan.toolCall() == null ? "stop" : "tool_calls");
        }

        private void text(DeepSeekPlan plan) {
            for (String piece : DeepSeekPlan.chunks(plan.text(), knobs.wordsPerChunk())) {
                ObjectNode chunk = chunk(null);
                ObjectNode delta = DeepSeekWire.delta(chunk).put("content", piece);
                if (plan.reasoning() != null) {
                    delta.putNull("reasoning_content");
                }
                emit(chunk);
            }
        }

        private void toolCall(DeepSeekPlan.ToolCallPlan call) {
            ObjectNode first = chunk(null);
            ObjectNode header = DeepSeekWire.delta(first).put("content", "").putArray("tool_calls").addObject()
                    .put("index", 0).put("id", call.id()).put("type", "function");
            header.putObject("function").put("name", call.name()).put("arguments", "");
            emit(first);
            for (String fragment : call.fragments()) {
                ObjectNode chunk = chunk(null);
                DeepSeekWire.delta(chunk).putArray("tool_calls").addObject().put("index", 0)
                        .putObject("function").put("arguments", fragment);
                emit(chunk);
            }
        }

        private void finish(DeepSeekPlan plan, String reason) {
            ObjectNode last = chunk(reason);
            DeepSeekWire.delta(last).put("content", "");
            sse.data(last.toString());
            if (includeUsage) {
                ObjectNode usage = DeepSeekSimulator.JSON.createObjectNode().put("id", id)
                        .put("object", "chat.completion.chunk").put("created", created).put("model", model)
                        .put("system_fingerprint", "fp_sim_ds");
                usage.putArray("choices");
                usage.set("usage", DeepSeekWire.usage(plan, options.cacheHits()));
                sse.data(usage.toString());
            }
            knobs.pauseBeforeEvent();
            sse.data("[DONE]");
        }

        private ObjectNode chunk(String finishReason) {
            return DeepSeekWire.chunk(id, created, model, finishReason, includeUsage);
        }

        /** One event, after the configured pause and any fault due at this point of the stream. */
        private void emit(ObjectNode chunk) {
            if (sse.events() > 0) {
                knobs.pauseBeforeEvent();
            }
            if (sse.events() == knobs.dropAfterEvents()) {
                throw new DroppedConnection();
            }
            if (sse.events() == knobs.errorEventAfter()) {
                throw new OutOfCapacity();
            }
            sse.data(chunk.toString());
        }
    }

    /** Thrown out of the handler mid-stream: Helidon then cuts the connection without the final empty chunk. */
    private static final class DroppedConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedConnection() {
            super("simulated connection drop", null, false, false);
        }
    }

    /** The inference capacity "ran out": the stream ends with finish_reason insufficient_system_resource. */
    private static final class OutOfCapacity extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfCapacity() {
            super(null, null, false, false);
        }
    }
}
