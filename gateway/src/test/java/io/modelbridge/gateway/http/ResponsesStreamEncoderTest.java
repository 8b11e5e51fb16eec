package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Usage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Responses event stream and object for what the simulators do not produce: text then two calls in one answer, and
 * an answer cut off by max_output_tokens (status incomplete).
 */
class ResponsesStreamEncoderTest {
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> events = new ArrayList<>();
    private final ResponsesEncoder response = new ResponsesEncoder(json, 1_700_000_000L, "alias", echo());
    private final ResponsesStreamEncoder encoder = new ResponsesStreamEncoder(response, done -> { });

    @Test
    void textThenTwoFunctionCallsAreThreeItemsInOrder() throws Exception {
        feed(new ChatChunk.TextDelta(0, "Let me look."),
                new ChatChunk.ToolCallDelta(0, 0, "call_a", "weather", "{\"city\":"),
                new ChatChunk.ToolCallDelta(0, 0, null, null, "\"Paris\"}"),
                new ChatChunk.ToolCallDelta(0, 1, "call_b", "time", "{}"),
                new ChatChunk.TextDelta(1, "another choice: left out"),
                new ChatChunk.Finish(0, FinishReason.TOOL_CALLS));
        encoder.end(Usage.of(12, 7), e -> events.add(new String(e, StandardCharsets.UTF_8)));
        assertEquals(List.of("response.created", "response.in_progress",
                "response.output_item.added 0", "response.content_part.added 0", "response.output_text.delta 0",
                "response.output_text.done 0", "response.content_part.done 0", "response.output_item.done 0",
                "response.output_item.added 1", "response.function_call_arguments.delta 1",
                "response.function_call_arguments.delta 1", "response.function_call_arguments.done 1",
                "response.output_item.done 1",
                "response.output_item.added 2", "response.function_call_arguments.delta 2",
                "response.function_call_arguments.done 2", "response.output_item.done 2",
                "response.completed"), summaries());
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i, data(i).get("sequence_number").asInt());
        }
        assertEquals("call_b", data(13).at("/item/call_id").asText());
        assertEquals("{\"city\":\"Paris\"}", data(11).get("arguments").asText());
        JsonNode done = data(events.size() - 1).get("response");
        assertEquals("completed", done.get("status").asText());
        assertEquals(3, done.get("output").size());
        assertEquals(19, done.at("/usage/total_tokens").asInt());
    }

    @Test
    void anAnswerCutOffByMaxOutputTokensIsIncomplete() throws Exception {
        feed(new ChatChunk.TextDelta(0, "Once upon a"), new ChatChunk.Finish(0, FinishReason.LENGTH));
        encoder.end(Usage.of(5, 16), e -> events.add(new String(e, StandardCharsets.UTF_8)));
        assertEquals("response.incomplete", summaries().getLast());
        JsonNode streamed = data(events.size() - 1).get("response");
        assertEquals("incomplete", streamed.get("status").asText());
        assertEquals("max_output_tokens", streamed.at("/incomplete_details/reason").asText());
        assertEquals("incomplete", streamed.at("/output/0/status").asText());

        JsonNode whole = response.response(new ChatResponse(null, List.of(new ChatResponse.Choice(0,
                Message.of("assistant", "Once upon a"), FinishReason.LENGTH)), null), Usage.of(5, 16));
        assertEquals("incomplete", whole.get("status").asText());
        assertEquals("max_output_tokens", whole.at("/incomplete_details/reason").asText());
        assertEquals("incomplete", whole.at("/output/0/status").asText());
        assertEquals(50, whole.get("max_output_tokens").asInt(), "echoed");
    }

    private ObjectNode echo() {
        ObjectNode echo = json.createObjectNode().putNull("instructions").put("max_output_tokens", 50);
        echo.putNull("temperature").putNull("top_p").put("tool_choice", "auto").put("parallel_tool_calls", true);
        echo.putArray("tools");
        echo.putObject("text").putObject("format").put("type", "text");
        echo.putObject("reasoning").putNull("effort").putNull("summary");
        echo.putNull("previous_response_id").put("store", false).putNull("user");
        echo.putObject("metadata");
        return echo;
    }

    private void feed(ChatChunk... chunks) {
        for (ChatChunk chunk : chunks) {
            encoder.chunk(chunk, e -> events.add(new String(e, StandardCharsets.UTF_8)));
        }
    }

    private JsonNode data(int i) throws Exception {
        String event = events.get(i);
        return json.readTree(event.substring(event.indexOf("data: ") + 6));
    }

    /** Each event's type, with its output_index where it has one. */
    private List<String> summaries() throws Exception {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = data(i);
            String type = events.get(i).lines().findFirst().orElseThrow().substring(7);
            assertEquals(type, data.get("type").asText());
            out.add(data.has("output_index") ? type + " " + data.get("output_index").asInt() : type);
        }
        return out;
    }
}
