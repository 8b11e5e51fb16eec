package io.modelbridge.testkit.qwen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.testkit.SimulatorKnobs;
import io.modelbridge.testkit.SseOutput;
import java.util.List;

/**
 * {@code POST /api/v1/services/aigc/text-generation/generation}: JSON, or DashScope's SSE when the request asked for
 * it. Streams honour {@code incremental_output} (default false: every event repeats the whole text so far) and
 * {@code result_format} ({@code message} or the legacy {@code text}); usage is cumulative on every event; there is no
 * terminator, the connection just closes after the event with a real finish reason.
 */
final class QwenGeneration {
    private final SimulatorKnobs knobs;
    private final QwenSimulator.Options options;

    QwenGeneration(SimulatorKnobs knobs, QwenSimulator.Options options) {
        this.knobs = knobs;
        this.options = options;
    }

    void answer(JsonNode request, boolean sse, String requestId, ServerResponse res) {
        QwenPlan plan = QwenPlan.of(request, knobs.replyText().orElse(null));
        JsonNode parameters = request.path("parameters");
        boolean messageFormat = "message".equals(parameters.path("result_format").asText("text"));
        if (!sse) {
            ObjectNode message = QwenWire.message(plan.text() == null ? "" : plan.text());
            if (plan.toolCall() != null) {
                QwenWire.toolCall(message, plan.toolCall().id(), plan.toolCall().name(), plan.toolCall().arguments());
            }
            res.header("Content-Type", "application/json");
            res.send(QwenWire.answer(messageFormat, message, plan.toolCall() == null ? "stop" : "tool_calls",
                    plan.inputTokens(), plan.outputTokens(), plan.reasoningTokens(), requestId).toString());
            return;
        }
        res.header("Content-Type", "text/event-stream;charset=UTF-8");
        res.header("Cache-Control", "no-cache");
        boolean incremental = parameters.path("incremental_output").asBoolean(false);
        Run run = new Run(new SseOutput(res.outputStream()), plan, messageFormat, incremental, requestId);
        try {
            run.write();
        } catch (SseOutput.ClientGone gone) {
            knobs.streamCancelled();
        } catch (StreamEnded ended) {
            // the fault's error event is out; the stream ends here
        }
    }

    /** One stream being written. */
    private final class Run {
        private final SseOutput sse;
        private final QwenPlan plan;
        private final boolean messageFormat;
        private final boolean incremental;
        private final String requestId;
        private final StringBuilder reasoningSoFar = new StringBuilder();
        private final StringBuilder textSoFar = new StringBuilder();
        private int events;
        private int outputSoFar;

        Run(SseOutput sse, QwenPlan plan, boolean messageFormat, boolean incremental, String requestId) {
            this.sse = sse;
            this.plan = plan;
            this.messageFormat = messageFormat;
            this.incremental = incremental;
            this.requestId = requestId;
        }

        void write() {
            if (plan.reasoning() != null) {
                for (String piece : QwenPlan.chunks(plan.reasoning(), 1)) {
                    reasoningSoFar.append(piece);
                    outputSoFar++;
                    ObjectNode message = QwenWire.message("").put("reasoning_content",
                            incremental ? piece : reasoningSoFar.toString());
                    emit(message, "null");
                }
            }
            if (plan.toolCall() == null) {
                for (String piece : QwenPlan.chunks(plan.text(), knobs.wordsPerChunk())) {
                    textSoFar.append(piece);
                    outputSoFar += QwenPlan.words(piece);
                    emit(text(incremental ? piece : textSoFar.toString()), "null");
                }
                emit(text(incremental ? "" : textSoFar.toString()), "stop");
            } else {
                List<String> fragments = plan.toolCall().fragments();
                for (int i = 0; i < fragments.size(); i++) {
                    outputSoFar++;
                    ObjectNode message = QwenWire.message("");
                    QwenWire.toolCall(message, i == 0 ? plan.toolCall().id() : "",
                            i == 0 ? plan.toolCall().name() : null, fragments.get(i));
                    emit(message, "null");
                }
                emit(QwenWire.message(""), "tool_calls");
            }
        }

        private ObjectNode text(String content) {
            ObjectNode message = QwenWire.message(content);
            if (plan.reasoning() != null) {
                message.put("reasoning_content", "");
            }
            return message;
        }

        /** One result event, after the configured pause and any fault due at this point of the stream. */
        private void emit(ObjectNode message, String finishReason) {
            if (events > 0) {
                knobs.pauseBeforeEvent();
            }
            if (events == knobs.dropAfterEvents()) {
                throw new DroppedConnection();
            }
            if (events == knobs.errorEventAfter()) {
                sse.raw(QwenWire.errorEvent(events + 1, 500, "InternalError",
                        "An internal error has occured, please try again later or contact service support.", requestId));
                throw new StreamEnded();
            }
            if (events == options.contentFilterAfter()) {
                sse.raw(QwenWire.errorEvent(events + 1, 400, "DataInspectionFailed",
                        "Output data may contain inappropriate content.", requestId));
                throw new StreamEnded();
            }
            events++;
            sse.raw(QwenWire.resultEvent(events, QwenWire.answer(messageFormat, message, finishReason,
                    plan.inputTokens(), outputSoFar, Math.min(outputSoFar, plan.reasoningTokens()), requestId)));
        }
    }

    /** Thrown out of the handler mid-stream: Helidon then cuts the connection without the final empty chunk. */
    private static final class DroppedConnection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DroppedConnection() {
            super("simulated connection drop", null, false, false);
        }
    }

    /** An error event ended the stream on purpose. */
    private static final class StreamEnded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamEnded() {
            super(null, null, false, false);
        }
    }
}
