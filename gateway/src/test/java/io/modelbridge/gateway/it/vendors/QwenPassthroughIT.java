package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import io.modelbridge.testkit.openai.OpenAiStyle;
import io.modelbridge.testkit.qwen.QwenSimulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimal-rewrite passthrough through the qwen plugin: a channel in DashScope's OpenAI-compatible mode
 * ({@code mode=compatible}) gets a plain request as the client's bytes, only the model replaced; a native channel
 * still gets DashScope's own body.
 */
@Timeout(120)
class QwenPassthroughIT {
    static final String MESSAGES = "\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}]";
    @TempDir
    static Path dataDir;
    static OpenAiSimulator compatible;
    static QwenSimulator dashscope;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        compatible = OpenAiSimulator.start(OpenAiStyle.OPENAI.withBasePath("/compatible-mode/v1"),
                "sk-dashscope-compatible-0123456789", List.of("qwen-plus"));
        dashscope = QwenSimulator.start();
        gateway = RunningGateway.start(dataDir, RunningGateway::exposingRouting);
        api = new ApiCalls(gateway.api());
        gateway.admin("POST", "/channels", channel("qwen-compatible", compatible.baseUri(), compatible.apiKey(), true));
        gateway.admin("POST", "/channels", channel("qwen-native", dashscope.baseUri(), dashscope.apiKey(), false));
        alias("qc", "qwen-compatible");
        alias("qn", "qwen-native");
        key = gateway.userWithKey("qwen-passthrough");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        compatible.close();
        dashscope.close();
    }

    static ObjectNode channel(String name, URI baseUrl, String credential, boolean compatibleMode) {
        ObjectNode channel = JSON.createObjectNode().put("name", name).put("provider", "qwen")
                .put("credential", credential).put("base_url", baseUrl.toString());
        channel.putArray("models").add("qwen-plus");
        if (compatibleMode) {
            channel.putObject("extras").put("mode", "compatible");
        }
        return channel;
    }

    static void alias(String name, String channel) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("targets").addObject().put("channel", channel).put("model", "qwen-plus");
        gateway.admin("PUT", "/aliases/" + name, body);
    }

    @Test
    void theCompatibleModeGetsTheClientsBytesWithOnlyTheModelReplaced() {
        String client = "{ \"temperature\":1.0,\"x_vendor\":{\"k\":[1e2]}," + MESSAGES + ",\"model\" : \"qc\","
                + "\"max_tokens\":64 }";
        HttpResponse<String> res = api.chatOk(key, client);
        assertEquals(client.replace("\"qc\"", "\"qwen-plus\""), compatible.lastRequest().body());
        assertEquals("/compatible-mode/v1/chat/completions", compatible.lastRequest().path());
        assertEquals("echo: hi", json(res.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void theNativeProtocolStillGetsDashScopesBody() {
        api.chatOk(key, "{\"model\":\"qn\"," + MESSAGES + "}");
        JsonNode sent = dashscope.lastRequest().json();
        assertEquals("qwen-plus", sent.path("model").asText(), sent.toString());
        assertTrue(sent.has("input"), sent.toString());
    }
}
