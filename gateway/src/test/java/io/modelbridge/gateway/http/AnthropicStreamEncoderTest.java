package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Anthropic event stream's block bookkeeping for what the simulators do not produce: text then several calls. */
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

    @Test
    void aFailureIsOneErrorEvent() throws Exception {
        feed(new ChatChunk.TextDelta(0, "Hel"));
        encoder.fail(ApiError.serverError(503, "upstream_unavailable", "gone"),
                e -> events.add(new String(e, StandardCharsets.UTF_8)));
        assertEquals("error", events.getLast().lines().findFirst().orElseThrow().substring(7));
        assertEquals("overloaded_error", data(events.size() - 1).at("/error/type").asText());
    }

    private void feed(ChatChunk... chunks) {
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
                        + d.at("/delta").path(d.at("/delta/type").asText().equals("text_delta") ? "text" : "partial_json").asText();
                case "content_block_stop" -> name + " " + d.get("index");
                case "message_delta" -> name + " " + d.at("/delta/stop_reason").asText();
                default -> name;
            });
        }
        return out;
    }
}
