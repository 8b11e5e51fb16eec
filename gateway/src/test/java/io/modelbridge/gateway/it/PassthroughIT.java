package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal-rewrite passthrough through the openai plugin, over real sockets: a request that needs no translation
 * reaches the upstream as the client's bytes with only the model replaced; a whole answer reaches the client as the
 * upstream's bytes with only id, created and model replaced, and so do a stream's events once their choice has opened;
 * and every case where the plugin's writer or the gateway's encoder would say something else still goes through them.
 */
@Timeout(120)
class PassthroughIT {
    /** An answer in an order of its own, with numbers as written and usage details the encoder would drop. */
    static final String ANSWER = "{\"object\":\"chat.completion\",\"model\":\"gpt-4o-2024-08-06\",\"id\":\"chatcmpl-up1\","
            + "\"created\":1700000000,\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"message\":{\"content\":"
            + "\"Hi \\u00e9\",\"role\":\"assistant\",\"refusal\":null},\"logprobs\":null}],\"usage\":{\"total_tokens\":11,"
            + "\"prompt_tokens\":9,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":0,"
            + "\"audio_tokens\":0}},\"x_score\":1e2,\"system_fingerprint\":\"fp_1\"}";
    /** A stream's events in an order of their own, with a field the encoder knows nothing of and OpenAI's usage. */
    static final String STREAM_HEAD = "{\"model\":\"gpt-4o-2024-08-06\",\"object\":\"chat.completion.chunk\","
            + "\"id\":\"chatcmpl-up2\",\"created\":1700000000,";
    static final String[] STREAM = {
        STREAM_HEAD + "\"choices\":[{\"delta\":{\"content\":\"\",\"role\":\"assistant\"},\"index\":0,"
                + "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"a1\"}",
        STREAM_HEAD + "\"choices\":[{\"delta\":{\"content\":\"Hi \\u00e9\"},\"logprobs\":null,\"index\":0,"
                + "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"b22\"}",
        STREAM_HEAD + "\"choices\":[{\"delta\":{\"content\":\" there\"},\"logprobs\":null,\"index\":0,"
                + "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"c333\"}",
        STREAM_HEAD + "\"choices\":[{\"delta\":{},\"logprobs\":null,\"index\":0,\"finish_reason\":\"stop\"}],"
                + "\"usage\":null,\"obfuscation\":\"d4\"}",
        STREAM_HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}"};
    static final String MESSAGES = "\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}]";
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir, RunningGateway::exposingRouting);
        api = new ApiCalls(gateway.api());
        gateway.admin("POST", "/channels", channel("sim", null));
        gateway.admin("POST", "/channels", channel("sim-completion-tokens", "max_completion_tokens"));
        gateway.alias("pt", "sim", "gpt-4o");
        gateway.alias("pt-completion-tokens", "sim-completion-tokens", "gpt-4o");
        key = gateway.userWithKey("passthrough");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void healUpstream() {
        upstream.reset();
    }

    static ObjectNode channel(String name, String tokenField) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        if (tokenField != null) {
            channel.putObject("extras").put("max-tokens-field", tokenField);
        }
        return channel;
    }

    @Test
    void theUpstreamGetsTheClientsBytesWithOnlyTheModelReplaced() {
        String client = "{ \"temperature\":1.0,\"x_vendor\":{\"k\":[1e2,1.50,null]}," + MESSAGES + ",\"model\" : \"pt\","
                + "\"top_p\":1e-1,\"max_tokens\":64,\"stop\":\"END\",\"user\":\"u1\" }";
        HttpResponse<String> res = api.chatOk(key, client);
        assertEquals(client.replace("\"pt\"", "\"gpt-4o\""), upstream.lastRequest().body());
        assertEquals("pt", json(res.body()).path("model").asText());
        assertTrue(res.headers().firstValue("x-request-id").isPresent());
    }

    @Test
    void theClientGetsTheUpstreamsBytesWithOnlyIdCreatedAndModelReplaced() {
        upstream.failNextWithBody(1, 200, "application/json", ANSWER);
        HttpResponse<String> res = api.chatOk(key, "{\"model\":\"pt\"," + MESSAGES + "}");
        JsonNode answer = json(res.body());
        String id = answer.path("id").asText();
        long created = answer.path("created").asLong();
        assertTrue(id.startsWith("chatcmpl-") && !id.equals("chatcmpl-up1"), id);
        assertTrue(Math.abs(created - System.currentTimeMillis() / 1000) < 600, res.body());
        assertEquals(ANSWER.replace("\"chatcmpl-up1\"", "\"" + id + "\"").replace("1700000000", Long.toString(created))
                .replace("\"gpt-4o-2024-08-06\"", "\"pt\""), res.body());
        assertEquals("sim", res.headers().firstValue("x-modelbridge-channel").orElseThrow());
    }

    @Test
    void toolsGoThroughThePluginsWriter() {
        String client = "{\"x_vendor\":1e2," + MESSAGES + ",\"model\":\"pt\",\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"f\"}}]}";
        api.chatOk(key, client);
        String sent = upstream.lastRequest().body();
        assertTrue(sent.startsWith("{\"model\":\"gpt-4o\",\"messages\":"), sent);
        assertTrue(sent.contains("\"x_vendor\":100.0"), sent);
    }

    @Test
    void aTokenLimitUnderAnotherNameThanTheChannelsGoesThroughThePluginsWriter() {
        api.chatOk(key, "{\"model\":\"pt-completion-tokens\",\"max_tokens\":7," + MESSAGES + "}");
        JsonNode sent = upstream.lastRequest().json();
        assertEquals(7, sent.path("max_completion_tokens").asInt(), sent.toString());
        assertFalse(sent.has("max_tokens"), sent.toString());
        String same = "{\"model\":\"pt-completion-tokens\",\"max_completion_tokens\":7," + MESSAGES + "}";
        api.chatOk(key, same);
        assertEquals(same.replace("\"pt-completion-tokens\"", "\"gpt-4o\""), upstream.lastRequest().body());
    }

    @Test
    void anAnswerWithToolCallsIsEncodedByTheGateway() {
        upstream.failNextWithBody(1, 200, "application/json", ANSWER.replace(
                "\"content\":\"Hi \\u00e9\",", "\"content\":null,\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}],"));
        HttpResponse<String> res = api.chatOk(key, "{\"model\":\"pt\"," + MESSAGES + "}");
        assertTrue(res.body().startsWith("{\"id\":\"chatcmpl-"), res.body());
        assertTrue(res.body().contains("\"x_score\":100.0"), res.body());
        assertEquals("f", json(res.body()).at("/choices/0/message/tool_calls/0/function/name").asText());
    }

    @Test
    void theClassicProfileIsEncodedByTheGateway() {
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "passthrough-classic"));
        String classic = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "passthrough-classic")
                .put("response_profile", "classic")).path("key").asText();
        upstream.failNextWithBody(1, 200, "application/json", ANSWER);
        JsonNode answer = json(api.chatOk(classic, "{\"model\":\"pt\"," + MESSAGES + "}").body());
        assertFalse(answer.has("system_fingerprint"), answer.toString());
        assertFalse(answer.has("x_score"), answer.toString());
        assertEquals("Hi \u00e9", answer.at("/choices/0/message/content").asText());
    }

    @Test
    void aStreamGoesWithTheClientsBytesAndUsageAskedFor() {
        String client = "{\"model\":\"pt\",\"stream\":true," + MESSAGES + "}";
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, client);
        assertEquals(200, res.statusCode());
        boolean[] done = new boolean[1];
        List<JsonNode> events = ApiCalls.sseEvents(res.body().iterator(), done);
        assertTrue(done[0], events.toString());
        assertEquals("echo: hi", ApiCalls.text(events));
        assertTrue(events.stream().noneMatch(e -> e.has("usage")), "the client did not ask for usage: " + events);
        assertEquals("{\"stream_options\":{\"include_usage\":true},\"model\":\"gpt-4o\",\"stream\":true," + MESSAGES + "}",
                upstream.lastRequest().body());
        assertNotEquals(client, upstream.lastRequest().body());
    }

    @Test
    void aStreamsEventsReachTheClientAsTheUpstreamWroteThemOnceTheirChoiceOpened() {
        List<String> sent = streamed("{\"model\":\"pt\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + MESSAGES + "}");
        List<JsonNode> events = sent.stream().filter(line -> !line.equals("[DONE]")).map(ApiCalls::json).toList();
        String id = events.getFirst().path("id").asText();
        long created = events.getFirst().path("created").asLong();
        assertTrue(id.startsWith("chatcmpl-") && !id.equals("chatcmpl-up2"), id);
        assertTrue(events.stream().allMatch(e -> e.path("id").asText().equals(id)
                && e.path("created").asLong() == created && e.path("model").asText().equals("pt")), events.toString());
        assertEquals("Hi \u00e9 there", ApiCalls.text(events));
        for (int i = 2; i <= 3; i++) { // the opening and the first text are the encoder's: it writes the role apart
            assertTrue(sent.contains(asTheGatewaySays(STREAM[i], id, created)), i + " not relayed in " + sent);
        }
        assertEquals(12, events.getLast().at("/usage/total_tokens").asInt(), events.getLast().toString());
        assertEquals("[DONE]", sent.getLast());
    }

    @Test
    void aStreamsRelayedEventsLeaveOutTheUsageTheClientDidNotAskFor() {
        List<String> sent = streamed("{\"model\":\"pt\",\"stream\":true," + MESSAGES + "}");
        List<JsonNode> events = sent.stream().filter(line -> !line.equals("[DONE]")).map(ApiCalls::json).toList();
        assertTrue(events.stream().noneMatch(e -> e.has("usage")), "the client did not ask for usage: " + events);
        assertEquals("Hi \u00e9 there", ApiCalls.text(events));
        String id = events.getFirst().path("id").asText();
        long created = events.getFirst().path("created").asLong();
        for (int i = 2; i <= 3; i++) {
            String relayed = asTheGatewaySays(STREAM[i], id, created).replace(",\"usage\":null", "");
            assertTrue(sent.contains(relayed), i + " not relayed in " + sent);
        }
    }

    /** The data of each event the client got for {@link #STREAM}, in order. */
    private static List<String> streamed(String client) {
        StringBuilder body = new StringBuilder();
        for (String event : STREAM) {
            body.append("data: ").append(event).append("\n\n");
        }
        upstream.failNextWithBody(1, 200, "text/event-stream", body.append("data: [DONE]\n\n").toString());
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, client);
        assertEquals(200, res.statusCode());
        return res.body().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
    }

    private static String asTheGatewaySays(String event, String id, long created) {
        return event.replace("\"chatcmpl-up2\"", "\"" + id + "\"").replace("1700000000", Long.toString(created))
                .replace("\"gpt-4o-2024-08-06\"", "\"pt\"");
    }
}
