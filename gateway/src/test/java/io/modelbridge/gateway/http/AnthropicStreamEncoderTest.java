package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic answer's parts the simulators do not produce: text then several calls, a named stop sequence (vLLM),
 * and the thinking and cache fields block by block.
 */
class AnthropicStreamEncoderTest {
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> events = new ArrayList<>();
    private final AnthropicStreamEncoder encoder = new AnthropicStreamEncoder(
            new AnthropicMessageEncoder(json, "msg_test", "alias"), new AnthropicErrors(json), 12);

    @Test
    void textThenTwoToolCallsAreThreeBlocksInOrder() throws Exception {
        feed(new ChatChunk.TextDelta(0, "Let me look."),
                new ChatChunk.ToolCallDelta(0, 0, "call_a", "weather", "{\"city\":"),
                new ChatChunk.ToolCallDelta(0, 0, null, null, "\"Paris\"}"),
                new ChatChunk.ToolCallDelta(0, 1, "call_b", "time", "{}"),
                new ChatChunk.TextDelta(1, "another choice: left out"),
                new ChatChunk.ReasoningDelta(0, "thinking: left out"),
                new ChatChunk.Finish(0, FinishReason.TOOL_CALLS));
        encoder.end(Usage.of(12, 7), e -> events.add(new String(e, StandardCharsets.UTF_8)));
        assertEquals(List.of(
                "message_start", "content_block_start 0 text", "content_block_delta 0 text_delta Let me look.",
                "content_block_stop 0", "content_block_start 1 tool_use", "content_block_delta 1 input_json_delta {\"city\":",
                "content_block_delta 1 input_json_delta \"Paris\"}", "content_block_stop 1",
                "content_block_start 2 tool_use", "content_block_delta 2 input_json_delta {}", "content_block_stop 2",
                "message_delta tool_use", "message_stop"), summaries());
        assertEquals("call_b", data(8).at("/content_block/id").asText());
        assertEquals(12, data(0).at("/message/usage/input_tokens").asInt());
        assertEquals(7, data(11).at("/usage/output_tokens").asInt());
    }

    /** Asked for thinking, reasoning text is a thinking block before the text, closed by its signature. */
    @Test
    void reasoningIsAThinkingBlockWhenTheRequestAskedForThinking() throws Exception {
        AnthropicStreamEncoder thinking = new AnthropicStreamEncoder(new AnthropicMessageEncoder(json, "msg_test",
                "alias", true, List.of()), new AnthropicErrors(json), 12);
        feed(thinking, new ChatChunk.ReasoningDelta(0, "Hmm, "), new ChatChunk.ReasoningDelta(0, "Paris."),
                new ChatChunk.TextDelta(0, "Paris"), new ChatChunk.Finish(0, FinishReason.STOP));
        thinking.end(Usage.of(12, 7), e -> events.add(new String(e, StandardCharsets.UTF_8)));
        assertEquals(List.of("message_start", "content_block_start 0 thinking",
                "content_block_delta 0 thinking_delta Hmm, ", "content_block_delta 0 thinking_delta Paris.",
                "content_block_delta 0 signature_delta ", "content_block_stop 0", "content_block_start 1 text",
                "content_block_delta 1 text_delta Paris", "content_block_stop 1", "message_delta end_turn",
                "message_stop"), summaries());
        assertEquals("", data(1).at("/content_block/thinking").asText(), events.get(1));
    }

    /**
     * The stop sequence is named when the upstream says which it stopped on (vLLM's choice field stop_reason), and
     * only if the request sent it; usage splits the prompt into uncached input and cache reads.
     */
    @Test
    void aNamedStopSequenceAndCacheReadsReachMessageDelta() throws Exception {
        AnthropicStreamEncoder stops = new AnthropicStreamEncoder(new AnthropicMessageEncoder(json, "msg_test",
                "alias", false, List.of("END", "STOP")), new AnthropicErrors(json), 12);
        feed(stops, new ChatChunk.TextDelta(0, "one two"),
                new ChatChunk.Fields(0, Map.of(), Map.of("stop_reason", "STOP"), Map.of()),
                new ChatChunk.Finish(0, FinishReason.STOP));
        stops.end(Usage.of(12, 7, 8, null), e -> events.add(new String(e, StandardCharsets.UTF_8)));
        JsonNode delta = data(events.size() - 2);
        assertEquals("stop_sequence", delta.at("/delta/stop_reason").asText(), delta.toString());
        assertEquals("STOP", delta.at("/delta/stop_sequence").asText(), delta.toString());
        assertEquals(4, delta.at("/usage/input_tokens").asInt(), delta.toString());
        assertEquals(8, delta.at("/usage/cache_read_input_tokens").asInt(), delta.toString());
        assertEquals(0, delta.at("/usage/cache_creation_input_tokens").asInt(), delta.toString());
        assertEquals(7, delta.at("/usage/output_tokens").asInt(), delta.toString());
        assertEquals(0, data(0).at("/message/usage/cache_read_input_tokens").asInt(), events.getFirst());
    }

    @Test
    void aStopStringTheRequestDidNotSendIsNoStopSequence() throws Exception {
        AnthropicStreamEncoder stops = new AnthropicStreamEncoder(new AnthropicMessageEncoder(json, "msg_test",
                "alias", false, List.of("END")), new AnthropicErrors(json), 12);
        feed(stops, new ChatChunk.TextDelta(0, "one"),
                new ChatChunk.Fields(0, Map.of(), Map.of("stop_reason", "<|eot|>"), Map.of()),
                new ChatChunk.Finish(0, FinishReason.STOP));
        stops.end(Usage.of(12, 7), e -> events.add(new String(e, StandardCharsets.UTF_8)));
        JsonNode delta = data(events.size() - 2);
        assertEquals("end_turn", delta.at("/delta/stop_reason").asText(), delta.toString());
        assertTrue(delta.at("/delta/stop_sequence").isNull(), delta.toString());
    }

    /** The whole message: thinking, text, the named stop sequence and the cache split, as the stream has them. */
    @Test
    void aWholeMessageHasThinkingStopSequenceAndCacheReads() throws Exception {
        AnthropicMessageEncoder whole = new AnthropicMessageEncoder(json, "msg_test", "alias", true, List.of("END"));
        ChatResponse response = new ChatResponse("up", List.of(new ChatResponse.Choice(0,
                new Message("assistant", List.of(new ContentPart.Text("Paris")), null, List.of(), null, "Hmm."),
                FinishReason.STOP, Map.of("stop_reason", "END"))), Usage.of(10, 3), Map.of());
        JsonNode message = json.readTree(whole.message(response, Usage.of(10, 3, 4, null)));
        assertEquals("thinking", message.at("/content/0/type").asText(), message.toString());
        assertEquals("Hmm.", message.at("/content/0/thinking").asText());
        assertEquals("", message.at("/content/0/signature").asText());
        assertEquals("Paris", message.at("/content/1/text").asText());
        assertEquals("stop_sequence", message.get("stop_reason").asText());
        assertEquals("END", message.get("stop_sequence").asText());
        assertEquals(6, message.at("/usage/input_tokens").asInt());
        assertEquals(4, message.at("/usage/cache_read_input_tokens").asInt());
        assertEquals(0, message.at("/usage/cache_creation_input_tokens").asInt());

        JsonNode unasked = json.readTree(new AnthropicMessageEncoder(json, "msg_test", "alias")
                .message(response, Usage.of(10, 3)));
        assertEquals("text", unasked.at("/content/0/type").asText(), "no thinking unless asked: " + unasked);
        assertEquals("end_turn", unasked.get("stop_reason").asText(), "END is not one of its stop sequences");
    }

    @Test
    void aFailureIsOneErrorEvent() throws Exception {
        feed(new ChatChunk.TextDelta(0, "Hel"));
        encoder.fail(ApiError.serverError(503, "upstream_unavailable", "gone"),
                e -> events.add(new String(e, StandardCharsets.UTF_8)));
        assertEquals("error", events.getLast().lines().findFirst().orElseThrow().substring(7));
        assertEquals("overloaded_error", data(events.size() - 1).at("/error/type").asText());
    }

    private void feed(ChatChunk... chunks) {
        feed(encoder, chunks);
    }

    private void feed(AnthropicStreamEncoder encoder, ChatChunk... chunks) {
        for (ChatChunk chunk : chunks) {
            encoder.chunk(chunk, e -> events.add(new String(e, StandardCharsets.UTF_8)));
        }
    }

    private JsonNode data(int i) throws Exception {
        String event = events.get(i);
        assertEquals('\n', event.charAt(event.length() - 1));
        return json.readTree(event.lines().toList().get(1).substring(6));
    }

    /** Each event as "name [index] [block type | delta type and text | stop reason]". */
    private List<String> summaries() throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode d = data(i);
            String name = events.get(i).lines().findFirst().orElseThrow().substring(7);
            assertEquals(name, d.get("type").asText());
            out.add(switch (name) {
                case "content_block_start" -> name + " " + d.get("index") + " " + d.at("/content_block/type").asText();
                case "content_block_delta" -> name + " " + d.get("index") + " " + d.at("/delta/type").asText() + " "
                        + d.at("/delta").path(switch (d.at("/delta/type").asText()) {
                            case "text_delta" -> "text";
                            case "thinking_delta" -> "thinking";
                            case "signature_delta" -> "signature";
                            default -> "partial_json";
                        }).asText();
                case "content_block_stop" -> name + " " + d.get("index");
                case "message_delta" -> name + " " + d.at("/delta/stop_reason").asText();
                default -> name;
            });
        }
        return out;
    }
}
