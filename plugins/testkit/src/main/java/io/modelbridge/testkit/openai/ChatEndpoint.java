package io.modelbridge.testkit.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SseOutput;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** {@code POST /v1/chat/completions}, plain and streamed, with the stream faults of the knobs. */
final class ChatEndpoint {
    private final SimulatorKnobs knobs;
    private final OpenAiStyle.StreamUsage usage;
    private final AtomicLong ids = new AtomicLong();

    ChatEndpoint(SimulatorKnobs knobs, OpenAiStyle.StreamUsage usage) {
        this.knobs = knobs;
        this.usage = usage;
    }

    void answer(JsonNode request, ServerResponse res) {
        ChatPlan plan = ChatPlan.of(request, knobs.replyText().orElse(null));
        String id = "chatcmpl-sim" + ids.incrementAndGet();
        long created = Instant.now().getEpochSecond();
        String model = request.path("model").asText();
        if (!request.path("stream").asBoolean(false)) {
            res.header("Content-Type", "application/json");
            res.send(OpenAiWire.completion(id, created, model, plan));
            return;
        }
        boolean includeUsage = usage == OpenAiStyle.StreamUsage.SEPARATE_CHUNK
                && request.path("stream_options").path("include_usage").asBoolean(false);
        res.header("Content-Type", "text/event-stream; charset=utf-8");
        res.header("Cache-Control", "no-cache");
        new StreamRun(new SseOutput(res.outputStream()), id, created, model, includeUsage).write(plan);
    }

    /** One stream being written: the chunk envelope, the usage rule and the faults. */
    private final class StreamRun {
        private final SseOutput sse;
        private final String id;
        private final long created;
        private final String model;
        private final boolean includeUsage;

        StreamRun(SseOutput sse, String id, long created, String model, boolean includeUsage) {
            this.sse = sse;
            this.id = id;
            this.created = created;
            this.model = model;
            this.includeUsage = includeUsage;
        }

        void write(ChatPlan plan) {
            try {
                if (plan.toolCall() == null) {
                    writeText(plan);
                } else {
                    writeToolCall(plan.toolCall());
                }
                finish(plan);
            } catch (SseOutput.ClientGone gone) {
                knobs.streamCancelled();
            } catch (FaultInjected fault) {
                if (fault.drop) {
                    throw new DroppedConnection();
                }
            }
        }

        private void writeText(ChatPlan plan) {
            ObjectNode first = chunk(null);
            delta(first).put("role", "assistant").put("content", "").putNull("refusal");
            emit(first);
            for (String text : plan.textChunks(knobs.wordsPerChunk())) {
                ObjectNode chunk = chunk(null);
                delta(chunk).put("content", text);
                emit(chunk);
            }
        }

        private void writeToolCall(ChatPlan.ToolCallPlan call) {
            ObjectNode first = chunk(null);
            ObjectNode delta = delta(first).put("role", "assistant").putNull("content");
            ObjectNode header = delta.putArray("tool_calls").addObject()
                    .put("index", 0).put("id", call.id()).put("type", "function");
            header.putObject("function").put("name", call.name()).put("arguments", "");
            emit(first);
            for (String fragment : call.fragments()) {
                ObjectNode chunk = chunk(null);
                delta(chunk).putArray("tool_calls").addObject().put("index", 0)
                        .putObject("function").put("arguments", fragment);
                emit(chunk);
            }
        }

        private void finish(ChatPlan plan) {
            ObjectNode finish = chunk(plan.toolCall() == null ? "stop" : "tool_calls");
            if (usage == OpenAiStyle.StreamUsage.ON_FINISH_CHUNK) {
                finish.set("usage", OpenAiWire.usage(plan));
            } else if (usage == OpenAiStyle.StreamUsage.IN_FINISH_CHOICE) {
                ((ObjectNode) finish.get("choices").get(0)).set("usage", OpenAiWire.usage(plan));
            }
            emit(finish);
            if (includeUsage) {
                ObjectNode last = OpenAiWire.chunk(id, created, model);
                last.putArray("choices");
                last.set("usage", OpenAiWire.usage(plan));
                emit(last);
            }
            knobs.pauseBeforeEvent();
            sse.data("[DONE]");
        }

        private ObjectNode chunk(String finishReason) {
            ObjectNode chunk = OpenAiWire.chunk(id, created, model);
            OpenAiWire.choice(chunk, finishReason);
            if (includeUsage) {
                chunk.putNull("usage");
            }
            return chunk;
        }

        private ObjectNode delta(ObjectNode chunk) {
            return (ObjectNode) chunk.get("choices").get(0).get("delta");
        }

        /** Writes one event, first applying the delay between events and any fault due at this point of the stream. */
        private void emit(ObjectNode chunk) {
            if (sse.events() > 0) {
                knobs.pauseBeforeEvent();
            }
            if (sse.events() == knobs.dropAfterEvents()) {
                throw new FaultInjected(true);
            }
            if (sse.events() == knobs.errorEventAfter()) {
                sse.data(OpenAiWire.error("The server had an error while processing your request. Sorry about that!",
                        "server_error", null, null));
                throw new FaultInjected(false);
            }
            if (sse.events() == knobs.malformedEventAfter()) {
                sse.data("{\"id\":\"" + id + "\",\"choices\":[{\"delta\":{\"content\":");
                throw new FaultInjected(false);
            }
            if (sse.events() == knobs.truncateEventAfter()) {
                sse.raw("data: {\"id\":\"" + id + "\",\"object\":\"chat.compl");
                throw new FaultInjected(false);
            }
            if (sse.events() == knobs.stallStreamAfter()) {
                knobs.stall();
                throw new FaultInjected(false);
            }
            sse.data(chunk.toString());
        }
    }

    /**
     * Thrown out of the handler once headers and some events are out: Helidon can no longer answer with an error,
     * so it closes the connection without the final empty chunk, which the client sees as a cut connection.
     */
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
