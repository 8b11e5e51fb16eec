package io.modelbridge.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /channels/{name}/test through the real openai plugin jar against the OpenAI simulator. */
class ChannelTestTest {
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir);
        gateway.admin("POST", "/channels", channel("sim", upstream.apiKey()).put("enabled", false));
        gateway.admin("POST", "/channels", channel("sim-wrong-key", "sk-not-the-right-key-000"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void heal() {
        upstream.reset();
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode channel(String name, String key) {
        var body = RunningGateway.JSON.createObjectNode().put("name", name).put("provider", "openai")
                .put("credential", key).put("base_url", upstream.baseUri().toString());
        body.putArray("models").add("gpt-4o-mini").add("gpt-4o");
        return body;
    }

    @Test
    void aWorkingChannelAnswersWithItsLatencyEvenWhenDisabled() {
        upstream.clearRequests();
        JsonNode result = gateway.admin("POST", "/channels/sim/test", "{}");
        assertTrue(result.path("ok").asBoolean(), result.toString());
        assertEquals("gpt-4o-mini", result.path("model").asText(), "the channel's first model");
        assertTrue(result.path("latency_ms").asLong() >= 0);
        assertFalse(result.path("reply").asText().isEmpty());
        assertTrue(result.at("/usage/prompt_tokens").asInt() > 0);
        assertEquals(1, upstream.requests().size(), "exactly one upstream call");
        JsonNode sent = upstream.lastRequest().json();
        assertEquals("gpt-4o-mini", sent.path("model").asText());
        assertEquals("Bearer " + upstream.apiKey(), upstream.lastRequest().header("authorization").orElseThrow());

        JsonNode chosen = gateway.admin("POST", "/channels/sim/test", "{\"model\":\"gpt-4o\"}");
        assertTrue(chosen.path("ok").asBoolean());
        assertEquals("gpt-4o", chosen.path("model").asText());
        assertEquals(0, gateway.admin("GET", "/usage", null).at("/totals/requests").asInt(), "tests are not usage");
    }

    @Test
    void aRefusedCredentialIsTheMappedClientError() {
        JsonNode result = gateway.admin("POST", "/channels/sim-wrong-key/test", "{}");
        assertFalse(result.path("ok").asBoolean());
        assertEquals(502, result.at("/error/status").asInt());
        assertEquals("upstream_auth_failed", result.at("/error/code").asText());
        assertTrue(result.at("/error/message").asText().contains("sim-wrong-key"));
    }

    @Test
    void anUpstreamOutageIsReportedNotRetried() {
        upstream.failNextOverloaded(1);
        JsonNode result = gateway.admin("POST", "/channels/sim/test", "{}");
        assertFalse(result.path("ok").asBoolean());
        assertEquals("upstream_unavailable", result.at("/error/code").asText());
        assertEquals(503, result.at("/error/status").asInt());
    }
}
