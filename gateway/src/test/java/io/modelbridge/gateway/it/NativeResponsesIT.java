package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.WebSearchTool;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels marked {@code responses_api: native}: POST /v1/responses reaches an upstream that serves the Responses API
 * itself ({@link NativeResponsesUpstream}, real sockets) as the client sent it, whole and streamed, billed from the
 * upstream's usage, stored by the gateway, limited as any call; a translated channel (the OpenAI simulator) still
 * refuses what chat cannot carry.
 */
@Tag("it")
@Timeout(120)
class NativeResponsesIT {
    @TempDir
    static Path dataDir;
    static NativeResponsesUpstream upstream;
    static OpenAiSimulator simulator;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        upstream = new NativeResponsesUpstream();
        simulator = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        gateway.admin("POST", "/channels", channel("up", upstream.baseUri().toString(), "sk-native", "gpt-4.1")
                .put("responses_api", "native"));
        gateway.admin("POST", "/channels", channel("sim", simulator.baseUri().toString(), simulator.apiKey(), "gpt-4o"));
        alias("native", "up", "gpt-4.1");
        alias("translated", "sim", "gpt-4o");
        ObjectNode mixed = JSON.createObjectNode();
        mixed.putArray("targets").add(target("up", "gpt-4.1", 0)).add(target("sim", "gpt-4o", 1));
        gateway.admin("PUT", "/aliases/mixed", mixed);
        key = gateway.userWithKey("native-user");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        simulator.close();
        upstream.close();
    }

    @Test
    void aBuiltInToolAndAnUnknownFieldReachANativeChannelAsSentAndTheAnswerIsBilledStoredAndReadable() {
        HttpResponse<String> res = responses(withBuiltInTool(ask("native", false)));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode sent = upstream.last();
        assertEquals(JSON.createArrayNode().add(JSON.createObjectNode().put("type", "web_search")), sent.get("tools"));
        assertEquals(JSON.createObjectNode().put("depth", 2), sent.get("future_field"), sent.toString());
        assertEquals("hi there", sent.get("input").asText());
        assertEquals("gpt-4.1", sent.get("model").asText(), "the channel's upstream model");
        assertFalse(sent.get("store").asBoolean(), "the upstream keeps nothing: the gateway stores");

        JsonNode body = json(res.body());
        assertEquals("resp_native" + upstream.received().size(), body.get("id").asText(), "the upstream's id");
        assertEquals("native", body.get("model").asText(), "the model as the client named it");
        assertTrue(body.get("store").asBoolean(), res.body());
        assertEquals("native answer", body.at("/output/0/content/0/text").asText());
        assertBilledFromUpstreamUsage(res);

        HttpResponse<String> stored = api.get("/v1/responses/" + body.get("id").asText(), key);
        assertEquals(200, stored.statusCode(), stored.body());
        assertEquals(body.get("output"), json(stored.body()).get("output"));
    }

    /** The official SDK (com.openai:openai-java, unmodified), a built-in tool, the response validated by the SDK. */
    @Test
    void theOpenAiSdkCreatesAResponseWithABuiltInToolOnANativeChannel() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.api() + "/v1").apiKey(key).maxRetries(0)
                .build();
        try {
            Response response = client.responses().create(ResponseCreateParams.builder().model("native")
                    .input("hi there").addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build())
                    .build());
            response.validate();
            assertEquals("native answer", response.output().getFirst().asMessage().content().getFirst()
                    .asOutputText().text());
            assertEquals("web_search", upstream.last().at("/tools/0/type").asText(), upstream.last().toString());
            assertEquals(NativeResponsesUpstream.OUTPUT, response.usage().orElseThrow().outputTokens());
        } finally {
            client.close();
        }
    }

    @Test
    void theSameRequestOnATranslatedChannelIsStillRefused() {
        int before = upstream.received().size();
        HttpResponse<String> res = responses(withBuiltInTool(ask("translated", false)));
        assertEquals(400, res.statusCode(), res.body());
        JsonNode error = json(res.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText(), res.body());
        assertTrue(error.has("param") && error.has("code"), res.body());
        assertEquals(before, upstream.received().size(), "nothing reached the native upstream");

        // refused before admission, as any bad request: it takes no rate-limit slot
        String limited = gateway.userWithKey("limited-translated");
        gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user")
                .put("subject", "limited-translated").put("rpm", 1));
        String untranslatable = withBuiltInTool(ask("translated", false)).toString();
        assertEquals(400, api.post("/v1/responses", limited, untranslatable).statusCode());
        assertEquals(400, api.post("/v1/responses", limited, untranslatable).statusCode());
        HttpResponse<String> served = api.post("/v1/responses", limited, ask("translated", false).toString());
        assertEquals(200, served.statusCode(), served.body());
    }

    @Test
    void aStreamIsRelayedEventByEventBilledAndStored() {
        List<JsonNode> events = stream(withBuiltInTool(ask("native", true)));
        assertEquals(List.of("response.created", "response.output_text.delta", "response.output_text.delta",
                "response.completed"), events.stream().map(e -> e.get("type").asText()).toList());
        JsonNode sent = upstream.last();
        assertTrue(sent.get("stream").asBoolean());
        assertEquals("web_search", sent.at("/tools/0/type").asText());
        assertEquals("native ", events.get(1).get("delta").asText());
        JsonNode completed = events.getLast().get("response");
        assertEquals("native", completed.get("model").asText());
        assertEquals(NativeResponsesUpstream.INPUT, completed.at("/usage/input_tokens").asInt());
        String id = completed.get("id").asText();
        HttpResponse<String> stored = api.get("/v1/responses/" + id, key);
        assertEquals(200, stored.statusCode(), stored.body());
        assertEquals("native answer", json(stored.body()).at("/output/0/content/0/text").asText());
        JsonNode row = latestRow();
        assertEquals(NativeResponsesUpstream.INPUT, row.get("prompt_tokens").asInt(), row.toString());
        assertEquals(NativeResponsesUpstream.OUTPUT, row.get("completion_tokens").asInt(), row.toString());
        assertEquals("openai-responses", row.get("dialect").asText(), row.toString());
        assertEquals("up", row.get("channel").asText(), "settled before the last event, with its target: " + row);
        assertEquals(200, row.get("status").asInt(), row.toString());
    }

    @Test
    void aPreviousResponseIsResolvedByTheGatewayAndTheUpstreamGetsTheWholeConversation() {
        HttpResponse<String> first = responses(ask("native", false));
        assertEquals(200, first.statusCode(), first.body());
        String id = json(first.body()).get("id").asText();
        HttpResponse<String> second = responses(JSON.createObjectNode().put("model", "native").put("input", "and then?")
                .put("previous_response_id", id));
        assertEquals(200, second.statusCode(), second.body());
        JsonNode sent = upstream.last();
        assertFalse(sent.has("previous_response_id"), sent.toString());
        JsonNode input = sent.get("input");
        assertEquals(3, input.size(), sent.toString());
        assertEquals("hi there", input.at("/0/content/0/text").asText(), sent.toString());
        assertEquals("native answer", input.at("/1/content/0/text").asText(), sent.toString());
        assertFalse(input.get(1).has("id"), "the upstream stored nothing: no ids it cannot know");
        assertEquals("and then?", input.at("/2/content/0/text").asText(), sent.toString());
        assertEquals(id, json(second.body()).get("previous_response_id").asText());
    }

    @Test
    void aNativeChannelThatFailsBeforeTheFirstByteFailsOverToATranslatedOne() {
        upstream.failNext(1);
        int before = upstream.received().size();
        HttpResponse<String> res = responses(ask("mixed", false));
        assertEquals(200, res.statusCode(), res.body());
        assertEquals(before + 1, upstream.received().size(), "the native channel was tried first");
        assertTrue(json(res.body()).at("/output/0/content/0/text").asText().contains("hi there"),
                "the simulator's echo, translated: " + res.body());
    }

    @Test
    void aRateLimitApplies() {
        String limited = gateway.userWithKey("limited-native");
        gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user").put("subject", "limited-native")
                .put("rpm", 1));
        assertEquals(200, api.post("/v1/responses", limited, ask("native", false).toString()).statusCode());
        int reached = upstream.received().size();
        HttpResponse<String> refused = api.post("/v1/responses", limited, ask("native", false).toString());
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals(reached, upstream.received().size(), "a refused request never reaches the upstream");
    }

    /** The reservation comes from max_output_tokens: one larger than the balance is refused before the upstream. */
    @Test
    void aReservationLargerThanTheBalanceIsRefusedBeforeTheUpstream() {
        alias("native-paid", "up", "gpt-4.1");
        gateway.admin("PUT", "/prices/native-paid", "{\"input_per_1k\":1,\"output_per_1k\":1}");
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "poor-native").put("quota", 1));
        String poor = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "poor-native")).get("key")
                .asText();
        int reached = upstream.received().size();
        HttpResponse<String> refused = api.post("/v1/responses", poor, withBuiltInTool(ask("native-paid", false))
                .put("max_output_tokens", 2_000_000).toString());
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("insufficient_quota", json(refused.body()).at("/error/code").asText(), refused.body());
        assertEquals(reached, upstream.received().size());
        HttpResponse<String> served = api.post("/v1/responses", poor, withBuiltInTool(ask("native-paid", false))
                .put("max_output_tokens", 64).toString());
        assertEquals(200, served.statusCode(), served.body());
        assertEquals(64, upstream.last().get("max_output_tokens").asInt());
    }

    @Test
    void onlyAnOpenAiChannelMayBeNative() {
        HttpResponse<String> refused = gateway.adminCall("POST", "/channels", JSON.createObjectNode()
                .put("name", "ds-native").put("provider", "deepseek").put("responses_api", "native"));
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("responses_api", json(refused.body()).at("/error/param").asText(), refused.body());
        HttpResponse<String> bad = gateway.adminCall("PATCH", "/channels/sim",
                JSON.createObjectNode().put("responses_api", "yes"));
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("native", gateway.admin("GET", "/channels/up", null).get("responses_api").asText());
        assertEquals("translate", gateway.admin("GET", "/channels/sim", null).get("responses_api").asText());
    }

    private static void assertBilledFromUpstreamUsage(HttpResponse<String> res) {
        JsonNode row = UsageRows.find(gateway, res.headers().firstValue("x-modelbridge-request-id").orElseThrow());
        assertEquals(NativeResponsesUpstream.INPUT, row.get("prompt_tokens").asInt(), row.toString());
        assertEquals(NativeResponsesUpstream.OUTPUT, row.get("completion_tokens").asInt(), row.toString());
        assertEquals(NativeResponsesUpstream.CACHED, row.get("cached_prompt_tokens").asInt(), row.toString());
        assertEquals(NativeResponsesUpstream.REASONING, row.get("reasoning_tokens").asInt(), row.toString());
        assertEquals("openai-responses", row.get("dialect").asText(), row.toString());
        assertEquals("native", row.get("model").asText(), row.toString());
    }

    /** The newest usage row of this test's user (streams are read to their end before this is called). */
    private static JsonNode latestRow() {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            for (JsonNode row : gateway.admin("GET", "/usage?since=1h&limit=500", null).get("data")) {
                if (row.path("stream").asBoolean() && "native".equals(row.path("model").asText())) {
                    return row;
                }
            }
            UsageRows.sleep(50);
        }
        throw new AssertionError("no usage row of the stream");
    }

    private static ObjectNode ask(String model, boolean stream) {
        return JSON.createObjectNode().put("model", model).put("input", "hi there").put("stream", stream);
    }

    private static ObjectNode withBuiltInTool(ObjectNode body) {
        body.putArray("tools").addObject().put("type", "web_search");
        body.putObject("future_field").put("depth", 2);
        return body;
    }

    private static HttpResponse<String> responses(ObjectNode body) {
        return api.post("/v1/responses", key, body.toString());
    }

    private static List<JsonNode> stream(ObjectNode body) {
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/responses", key, body.toString());
        assertEquals(200, res.statusCode());
        List<JsonNode> events = SseEvent.parseTyped(res.body()).stream().map(SseEvent::data).toList();
        return events;
    }

    /**
     * A relayed native stream's last event (response.completed) comes from the upstream, not from the gateway: the
     * request is settled before it goes out, so a client sending its next request on another connection the moment
     * it has that event finds its reservation back. Without max_output_tokens each request reserves the whole
     * balance here, and the upstream ends its streams 200 ms after their last event. Streams and whole answers
     * alternate; each request's last byte waits for the answer before it.
     */
    @Test
    void theNextRequestOnAnotherConnectionFindsTheRelayedStreamSettled() {
        alias("native-priced", "up", "gpt-4.1");
        gateway.admin("PUT", "/prices/native-priced", "{\"input_per_1k\":0.5,\"output_per_1k\":1.5}");
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "native-budget").put("quota", 5));
        String budget = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "native-budget"))
                .get("key").asText();
        upstream.endStreamsAfter(200);
        try {
            BackToBack.answeredInTurn(gateway.api(), "/v1/responses", budget, 21, i -> responsesBody(i % 4 != 2),
                    "event: response.completed");
        } finally {
            upstream.endStreamsAfter(0);
        }
    }

    private static String responsesBody(boolean stream) {
        return JSON.createObjectNode().put("model", "native-priced").put("input", "hello").put("stream", stream)
                .toString();
    }

    private static ObjectNode channel(String name, String baseUrl, String credential, String model) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", "openai")
                .put("credential", credential).put("base_url", baseUrl);
        channel.putArray("models").add(model);
        return channel;
    }

    private static ObjectNode target(String channel, String model, int priority) {
        return JSON.createObjectNode().put("channel", channel).put("model", model).put("priority", priority);
    }

    private static void alias(String name, String channel, String model) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode targets = body.putArray("targets");
        targets.add(target(channel, model, 0));
        gateway.admin("PUT", "/aliases/" + name, body);
    }
}
