package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.spark.SparkSimulator;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An OpenAI client reaching iFlytek Spark through the running gateway and the spark plugin jar loaded by PF4J:
 * channels (with a ws:// base URL) and aliases made over the admin API, Spark simulated on a real WebSocket
 * (HMAC-signed URL, frames with status 0/1/2, Spark's error codes).
 */
@Timeout(120)
class SparkGatewayIT {
    private static final String WRONG_SECRET = "WrongSecretWrongSecretWrongSecr1";
    @RegisterExtension
    static final VendorGatewayExtension<SparkSimulator> SETUP =
            VendorGatewayExtension.of(SparkSimulator::start, SparkSimulator::reset,
                    (simulator, gateway) -> configure());

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The channels and aliases of this IT. */
    private static void configure() {
        // The ledger has the whole credentials (the admin client records them); their parts must not leak either.
        List.of(SparkSimulator.DEFAULT_API_SECRET, SparkSimulator.DEFAULT_API_KEY, WRONG_SECRET)
                .forEach(SecretLedger::record);
        channel("spark-main", spark().credential());
        channel("spark-stale-secret",
                SparkSimulator.DEFAULT_APP_ID + "|" + WRONG_SECRET + "|" + SparkSimulator.DEFAULT_API_KEY);
        channel("spark-flaky", spark().credential());
        channel("spark-backup", spark().credential());
        gateway().alias("spark-chat", "spark-main", "spark-max");
        gateway().alias("spark-broken", "spark-stale-secret", "spark-max");
        Failover.alias(gateway(), "spark-failover", "spark-stale-secret", "spark-backup", "spark-max");
        Failover.alias(gateway(), "spark-duo", "spark-flaky", "spark-backup", "spark-max");
    }

    private static SparkSimulator spark() {
        return SETUP.simulator();
    }

    private static RunningGateway gateway() {
        return SETUP.gateway().gateway;
    }

    private static String key() {
        return SETUP.gateway().key;
    }

    @Test
    void thePluginListingShowsTheCredentialFormatAndTheChannelKeepsItsWebSocketUrl() {
        JsonNode plugin = null;
        for (JsonNode p : gateway().admin("GET", "/plugins", null).path("data")) {
            plugin = "spark".equals(p.path("id").asText()) ? p : plugin;
        }
        assertTrue(plugin != null, "spark plugin listed");
        assertEquals("STARTED", plugin.path("state").asText());
        assertEquals("APPID|APISecret|APIKey", plugin.path("credential_format").asText(), plugin.toString());
        JsonNode channel = gateway().admin("GET", "/channels/spark-main", null);
        assertEquals(spark().baseUri().toString(), channel.path("base_url").asText());
        assertFalse(channel.toString().contains(SparkSimulator.DEFAULT_API_SECRET), "the credential never comes out");
    }

    @Test
    void chatAnswersWithUsageOverASignedWebSocket() throws Exception {
        HttpResponse<String> res = post(chat("spark-chat", "hello spark", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals("echo: hello spark", body.path("choices").get(0).path("message").path("content").asText());
        assertEquals("stop", body.path("choices").get(0).path("finish_reason").asText());
        JsonNode usage = body.path("usage");
        assertEquals(2, usage.path("prompt_tokens").asInt(), "the simulator counts words: hello spark");
        assertEquals(3, usage.path("completion_tokens").asInt());
        assertEquals(5, usage.path("total_tokens").asInt());
        var sent = spark().lastRequest();
        assertEquals("/v3.5/chat", sent.path());
        assertTrue(sent.query().startsWith("authorization="), "a signed URL: " + sent.query());
        assertEquals(SparkSimulator.DEFAULT_APP_ID, sent.json().path("header").path("app_id").asText());
        assertEquals("generalv3.5", sent.json().path("parameter").path("chat").path("domain").asText());
    }

    @Test
    void streamRelaysSparkFramesAsOpenAiChunksWithAUsageChunk() throws Exception {
        ObjectNode request = chat("spark-chat", "stream this please", true);
        request.putObject("stream_options").put("include_usage", true);
        HttpResponse<String> res = post(request);
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = dataEvents(res.body());
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        int contentEvents = 0;
        String finish = null;
        JsonNode usage = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            for (JsonNode choice : chunk.path("choices")) {
                String content = choice.path("delta").path("content").asText("");
                contentEvents += content.isEmpty() ? 0 : 1;
                text.append(content);
                finish = choice.path("finish_reason").isTextual() ? choice.path("finish_reason").asText() : finish;
            }
            usage = chunk.path("usage").isObject() ? chunk.path("usage") : usage;
        }
        assertEquals("echo: stream this please", text.toString());
        assertEquals(4, contentEvents, "one chunk per Spark frame");
        assertEquals("stop", finish);
        assertTrue(usage != null, "usage chunk: " + events);
        assertEquals(3, usage.path("prompt_tokens").asInt());
        assertEquals(4, usage.path("completion_tokens").asInt());
        assertEquals(7, usage.path("total_tokens").asInt());
    }

    @Test
    void aFunctionCallComesBackAsAnOpenAiToolCallPlainAndStreamed() throws Exception {
        HttpResponse<String> res = post(withWeatherTool(chat("spark-chat", "Paris", false)));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode choice = JSON.readTree(res.body()).path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertEquals("get_weather", call.path("function").path("name").asText());
        assertEquals("{\"city\":\"Paris\"}", call.path("function").path("arguments").asText());
        assertTrue(call.path("id").asText().startsWith("call_"));
        assertEquals("get_weather",
                spark().lastRequest().json().path("payload").path("functions").path("text").get(0).path("name")
                        .asText());

        HttpResponse<String> streamed = post(withWeatherTool(chat("spark-chat", "Paris", true)));
        StringBuilder arguments = new StringBuilder();
        String name = null;
        String finish = null;
        for (String event : dataEvents(streamed.body())) {
            if (!event.equals("[DONE]")) {
                JsonNode c0 = JSON.readTree(event).path("choices").path(0);
                for (JsonNode c : c0.path("delta").path("tool_calls")) {
                    name = c.path("function").path("name").isTextual() ? c.path("function").path("name").asText() : name;
                    arguments.append(c.path("function").path("arguments").asText(""));
                }
                finish = c0.path("finish_reason").isTextual() ? c0.path("finish_reason").asText() : finish;
            }
        }
        assertEquals("get_weather", name);
        assertEquals("{\"city\":\"Paris\"}", arguments.toString());
        assertEquals("tool_calls", finish);
    }

    @Test
    void aCredentialSparkRefusesIsTheOperatorsProblemNeverA401ForTheCaller() throws Exception {
        int refusedBefore = spark().refusedHandshakes().size();
        HttpResponse<String> res = post(chat("spark-broken", "hi", false));
        assertTrue(res.statusCode() == 502 || res.statusCode() == 503, res.statusCode() + " " + res.body());
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertEquals("upstream_auth_failed", error.path("code").asText(), res.body());
        assertEquals("spark-stale-secret", res.headers().firstValue("x-modelbridge-channel").orElse(""), "names the channel to fix");
        assertFalse(res.body().contains(WRONG_SECRET), res.body());
        assertEquals("401 HMAC signature does not match", spark().refusedHandshakes().getLast());
        assertEquals(refusedBefore + 1, spark().refusedHandshakes().size());
    }

    @Test
    void sparksRateLimitCodeBecomesA429WithRetryAfter() throws Exception {
        spark().failNextRateLimited(1);
        HttpResponse<String> res = post(chat("spark-chat", "hi", false));
        assertEquals(429, res.statusCode(), res.body());
        assertEquals("rate_limit_exceeded", JSON.readTree(res.body()).path("error").path("code").asText());
        assertEquals("1", res.headers().firstValue("retry-after").orElseThrow(), "11202 is a per-second limit");
    }

    @Test
    void aUsedUpTokenAllowanceIs503NamingTheQuotaNeverA401() throws Exception {
        spark().failNextTokensExhausted(1);
        VendorGateway.assertQuotaExhausted(post(chat("spark-chat", "hi", false)), "spark-main");
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aRefusedSignatureARateLimitOrAUsedUpAllowanceFailOverToTheSecondChannel(boolean stream) {
        Failover.assertRefusalsFailOver(gateway(), key(), stream, "spark-failover", "spark-duo", "spark-backup",
                () -> spark().failNextRateLimited(1), () -> spark().failNextTokensExhausted(1));
    }

    @Test
    void anErrorFrameMidStreamEndsTheClientsStreamWithAnErrorEvent() throws Exception {
        spark().errorFrameAfter(2, 10012, "EngineInternalError: 引擎内部错误");
        HttpResponse<String> res = post(chat("spark-chat", "one two three four five", true));
        assertEquals(200, res.statusCode(), "the stream had begun: " + res.body());
        List<String> events = dataEvents(res.body());
        assertNotEquals("[DONE]", events.getLast(), "no [DONE] after a failure: " + events);
        JsonNode last = JSON.readTree(events.getLast());
        assertTrue(last.path("error").isObject(), "the stream ends with an error event: " + events);
        assertTrue(last.path("error").path("message").asText().contains("10012"), last.toString());
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            text.append(JSON.readTree(event).path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertEquals("echo: one ", text.toString(), "the two frames sent before the error reached the client");
    }

    @Test
    void contentAuditAndUnsupportedParametersAre400s() throws Exception {
        spark().failNextContentFilter(1);
        HttpResponse<String> filtered = post(chat("spark-chat", "hi", false));
        assertEquals(400, filtered.statusCode(), filtered.body());
        assertEquals("content_filter", JSON.readTree(filtered.body()).path("error").path("code").asText());
        int before = spark().requests().size();
        HttpResponse<String> refused = post(chat("spark-chat", "hi", false).put("top_p", 0.3));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(JSON.readTree(refused.body()).path("error").path("message").asText().contains("'top_p'"),
                refused.body());
        assertEquals(before, spark().requests().size(), "refused before reaching Spark");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void channel(String name, String credential) {
        gateway().channel(name, "spark", spark().baseUri().toString(), credential, "spark-max", "spark-lite");
    }

    private static ObjectNode chat(String model, String text, boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    private static ObjectNode withWeatherTool(ObjectNode request) {
        ObjectNode function = request.putArray("tools").addObject().put("type", "function").putObject("function")
                .put("name", "get_weather").put("description", "Current weather in a city");
        function.set("parameters", JSON.valueToTree(Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"))));
        return request;
    }

    private HttpResponse<String> post(ObjectNode body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(gateway().api().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> dataEvents(String sse) {
        List<String> events = new ArrayList<>();
        for (String line : sse.split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring(6).strip());
            }
        }
        return events;
    }
}
