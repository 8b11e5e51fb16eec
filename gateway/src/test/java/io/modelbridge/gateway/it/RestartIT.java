package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything an operator set up, and every usage row, survives a restart on the embedded database. */
class RestartIT {
    @TempDir
    Path dataDir;

    @Test
    void usersKeysChannelsAliasesAndUsageSurviveARestart() {
        try (OpenAiSimulator upstream = OpenAiSimulator.start()) {
            String key;
            try (RunningGateway first = RunningGateway.start(dataDir)) {
                var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                        .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
                channel.putArray("models").add("gpt-4o");
                first.admin("POST", "/channels", channel);
                var alias = JSON.createObjectNode();
                alias.putArray("targets").addObject().put("channel", "sim").put("model", "gpt-4o");
                first.admin("PUT", "/aliases/durable", alias);
                key = first.userWithKey("carol");
                assertEquals(200, new ApiCalls(first.api()).post("/v1/chat/completions", key,
                        chat("durable", "before the restart", false)).statusCode());
            }
            try (RunningGateway second = RunningGateway.start(dataDir)) {
                // The key hash, the sealed credential (same master key file) and the alias all still work.
                HttpResponse<String> res = new ApiCalls(second.api()).post("/v1/chat/completions", key,
                        chat("durable", "after the restart", false));
                assertEquals(200, res.statusCode(), res.body());
                assertEquals("echo: after the restart", json(res.body()).at("/choices/0/message/content").asText());
                UsageRows.find(second, res.headers().firstValue("x-modelbridge-request-id").orElseThrow());
                assertEquals("carol", second.admin("GET", "/users/carol", null).get("name").asText());
                assertEquals("sim", second.admin("GET", "/channels/sim", null).get("name").asText());
                assertEquals("sim", second.admin("GET", "/aliases/durable", null).at("/targets/0/channel").asText());
                JsonNode usage = second.admin("GET", "/usage?user=carol", null);
                assertEquals(2, usage.at("/totals/requests").asInt(), usage.toString());
            }
        }
    }
}
