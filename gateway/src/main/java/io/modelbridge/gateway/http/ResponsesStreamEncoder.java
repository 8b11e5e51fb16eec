package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Responses API's typed event stream, {@code event: <type>} and {@code data: <json>} per event, each numbered by
 * {@code sequence_number}: response.created and response.in_progress, then per output item
 * response.output_item.added, its parts and deltas (output_text, reasoning_text or function_call_arguments, each with
 * its .done; a message's and a reasoning item's content part with response.content_part.added and .done, which the
 * OpenAI SDKs' stream accumulators need before the deltas) and response.output_item.done, then response.completed
 * (or response.incomplete when the output was cut off). Only the first choice is streamed. A failure after the stream began is response.failed with an error object.
 */
final class ResponsesStreamEncoder implements StreamEncoder {
    private enum Kind { NONE, REASONING, TEXT, CALL }

    private final ResponsesEncoder response;
    private final Consumer<ObjectNode> finished;
    private final ArrayNode output;
    private int sequence;
    private boolean started;
    private Kind open = Kind.NONE;
    private int openCall = -1;
    private String itemId;
    private String callId;
    private String callName;
    private final StringBuilder text = new StringBuilder();
    private FinishReason finish = FinishReason.STOP;

    /** @param finished told the final response object (completed or incomplete), e.g. to store it */
    ResponsesStreamEncoder(ResponsesEncoder response, Consumer<ObjectNode> finished) {
        this.response = response;
        this.finished = finished;
        this.output = response.json().createArrayNode();
    }

    @Override
    public void chunk(ChatChunk chunk, Consumer<byte[]> out) {
        switch (chunk) {
            case ChatChunk.TextDelta t when t.index() == 0 && !t.text().isEmpty() -> {
                if (open != Kind.TEXT) {
                    openMessage(out);
                }
                text.append(t.text());
                out.accept(frame(itemEvent("response.output_text.delta").put("content_index", 0)
                        .put("delta", t.text()).set("logprobs", response.json().createArrayNode())));
            }
            case ChatChunk.ReasoningDelta r when r.index() == 0 && !r.text().isEmpty() -> {
                if (open != Kind.REASONING) {
                    openItem(Kind.REASONING, ResponsesEncoder.newId("rs_"), out);
                    ObjectNode item = response.json().createObjectNode().put("id", itemId).put("type", "reasoning");
                    item.putArray("summary");
                    item.putArray("content");
                    added(item, out);
                    out.accept(frame(itemEvent("response.content_part.added").put("content_index", 0)
                            .set("part", response.reasoningText(""))));
                }
                text.append(r.text());
                out.accept(frame(itemEvent("response.reasoning_text.delta").put("content_index", 0)
                        .put("delta", r.text())));
            }
            case ChatChunk.ToolCallDelta tc when tc.index() == 0 -> {
                if (open != Kind.CALL || openCall != tc.callIndex()) {
                    openItem(Kind.CALL, ResponsesEncoder.newId("fc_"), out);
                    openCall = tc.callIndex();
                    callId = ResponsesEncoder.callId(tc.id());
                    callName = tc.name() == null ? "" : tc.name();
                    added(response.functionCallItem(itemId, "in_progress", callId, callName, ""), out);
                }
                String fragment = tc.argumentsFragment();
                if (fragment != null && !fragment.isEmpty()) {
                    text.append(fragment);
                    out.accept(frame(itemEvent("response.function_call_arguments.delta").put("delta", fragment)));
                }
            }
            case ChatChunk.Finish f when f.index() == 0 && f.reason() != null -> finish = f.reason();
            default -> { } // other choices, the upstream's extra fields and usage report (the tally keeps it)
        }
    }

    @Override
    public void end(Usage usage, Consumer<byte[]> out) {
        begin(out);
        if (open == Kind.NONE && output.isEmpty()) {
            openMessage(out); // an answer with no text still has its (empty) message, as a whole answer does
        }
        close(out);
        ObjectNode done = response.finished(output, finish, usage);
        String type = "completed".equals(done.get("status").asText()) ? "response.completed" : "response.incomplete";
        finished.accept(done); // before the client hears of it: it may continue the response at once
        out.accept(frame(event(type).set("response", done)));
    }

    @Override
    public void fail(ApiError error, Consumer<byte[]> out) {
        begin(out);
        out.accept(frame(event("response.failed").set("response", response.failed(output, error))));
    }

    private void begin(Consumer<byte[]> out) {
        if (!started) {
            started = true;
            out.accept(frame(event("response.created").set("response", response.inProgress())));
            out.accept(frame(event("response.in_progress").set("response", response.inProgress())));
        }
    }

    private void openMessage(Consumer<byte[]> out) {
        openItem(Kind.TEXT, ResponsesEncoder.newId("msg_"), out);
        added(response.messageItem(itemId, "in_progress", List.of()), out);
        out.accept(frame(itemEvent("response.content_part.added").put("content_index", 0)
                .set("part", response.outputText(""))));
    }

    private void openItem(Kind kind, String id, Consumer<byte[]> out) {
        begin(out);
        close(out);
        open = kind;
        itemId = id;
        text.setLength(0);
    }

    private void added(ObjectNode item, Consumer<byte[]> out) {
        out.accept(frame(event("response.output_item.added").put("output_index", output.size()).set("item", item)));
    }

    /** The open item's closing events; the item joins the output. */
    private void close(Consumer<byte[]> out) {
        String all = text.toString();
        ObjectNode item = switch (open) {
            case NONE -> null;
            case TEXT -> {
                out.accept(frame(itemEvent("response.output_text.done").put("content_index", 0).put("text", all)
                        .set("logprobs", response.json().createArrayNode())));
                out.accept(frame(itemEvent("response.content_part.done").put("content_index", 0)
                        .set("part", response.outputText(all))));
                yield response.messageItem(itemId, ResponsesEncoder.status(finish), List.of(response.outputText(all)));
            }
            case REASONING -> {
                out.accept(frame(itemEvent("response.reasoning_text.done").put("content_index", 0).put("text", all)));
                out.accept(frame(itemEvent("response.content_part.done").put("content_index", 0)
                        .set("part", response.reasoningText(all))));
                yield response.reasoningItem(itemId, all);
            }
            case CALL -> {
                out.accept(frame(itemEvent("response.function_call_arguments.done").put("name", callName)
                        .put("arguments", all)));
                yield response.functionCallItem(itemId, "completed", callId, callName, all);
            }
        };
        if (item != null) {
            out.accept(frame(event("response.output_item.done").put("output_index", output.size()).set("item", item)));
            output.add(item);
        }
        open = Kind.NONE;
        openCall = -1;
    }

    private ObjectNode event(String type) {
        return response.json().createObjectNode().put("type", type).put("sequence_number", sequence++);
    }

    /** An event about the open item: its id and place in the output. */
    private ObjectNode itemEvent(String type) {
        return event(type).put("item_id", itemId).put("output_index", output.size());
    }

    /** {@code event: <type>\ndata: <json>\n\n} */
    private byte[] frame(ObjectNode data) {
        byte[] head = ("event: " + data.get("type").asText() + "\ndata: ").getBytes(StandardCharsets.US_ASCII);
        byte[] json = response.bytes(data);
        byte[] event = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, event, 0, head.length);
        System.arraycopy(json, 0, event, head.length, json.length);
        event[event.length - 2] = '\n';
        event[event.length - 1] = '\n';
        return event;
    }
}
