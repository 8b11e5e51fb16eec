package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.ernie.ErnieSimulator;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Baidu ERNIE end to end: an OpenAI client talks to the running gateway(), which loads the ernie plugin jar through
 * PF4J and reaches the ERNIE simulator over real sockets (token exchange, per-model path, is_end stream).
 */
class ErnieGatewayIT {
    @RegisterExtension
    static final VendorGatewayExtension<ErnieSimulator> SETUP =
            VendorGatewayExtension.of(ErnieSimulator::start, ErnieSimulator::reset,
                    (simulator, gateway) -> configure());

    /** The channels and aliases of this IT. */
    private static void configure() {
        channel("ernie-sim", ernie().credential());
        channel("ernie-wrong-secret", ernie().apiKey() + "|notTheSecretKey0000000000");
        channel("ernie-flaky", ernie().credential());
        channel("ernie-backup", ernie().credential());
        gateway().alias("ernie-chat", "ernie-sim", "ERNIE-3.5-8K");
        gateway().alias("ernie-embed", "ernie-sim", "Embedding-V1");
        gateway().alias("ernie-broken", "ernie-wrong-secret", "ERNIE-3.5-8K");
        Failover.alias(gateway(), "ernie-failover", "ernie-wrong-secret", "ernie-backup", "ERNIE-3.5-8K");
        Failover.alias(gateway(), "ernie-duo", "ernie-flaky", "ernie-backup", "ERNIE-3.5-8K");
    }

    private static ErnieSimulator ernie() {
        return SETUP.simulator();
    }

    private static RunningGateway gateway() {
        return SETUP.gateway().gateway;
    }

    private static ApiCalls api() {
        return SETUP.gateway().api;
    }

    private static String key() {
        return SETUP.gateway().key;
    }

    @Test
    void thePluginListingShowsTheCredentialFormat() {
        JsonNode plugins = gateway().admin("GET", "/plugins", null).get("data");
        JsonNode plugin = null;
        for (JsonNode p : plugins) {
            if (p.get("id").asText().equals("ernie")) {
                plugin = p;
            }
        }
        assertTrue(plugin != null, plugins.toString());
        assertEquals("STARTED", plugin.get("state").asText());
        assertTrue(plugin.get("credential_format").asText().startsWith("API_KEY|SECRET_KEY"), plugin.toString());
    }

    @Test
    void nonStreamedChatCarriesErniesAnswerAndUsage() {
        ObjectNode request = JSON.createObjectNode().put("model", "ernie-chat");
        request.putArray("messages").add(message("system", "Be brief.")).add(message("user", "hello there"));
        HttpResponse<String> res = api().chatOk(key(), request.toString());
        JsonNode body = json(res.body());
        assertEquals("ernie-chat", body.get("model").asText());
        assertEquals("echo: hello there", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(4, body.at("/usage/prompt_tokens").asInt(), "ERNIE's own count: 'Be brief.' + 'hello there'");
        assertEquals(3, body.at("/usage/completion_tokens").asInt());
        assertEquals(7, body.at("/usage/total_tokens").asInt());
        JsonNode sent = ernie().lastRequest().json();
        assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions", ernie().lastRequest().path());
        assertEquals("Be brief.", sent.get("system").asText(), "the system message went to ERNIE's system field");
        assertEquals(1, sent.get("messages").size());
    }

    @Test
    void streamedChatRelaysErniesSentencesAndReportsItsUsage() {
        ObjectNode request = (ObjectNode) json(chat("ernie-chat", "stream this answer", true));
        request.putObject("stream_options").put("include_usage", true);
        HttpResponse<Stream<String>> res = api().postStreaming("/v1/chat/completions", key(), request.toString());
        assertEquals(200, res.statusCode());
        boolean[] done = {false};
        List<JsonNode> events = ApiCalls.sseEvents(res.body().iterator(), done);
        assertTrue(done[0], "the gateway ends with [DONE] although ERNIE sends none");
        assertEquals("echo: stream this answer", ApiCalls.text(events));
        assertTrue(events.stream().anyMatch(e -> e.at("/choices/0/finish_reason").asText().equals("stop")));
        JsonNode usage = events.getLast().get("usage");
        assertEquals(3, usage.get("prompt_tokens").asInt());
        assertEquals(4, usage.get("completion_tokens").asInt());
        assertTrue(ernie().lastRequest().json().get("stream").asBoolean());
    }

    @Test
    void aToolCallComesBackAsAnOpenAiToolCall() {
        ObjectNode request = (ObjectNode) json(chat("ernie-chat", "Paris", false));
        ObjectNode function = request.putArray("tools").addObject().put("type", "function").putObject("function")
                .put("name", "get_weather").put("description", "Current weather in a city");
        function.putObject("parameters").put("type", "object").putObject("properties").putObject("city")
                .put("type", "string");
        HttpResponse<String> res = api().chatOk(key(), request.toString());
        JsonNode body = json(res.body());
        assertEquals("tool_calls", body.at("/choices/0/finish_reason").asText());
        JsonNode call = body.at("/choices/0/message/tool_calls/0");
        assertEquals("function", call.get("type").asText());
        assertTrue(call.get("id").asText().startsWith("call_"), call.toString());
        assertEquals("get_weather", call.at("/function/name").asText());
        assertEquals("Paris", json(call.at("/function/arguments").asText()).get("city").asText());
        assertEquals("get_weather", ernie().lastRequest().json().at("/functions/0/name").asText(),
                "OpenAI tools went to ERNIE as functions");
    }

    @Test
    void embeddingsComeFromEmbeddingV1() {
        HttpResponse<String> res =
                api().post("/v1/embeddings", key(), "{\"model\":\"ernie-embed\",\"input\":[\"first\",\"second\"]}");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals(2, body.get("data").size());
        JsonNode vector = body.at("/data/1/embedding");
        assertEquals(384, vector.size());
        float[] expected = ErnieSimulator.embeddingOf("second", 384);
        for (int i = 0; i < 5; i++) {
            assertEquals(expected[i], vector.get(i).floatValue(), 1e-6);
        }
        assertEquals(2, body.at("/usage/prompt_tokens").asInt());
        assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1", ernie().lastRequest().path());
    }

    @Test
    void aWrongChannelCredentialIsTheOperatorsProblemNeverA401() {
        HttpResponse<String> res = api().post("/v1/chat/completions", key(), chat("ernie-broken", "hi", false));
        JsonNode error = assertError(res, 502, "upstream_auth_failed");
        assertNotEquals(401, res.statusCode());
        assertEquals("ernie-wrong-secret", res.headers().firstValue("x-modelbridge-channel").orElse(""), "names the channel to fix");
        assertFalse(res.body().contains("notTheSecretKey"), res.body());
    }

    @Test
    void erniesQpsLimitIs429WithRetryAfter() {
        ernie().failNextRateLimited(1);
        HttpResponse<String> res = api().post("/v1/chat/completions", key(), chat("ernie-chat", "hi", false));
        assertError(res, 429, "rate_limit_exceeded");
        assertTrue(Integer.parseInt(res.headers().firstValue("retry-after").orElseThrow()) >= 1);
    }

    @Test
    void anExhaustedQuotaOrArrearsIs503NamingItNeverA401() {
        ernie().failNextOutOfQuota(1);
        VendorGateway.assertQuotaExhausted(api().post("/v1/chat/completions", key(), chat("ernie-chat", "hi", false)),
                "ernie-sim");
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aRefusedSecretARateLimitOrAnExhaustedQuotaFailOverToTheSecondChannel(boolean stream) {
        Failover.assertRefusalsFailOver(gateway(), key(), stream, "ernie-failover", "ernie-duo", "ernie-backup",
                () -> ernie().failNextRateLimited(1), () -> ernie().failNextOutOfQuota(1));
    }

    @Test
    void anExpiredAccessTokenIsRefreshedWithoutTheClientNoticing() {
        api().chatOk(key(), chat("ernie-chat", "warm up", false));
        int issued = ernie().tokensIssued();
        int expiredAnswers = ernie().expiredTokenAnswers();
        ernie().expireAllTokens();
        HttpResponse<String> res = api().chatOk(key(), chat("ernie-chat", "after expiry", false));
        assertEquals("echo: after expiry", json(res.body()).at("/choices/0/message/content").asText());
        assertEquals(expiredAnswers + 1, ernie().expiredTokenAnswers(), "ERNIE answered error 111 once");
        assertEquals(issued + 1, ernie().tokensIssued(), "the plugin fetched one new token and retried");
    }

    @Test
    void erniesSafetyRefusalIs400ContentFilter() {
        ernie().flagNext(1);
        assertError(api().post("/v1/chat/completions", key(), chat("ernie-chat", "something flagged", false)), 400,
                "content_filter");
    }

    @Test
    void aConversationErnieCannotTakeIs400WithTheReason() {
        ObjectNode request = JSON.createObjectNode().put("model", "ernie-chat");
        request.putArray("messages").add(message("user", "hi")).add(message("assistant", "prefilled answer"));
        JsonNode error = assertError(api().post("/v1/chat/completions", key(), request.toString()), 400, null);
        assertTrue(error.get("message").asText().contains("last message"), error.toString());
    }

    private static JsonNode assertError(HttpResponse<String> res, int status, String code) {
        assertEquals(status, res.statusCode(), res.body());
        JsonNode error = json(res.body()).get("error");
        assertTrue(error != null && error.isObject(), res.body());
        for (String field : List.of("message", "type", "param", "code")) {
            assertTrue(error.has(field), "error has " + field + ": " + res.body());
        }
        if (code != null) {
            assertEquals(code, error.get("code").asText(), res.body());
        }
        return error;
    }

    private static ObjectNode message(String role, String content) {
        return JSON.createObjectNode().put("role", role).put("content", content);
    }

    private static void channel(String name, String credential) {
        gateway().channel(name, "ernie", ernie().baseUri().toString(), credential, "ERNIE-3.5-8K", "Embedding-V1");
    }
}
