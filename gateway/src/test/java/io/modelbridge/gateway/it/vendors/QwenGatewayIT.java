package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.vendors.VendorGateway.ask;
import static io.modelbridge.gateway.it.vendors.VendorGateway.assertError;
import static io.modelbridge.gateway.it.vendors.VendorGateway.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.qwen.QwenSimulator;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Qwen end to end: the qwen plugin jar loaded by PF4J in a running gateway, against the DashScope simulator. */
class QwenGatewayIT {
    private static final String GENERATION = "/api/v1/services/aigc/text-generation/generation";
    @RegisterExtension
    static final VendorGatewayExtension<QwenSimulator> SETUP =
            VendorGatewayExtension.of(QwenSimulator::start, QwenSimulator::reset, (simulator, gateway) -> configure());

    /** The channels and aliases of this IT. */
    private static void configure() {
        List<String> models = List.of("qwen-plus", "text-embedding-v3");
        gw().channel("dashscope-main", "qwen", dashscope().baseUri(), dashscope().apiKey(), models);
        gw().channel("dashscope-bad-key", "qwen", dashscope().baseUri(), "sk-expired0000000000000000000000", models);
        gw().channel("dashscope-flaky", "qwen", dashscope().baseUri(), dashscope().apiKey(), models);
        gw().channel("dashscope-backup", "qwen", dashscope().baseUri(), dashscope().apiKey(), models);
        gw().alias("qwen", "dashscope-main", "qwen-plus");
        gw().alias("qwen-embed", "dashscope-main", "text-embedding-v3");
        gw().alias("qwen-broken", "dashscope-bad-key", "qwen-plus");
        Failover.alias(gw().gateway, "qwen-failover", "dashscope-bad-key", "dashscope-backup", "qwen-plus");
        Failover.alias(gw().gateway, "qwen-duo", "dashscope-flaky", "dashscope-backup", "qwen-plus");
    }

    private static QwenSimulator dashscope() {
        return SETUP.simulator();
    }

    private static VendorGateway gw() {
        return SETUP.gateway();
    }

    @Test
    void thePluginListingShowsTheCredentialFormat() {
        JsonNode plugin = gw().plugin("qwen");
        assertTrue(plugin.path("credential_format").asText().contains("DashScope API key"), plugin.toString());
        assertEquals("qwen", plugin.path("provider_ids").get(0).asText());
        assertTrue(plugin.path("known_models").toString().contains("text-embedding-v3"), plugin.toString());
    }

    @Test
    void nonStreamedChatWithUsage() {
        HttpResponse<String> res = gw().chat(ask("qwen", "你好 qwen", false).toString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals("qwen", body.get("model").asText());
        assertEquals("echo: 你好 qwen", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(2, body.at("/usage/prompt_tokens").asInt());
        assertEquals(3, body.at("/usage/completion_tokens").asInt());
        assertEquals(5, body.at("/usage/total_tokens").asInt());
        assertEquals(GENERATION, dashscope().lastRequest().path(), "base URL + DashScope's documented path");
        assertEquals("qwen-plus", dashscope().lastRequest().json().get("model").asText());
        assertEquals("你好 qwen", dashscope().lastRequest().json().at("/input/messages/0/content").asText());
    }

    @Test
    void streamedChatWithUsage() {
        List<JsonNode> events = gw().stream(ask("qwen", "stream it please", true).toString());
        assertEquals("echo: stream it please", joined(events, "content"));
        assertTrue(events.stream().anyMatch(e -> e.at("/choices/0/finish_reason").asText().equals("stop")));
        JsonNode usage = VendorGateway.streamUsage(events);
        assertEquals(3, usage.get("prompt_tokens").asInt());
        assertEquals(4, usage.get("completion_tokens").asInt());
        assertEquals("enable", dashscope().lastRequest().header("X-DashScope-SSE").orElseThrow());
        assertTrue(dashscope().lastRequest().json().at("/parameters/incremental_output").asBoolean());
    }

    @Test
    void toolCallInBothModes() {
        HttpResponse<String> res = gw().chat(VendorGateway.withWeatherTool(ask("qwen", "杭州", false)).toString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode choice = json(res.body()).at("/choices/0");
        assertEquals("tool_calls", choice.get("finish_reason").asText());
        assertEquals("get_weather", choice.at("/message/tool_calls/0/function/name").asText());
        assertEquals("{\"city\":\"杭州\"}", choice.at("/message/tool_calls/0/function/arguments").asText());
        assertEquals("get_weather", dashscope().lastRequest().json().at("/parameters/tools/0/function/name").asText());

        List<JsonNode> events = gw().stream(VendorGateway.withWeatherTool(ask("qwen", "杭州", true)).toString());
        StringBuilder arguments = new StringBuilder();
        int ids = 0;
        for (JsonNode event : events) {
            for (JsonNode delta : event.at("/choices/0/delta/tool_calls")) {
                ids += delta.hasNonNull("id") ? 1 : 0;
                arguments.append(delta.at("/function/arguments").asText(""));
            }
        }
        assertEquals(1, ids, "the call's id is announced once");
        assertEquals("{\"city\":\"杭州\"}", arguments.toString());
        assertTrue(events.stream().anyMatch(e -> e.at("/choices/0/finish_reason").asText().equals("tool_calls")));
    }

    @Test
    void embeddingsThroughTheNativeTextEmbeddingApi() {
        String request = "{\"model\":\"qwen-embed\",\"input\":[\"first text\",\"second\"],\"dimensions\":64}";
        HttpResponse<String> res = gw().api.post("/v1/embeddings", gw().key, request);
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals(2, body.get("data").size());
        float[] expected = QwenSimulator.embeddingOf("second", 64);
        JsonNode vector = body.at("/data/1/embedding");
        assertEquals(64, vector.size());
        for (int i = 0; i < 64; i++) {
            assertEquals(expected[i], vector.get(i).floatValue(), 1e-6);
        }
        assertEquals(3, body.at("/usage/prompt_tokens").asInt());
        assertEquals("/api/v1/services/embeddings/text-embedding/text-embedding", dashscope().lastRequest().path());
        assertEquals(64, dashscope().lastRequest().json().at("/parameters/dimension").asInt());
    }

    @Test
    void aKeyDashScopeRefusesIsTheOperatorsProblemNotA401() {
        HttpResponse<String> res = gw().chat(ask("qwen-broken", "hi", false).toString());
        assertNotEquals(401, res.statusCode());
        JsonNode error = assertError(res, 502, "upstream_auth_failed");
        assertEquals("dashscope-bad-key", res.headers().firstValue("x-modelbridge-channel").orElse(""), "names the channel to fix");
        assertFalse(res.body().contains("sk-expired"));
    }

    @Test
    void arrearsIs503NamingIt() {
        dashscope().failNextArrearage(1);
        VendorGateway.assertQuotaExhausted(gw().chat(ask("qwen", "hi", false).toString()), "dashscope-main");
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aRefusedKeyThrottlingOrArrearsFailsOverToTheSecondChannel(boolean stream) {
        Failover.assertRefusalsFailOver(gw().gateway, gw().key, stream, "qwen-failover", "qwen-duo", "dashscope-backup",
                () -> dashscope().failNextRateLimited(1, null), () -> dashscope().failNextArrearage(1));
    }

    @Test
    void throttlingIs429WithRetryAfterInBothModes() {
        dashscope().failNextRateLimited(1, null);
        HttpResponse<String> res = gw().chat(ask("qwen", "hi", false).toString());
        assertError(res, 429, "rate_limit_exceeded");
        assertTrue(Integer.parseInt(res.headers().firstValue("retry-after").orElseThrow()) >= 1);
        dashscope().failNextRateLimited(1, java.time.Duration.ofSeconds(6));
        HttpResponse<String> streamed =
                gw().api.post("/v1/chat/completions", gw().key, ask("qwen", "hi", true).toString());
        assertError(streamed, 429, "rate_limit_exceeded");
        assertEquals("6", streamed.headers().firstValue("retry-after").orElseThrow());
    }

    @Test
    void contentFilterIs400AndBadParametersCarryDashScopesMessage() {
        dashscope().failNextDataInspection(1);
        assertError(gw().chat(ask("qwen", "hi", false).toString()), 400, "content_filter");
        var frequency = ask("qwen", "hi", false).put("frequency_penalty", 0.5);
        JsonNode error = assertError(gw().chat(frequency.toString()), 400, null);
        assertTrue(error.get("message").asText().contains("frequency_penalty"), error.toString());
    }
}
