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
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DeepSeek end to end: the deepseek plugin jar loaded by PF4J in a running gateway, against the DeepSeek simulator. */
class DeepSeekGatewayIT {
    @RegisterExtension
    static final VendorGatewayExtension<DeepSeekSimulator> SETUP =
            VendorGatewayExtension.of(DeepSeekSimulator::start, DeepSeekSimulator::reset,
                    (simulator, gateway) -> configure());

    /** The channels and aliases of this IT. */
    private static void configure() {
        List<String> models = List.of("deepseek-chat", "deepseek-reasoner");
        gw().channel("deepseek-main", "deepseek", deepseek().baseUri(), deepseek().apiKey(), models);
        gw().channel("deepseek-bad-key", "deepseek", deepseek().baseUri(), "sk-revoked00000000000000000000000", models);
        gw().channel("deepseek-flaky", "deepseek", deepseek().baseUri(), deepseek().apiKey(), models);
        gw().channel("deepseek-backup", "deepseek", deepseek().baseUri(), deepseek().apiKey(), models);
        gw().alias("ds", "deepseek-main", "deepseek-chat");
        gw().alias("ds-think", "deepseek-main", "deepseek-reasoner");
        gw().alias("ds-broken", "deepseek-bad-key", "deepseek-chat");
        Failover.alias(gw().gateway, "ds-failover", "deepseek-bad-key", "deepseek-backup", "deepseek-chat");
        Failover.alias(gw().gateway, "ds-duo", "deepseek-flaky", "deepseek-backup", "deepseek-chat");
    }

    private static DeepSeekSimulator deepseek() {
        return SETUP.simulator();
    }

    private static VendorGateway gw() {
        return SETUP.gateway();
    }

    @Test
    void thePluginListingShowsTheCredentialFormat() {
        JsonNode plugin = gw().plugin("deepseek");
        assertTrue(plugin.path("credential_format").asText().contains("Bearer sk-..."), plugin.toString());
        assertEquals("deepseek", plugin.path("provider_ids").get(0).asText());
        assertTrue(plugin.path("known_models").toString().contains("deepseek-reasoner"), plugin.toString());
    }

    @Test
    void nonStreamedChatWithUsage() {
        HttpResponse<String> res = gw().chat(ask("ds", "hello deepseek", false).toString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals("ds", body.get("model").asText());
        assertEquals("echo: hello deepseek", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(2, body.at("/usage/prompt_tokens").asInt());
        assertEquals(3, body.at("/usage/completion_tokens").asInt());
        assertEquals(5, body.at("/usage/total_tokens").asInt());
        assertEquals("/chat/completions", deepseek().lastRequest().path());
        assertEquals("deepseek-chat", deepseek().lastRequest().json().get("model").asText());
        assertEquals("deepseek-main", res.headers().firstValue("x-modelbridge-channel").orElseThrow());
    }

    @Test
    void streamedChatWithUsage() {
        List<JsonNode> events = gw().stream(ask("ds", "stream it please", true).toString());
        assertEquals("echo: stream it please", joined(events, "content"));
        assertTrue(events.stream().anyMatch(e -> e.at("/choices/0/finish_reason").asText().equals("stop")));
        JsonNode usage = VendorGateway.streamUsage(events);
        assertEquals(3, usage.get("prompt_tokens").asInt());
        assertEquals(4, usage.get("completion_tokens").asInt());
    }

    @Test
    void toolCallInBothModes() {
        HttpResponse<String> res = gw().chat(VendorGateway.withWeatherTool(ask("ds", "Paris", false)).toString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode choice = json(res.body()).at("/choices/0");
        assertEquals("tool_calls", choice.get("finish_reason").asText());
        JsonNode call = choice.at("/message/tool_calls/0");
        assertEquals("get_weather", call.at("/function/name").asText());
        assertEquals("{\"city\":\"Paris\"}", call.at("/function/arguments").asText());
        assertFalse(call.get("id").asText().isEmpty());
        assertEquals("get_weather", deepseek().lastRequest().json().at("/tools/0/function/name").asText());

        List<JsonNode> events = gw().stream(VendorGateway.withWeatherTool(ask("ds", "Paris", true)).toString());
        StringBuilder arguments = new StringBuilder();
        String name = null;
        for (JsonNode event : events) {
            for (JsonNode delta : event.at("/choices/0/delta/tool_calls")) {
                name = name == null ? delta.at("/function/name").asText(null) : name;
                arguments.append(delta.at("/function/arguments").asText(""));
            }
        }
        assertEquals("get_weather", name);
        assertEquals("{\"city\":\"Paris\"}", arguments.toString());
        assertTrue(events.stream().anyMatch(e -> e.at("/choices/0/finish_reason").asText().equals("tool_calls")));
    }

    @Test
    void reasonerReasoningContentIsRelayedInBothModes() {
        HttpResponse<String> res = gw().chat(ask("ds-think", "9.11 or 9.8", false).toString());
        assertEquals(200, res.statusCode(), res.body());
        JsonNode message = json(res.body()).at("/choices/0/message");
        assertEquals("Thinking about: 9.11 or 9.8", message.get("reasoning_content").asText());
        assertEquals("echo: 9.11 or 9.8", message.get("content").asText());

        List<JsonNode> events = gw().stream(ask("ds-think", "9.11 or 9.8", true).toString());
        assertEquals("Thinking about: 9.11 or 9.8", joined(events, "reasoning_content"));
        assertEquals("echo: 9.11 or 9.8", joined(events, "content"));
        int lastThought = -1;
        int firstAnswer = -1;
        for (int i = 0; i < events.size(); i++) {
            JsonNode delta = events.get(i).at("/choices/0/delta");
            if (!delta.path("reasoning_content").asText("").isEmpty()) {
                lastThought = i;
            }
            if (firstAnswer < 0 && !delta.path("content").asText("").isEmpty()) {
                firstAnswer = i;
            }
        }
        assertTrue(lastThought >= 0 && lastThought < firstAnswer, "reasoning streams before the answer");
        VendorGateway.streamUsage(events);
    }

    @Test
    void aCredentialDeepSeekRefusesIsTheOperatorsProblemNotA401() {
        HttpResponse<String> res = gw().chat(ask("ds-broken", "hi", false).toString());
        assertNotEquals(401, res.statusCode());
        JsonNode error = assertError(res, 502, "upstream_auth_failed");
        assertEquals("deepseek-bad-key", res.headers().firstValue("x-modelbridge-channel").orElse(""), "names the channel to fix");
        assertFalse(res.body().contains("sk-revoked"), "the channel's key never reaches the caller");
    }

    @Test
    void anExhaustedBalanceIs503NamingIt() {
        deepseek().failNextInsufficientBalance(1);
        VendorGateway.assertQuotaExhausted(gw().chat(ask("ds", "hi", false).toString()), "deepseek-main");
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aRefusedKeyARateLimitOrAnExhaustedBalanceFailsOverToTheSecondChannel(boolean stream) {
        Failover.assertRefusalsFailOver(gw().gateway, gw().key, stream, "ds-failover", "ds-duo", "deepseek-backup",
                () -> deepseek().failNextRateLimited(1, null), () -> deepseek().failNextInsufficientBalance(1));
    }

    @Test
    void aRateLimitIs429WithRetryAfter() {
        deepseek().failNextRateLimited(1, null);
        HttpResponse<String> res = gw().chat(ask("ds", "hi", false).toString());
        assertError(res, 429, "rate_limit_exceeded");
        assertTrue(Integer.parseInt(res.headers().firstValue("retry-after").orElseThrow()) >= 1);
        deepseek().failNextRateLimited(1, java.time.Duration.ofSeconds(9));
        assertEquals("9",
                gw().chat(ask("ds", "hi", false).toString()).headers().firstValue("retry-after").orElseThrow());
    }

    /** DeepSeek's input moderation is a 400 "Content Exists Risk": the client gets the content-filter error. */
    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aPromptDeepSeeksModerationRefusesIs400ContentFilter(boolean stream) {
        deepseek().failNext(1, 400, "invalid_request_error", "Content Exists Risk");
        HttpResponse<String> res = gw().api.post("/v1/chat/completions", gw().key, ask("ds", "hi", stream).toString());
        JsonNode error = assertError(res, 400, "content_filter");
        assertTrue(error.get("message").asText().contains("Content Exists Risk"), error.toString());
    }

    @Test
    void whatDeepSeekWouldRejectIsA400FromTheGateway() {
        var body = ask("ds-think", "hi", false).put("logprobs", true);
        JsonNode error = assertError(gw().chat(body.toString()), 400, null);
        assertTrue(error.get("message").asText().contains("logprobs"), error.toString());
    }
}
