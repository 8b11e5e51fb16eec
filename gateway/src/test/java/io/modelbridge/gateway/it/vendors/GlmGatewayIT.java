package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.glm.GlmSimulator;
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
 * An OpenAI client reaching Zhipu GLM through the running gateway and the glm plugin jar loaded by PF4J: channels
 * and aliases made over the admin API, GLM simulated on a real socket (JWT auth, GLM framing and error codes).
 */
@Timeout(120)
class GlmGatewayIT {
    @RegisterExtension
    static final VendorGatewayExtension<GlmSimulator> SETUP =
            VendorGatewayExtension.of(GlmSimulator::start, GlmSimulator::reset, (simulator, gateway) -> configure());

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The channels and aliases of this IT. */
    private static void configure() {
        channel("glm-main", glm().apiKey());
        channel("glm-stale-key", GlmSimulator.DEFAULT_KEY_ID + ".RevokedSecret000");
        channel("glm-flaky", glm().apiKey());
        channel("glm-backup", glm().apiKey());
        gateway().alias("glm-chat", "glm-main", "glm-4-plus");
        gateway().alias("glm-vectors", "glm-main", "embedding-3");
        gateway().alias("glm-broken", "glm-stale-key", "glm-4-plus");
        Failover.alias(gateway(), "glm-failover", "glm-stale-key", "glm-backup", "glm-4-plus");
        Failover.alias(gateway(), "glm-duo", "glm-flaky", "glm-backup", "glm-4-plus");
    }

    private static GlmSimulator glm() {
        return SETUP.simulator();
    }

    private static RunningGateway gateway() {
        return SETUP.gateway().gateway;
    }

    private static String key() {
        return SETUP.gateway().key;
    }

    @Test
    void thePluginListingShowsTheCredentialFormat() {
        JsonNode plugins = gateway().admin("GET", "/plugins", null).path("data");
        JsonNode glmPlugin = null;
        for (JsonNode p : plugins) {
            if ("glm".equals(p.path("id").asText())) {
                glmPlugin = p;
            }
        }
        assertTrue(glmPlugin != null, plugins.toString());
        assertEquals("STARTED", glmPlugin.path("state").asText());
        assertTrue(glmPlugin.path("credential_format").asText().contains("id.secret"), glmPlugin.toString());
    }

    @Test
    void chatAnswersWithUsageAndReachesGlmWithASignedToken() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("glm-chat", "hello glm", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals("echo: hello glm", body.path("choices").get(0).path("message").path("content").asText());
        assertEquals("stop", body.path("choices").get(0).path("finish_reason").asText());
        JsonNode usage = body.path("usage");
        assertEquals(2, usage.path("prompt_tokens").asInt(), "the simulator counts words: hello glm");
        assertEquals(3, usage.path("completion_tokens").asInt());
        assertEquals(5, usage.path("total_tokens").asInt());
        var sent = glm().lastRequest();
        assertEquals("/api/paas/v4/chat/completions", sent.path());
        assertEquals("glm-4-plus", sent.json().path("model").asText());
        assertTrue(sent.header("authorization").orElseThrow().startsWith("Bearer eyJ"), "a JWT, not the raw key");
    }

    @Test
    void streamRelaysGlmChunksAsOpenAiChunksWithAUsageChunk() throws Exception {
        ObjectNode request = chat("glm-chat", "stream this please", true);
        request.putObject("stream_options").put("include_usage", true);
        HttpResponse<String> res = post("/v1/chat/completions", request);
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = dataEvents(res.body());
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            for (JsonNode choice : chunk.path("choices")) {
                text.append(choice.path("delta").path("content").asText(""));
                finish = choice.path("finish_reason").isTextual() ? choice.path("finish_reason").asText() : finish;
            }
            usage = chunk.path("usage").isObject() ? chunk.path("usage") : usage;
        }
        assertEquals("echo: stream this please", text.toString());
        assertEquals("stop", finish);
        assertTrue(usage != null, "usage chunk: " + events);
        assertEquals(4, usage.path("completion_tokens").asInt());
        assertEquals(usage.path("prompt_tokens").asInt() + 4, usage.path("total_tokens").asInt());
        assertTrue(glm().lastRequest().json().path("stream").asBoolean());
    }

    @Test
    void aToolCallComesBackInOpenAiShapePlainAndStreamed() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", withWeatherTool(chat("glm-chat", "Paris", false)));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode choice = JSON.readTree(res.body()).path("choices").get(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText());
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertEquals("get_weather", call.path("function").path("name").asText());
        assertEquals("{\"city\":\"Paris\"}", call.path("function").path("arguments").asText());
        assertTrue(call.path("id").asText().startsWith("call_"));
        assertEquals("auto", glm().lastRequest().json().path("tool_choice").asText());

        glm().fragmentToolArguments(true);
        HttpResponse<String> streamed = post("/v1/chat/completions", withWeatherTool(chat("glm-chat", "Paris", true)));
        StringBuilder arguments = new StringBuilder();
        String name = null;
        for (String event : dataEvents(streamed.body())) {
            if (!event.equals("[DONE]")) {
                for (JsonNode c : JSON.readTree(event).path("choices").path(0).path("delta").path("tool_calls")) {
                    name = c.path("function").path("name").isTextual() ? c.path("function").path("name").asText() : name;
                    arguments.append(c.path("function").path("arguments").asText(""));
                }
            }
        }
        assertEquals("get_weather", name);
        assertEquals("{\"city\":\"Paris\"}", arguments.toString());
    }

    @Test
    void embeddingsReturnGlmsVectorsInInputOrder() throws Exception {
        ObjectNode request = JSON.createObjectNode().put("model", "glm-vectors").put("dimensions", 256);
        request.putArray("input").add("first text").add("second");
        HttpResponse<String> res = post("/v1/embeddings", request);
        assertEquals(200, res.statusCode(), res.body());
        JsonNode data = JSON.readTree(res.body()).path("data");
        assertEquals(2, data.size());
        assertArrayEquals(GlmSimulator.embeddingOf("second", 256), floats(data.get(1).path("embedding")));
        assertEquals(3, JSON.readTree(res.body()).path("usage").path("prompt_tokens").asInt());
        assertEquals("/api/paas/v4/embeddings", glm().lastRequest().path());
    }

    @Test
    void aKeyGlmRefusesIsTheOperatorsProblemNeverA401ForTheCaller() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("glm-broken", "hi", false));
        assertTrue(res.statusCode() == 502 || res.statusCode() == 503, res.statusCode() + " " + res.body());
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertEquals("upstream_auth_failed", error.path("code").asText(), res.body());
        assertEquals("glm-stale-key", res.headers().firstValue("x-modelbridge-channel").orElse(""), "names the channel to fix");
        assertFalse(res.body().contains("RevokedSecret000"), res.body());
    }

    @Test
    void glmsRateLimitBecomesA429WithRetryAfter() throws Exception {
        glm().failNextRateLimited(1);
        HttpResponse<String> res = post("/v1/chat/completions", chat("glm-chat", "hi", false));
        assertEquals(429, res.statusCode(), res.body());
        assertEquals("rate_limit_exceeded", JSON.readTree(res.body()).path("error").path("code").asText());
        assertTrue(Integer.parseInt(res.headers().firstValue("retry-after").orElseThrow()) >= 1);

        glm().failNextWithRetryAfter(1, 429, "1302", "您当前使用该API的并发数过高", Duration.ofSeconds(7));
        HttpResponse<String> hinted = post("/v1/chat/completions", chat("glm-chat", "hi", false));
        assertEquals(429, hinted.statusCode(), hinted.body());
        assertEquals("7", hinted.headers().firstValue("retry-after").orElseThrow());
    }

    @Test
    void arrearsAre503NamingTheExhaustedQuotaNeverA401() throws Exception {
        glm().failNextInArrears(1); // 1113 comes as HTTP 429 but is no rate limit
        VendorGateway.assertQuotaExhausted(post("/v1/chat/completions", chat("glm-chat", "hi", false)), "glm-main");
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aRefusedKeyARateLimitOrArrearsFailOverToTheSecondChannel(boolean stream) {
        Failover.assertRefusalsFailOver(gateway(), key(), stream, "glm-failover", "glm-duo", "glm-backup",
                () -> glm().failNextRateLimited(1), () -> glm().failNextInArrears(1));
    }

    @Test
    void contentFilterAndUnsupportedParametersAre400s() throws Exception {
        glm().failNextContentFilter(1);
        HttpResponse<String> filtered = post("/v1/chat/completions", chat("glm-chat", "hi", false));
        assertEquals(400, filtered.statusCode(), filtered.body());
        assertEquals("content_filter", JSON.readTree(filtered.body()).path("error").path("code").asText());
        int before = glm().requests().size();
        HttpResponse<String> refused = post("/v1/chat/completions", chat("glm-chat", "hi", false).put("n", 2));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(JSON.readTree(refused.body()).path("error").path("message").asText().contains("'n'"), refused.body());
        assertEquals(before, glm().requests().size(), "refused before reaching GLM");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void channel(String name, String credential) {
        gateway().channel(name, "glm", glm().baseUri().toString(), credential, "glm-4-plus", "embedding-3");
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

    private HttpResponse<String> post(String path, ObjectNode body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(gateway().api().resolve(path))
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

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) array.get(i).asDouble();
        }
        return values;
    }
}
