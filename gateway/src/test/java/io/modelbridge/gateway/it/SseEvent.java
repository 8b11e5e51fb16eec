package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/** One named server-sent event of a JSON stream (Anthropic Messages, OpenAI Responses). */
record SseEvent(String name, JsonNode data) {

    /** The events of an SSE body, each checked to name its data's {@code type} on its event line. */
    static List<SseEvent> parseTyped(Stream<String> lines) {
        List<SseEvent> events = new ArrayList<>();
        String name = null;
        for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
            String line = it.next();
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                JsonNode data = json(line.substring(6));
                assertEquals(name, data.get("type").asText(), "the event line names the data's type");
                events.add(new SseEvent(name, data));
            }
        }
        return events;
    }
}
