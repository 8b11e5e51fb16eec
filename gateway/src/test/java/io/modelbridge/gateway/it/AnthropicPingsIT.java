package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.AnthropicMessagesIT.ask;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anthropic's {@code ping} events while a stream is silent (MB_STREAM_PING_SECONDS, here 300 ms): before the
 * upstream's first token and between slow chunks; pings alone neither stop failover to the next channel nor bill
 * anything, and chat completions streams get none.
 */
@Tag("it")
@Timeout(120)
class AnthropicPingsIT {
    static final Duration PING = Duration.ofMillis(300);
    @TempDir
    static Path dataDir;
    static OpenAiSimulator first;
    static OpenAiSimulator second;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        first = OpenAiSimulator.start();
        second = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir, c -> RunningGateway.exposingRouting(
                c.withListener(c.listener().withEdge(c.listener().edge().withStreamPing(PING)))));
        api = new ApiCalls(gateway.api());
        channel("first", first);
        channel("second", second);
        ObjectNode duo = JSON.createObjectNode();
        duo.putArray("targets").add(target("first", 0)).add(target("second", 1));
        gateway.admin("PUT", "/aliases/duo", duo);
        ObjectNode solo = JSON.createObjectNode();
        solo.putArray("targets").add(target("first", 0));
        gateway.admin("PUT", "/aliases/solo", solo);
        key = gateway.userWithKey("pinged");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        first.close();
        second.close();
    }

    @AfterEach
    void heal() {
        first.reset();
        second.reset();
    }

    @Test
    void aSilentUpstreamGetsPingsBeforeTheFirstToken() {
        first.hangBeforeHeaders(Duration.ofMillis(1500));
        List<String> names = names(stream("solo", "/v1/messages", true));
        assertEquals("message_start", names.getFirst(), names.toString());
        int firstBlock = names.indexOf("content_block_start");
        long pings = names.subList(0, firstBlock).stream().filter("ping"::equals).count();
        assertTrue(pings >= 2, "1.5 s of silence at a 300 ms ping: " + names);
        assertEquals(1, names.stream().filter("message_start"::equals).count(), names.toString());
        assertEquals("message_stop", names.getLast(), names.toString());
    }

    @Test
    void slowChunksGetPingsBetweenThem() {
        first.chunkDelay(Duration.ofMillis(800));
        List<String> names = names(stream("solo", "/v1/messages", true));
        int firstDelta = names.indexOf("content_block_delta");
        int lastDelta = names.lastIndexOf("content_block_delta");
        assertTrue(names.subList(firstDelta, lastDelta).contains("ping"), names.toString());
        assertEquals("message_stop", names.getLast(), names.toString());
    }

    /** The first channel answers 500 after 1 s of silence (pings went out): the stream fails over to the second. */
    @Test
    void pingsDoNotStopFailover() {
        first.hangBeforeHeaders(Duration.ofMillis(1000));
        first.failNextServerError(1);
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/messages", null, ask("duo", "fail over", true)
                .toString(), "x-api-key", key, "anthropic-version", AnthropicMessagesIT.VERSION);
        List<Event> events = events(res);
        List<String> names = names(events);
        assertTrue(names.contains("ping"), names.toString());
        assertEquals("message_stop", names.getLast(), "served by the second channel: " + names);
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta"))
                .forEach(e -> text.append(e.data().at("/delta/text").asText()));
        assertEquals("echo: fail over", text.toString());
        JsonNode row = UsageRows.find(gateway, res.headers().firstValue("x-modelbridge-request-id").orElseThrow());
        assertEquals("second", row.get("channel").asText(), row.toString());
        assertEquals(200, row.get("status").asInt(), row.toString());
    }

    /** No channel left after pings: the stream ends with an error event, and nothing is billed. */
    @Test
    void pingsThenNoChannelLeftIsAnErrorEventUnbilled() {
        first.hangBeforeHeaders(Duration.ofMillis(1000));
        first.failNextServerError(1);
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/messages", null, ask("solo", "no luck", true)
                .toString(), "x-api-key", key, "anthropic-version", AnthropicMessagesIT.VERSION);
        List<Event> events = events(res);
        assertEquals(200, res.statusCode());
        assertEquals("error", events.getLast().name(), names(events).toString());
        assertEquals("api_error", events.getLast().data().at("/error/type").asText(), events.getLast().toString());
        JsonNode row = UsageRows.find(gateway, res.headers().firstValue("x-modelbridge-request-id").orElseThrow());
        assertEquals(0, row.get("prompt_tokens").asInt(), row.toString());
        assertEquals(0, row.get("completion_tokens").asInt(), row.toString());
        assertTrue(row.get("status").asInt() >= 500, row.toString());
    }

    @Test
    void chatCompletionStreamsGetNoPings() {
        first.hangBeforeHeaders(Duration.ofMillis(1000));
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key,
                ApiCalls.chat("solo", "quiet", true));
        assertEquals(200, res.statusCode());
        List<String> lines = res.body().filter(l -> !l.isEmpty()).toList();
        assertTrue(lines.stream().allMatch(l -> l.startsWith("data: ")), lines.toString());
    }

    record Event(String name, JsonNode data) {}

    private static List<Event> stream(String model, String path, boolean stream) {
        HttpResponse<Stream<String>> res = api.postStreaming(path, null, ask(model, "hello pings", stream).toString(),
                "x-api-key", key, "anthropic-version", AnthropicMessagesIT.VERSION);
        assertEquals(200, res.statusCode());
        return events(res);
    }

    private static List<Event> events(HttpResponse<Stream<String>> res) {
        List<Event> events = new ArrayList<>();
        Iterator<String> lines = res.body().iterator();
        String name = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event: ")) {
                name = line.substring(7);
            } else if (line.startsWith("data: ")) {
                events.add(new Event(name, ApiCalls.json(line.substring(6))));
            }
        }
        return events;
    }

    private static List<String> names(List<Event> events) {
        return events.stream().map(Event::name).toList();
    }

    private static void channel(String name, OpenAiSimulator sim) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", "openai")
                .put("credential", sim.apiKey()).put("base_url", sim.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
    }

    private static ObjectNode target(String channel, int priority) {
        return JSON.createObjectNode().put("channel", channel).put("model", "gpt-4o").put("priority", priority);
    }
}
