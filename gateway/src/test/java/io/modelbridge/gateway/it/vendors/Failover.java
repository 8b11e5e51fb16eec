package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.gateway.it.UsageRows;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * Failover through a vendor plugin, shared by the vendor ITs of this package: an alias whose first target (priority
 * 0) is refused by the vendor and whose second (priority 1) serves, and the checks that the client got the second
 * channel's answer, said so by the {@code x-modelbridge-channel} header and by the usage row.
 */
final class Failover {
    private Failover() {}

    /** An alias {@code name} served by {@code first} (priority 0), then by {@code second} (priority 1). */
    static void alias(RunningGateway gateway, String name, String first, String second, String upstreamModel) {
        ObjectNode body = RunningGateway.JSON.createObjectNode();
        var targets = body.putArray("targets");
        targets.addObject().put("channel", first).put("model", upstreamModel).put("priority", 0);
        targets.addObject().put("channel", second).put("model", upstreamModel).put("priority", 1);
        gateway.admin("PUT", "/aliases/" + name, body);
    }

    /**
     * The refusals that are the operator's problem fail over to {@code backup}: through {@code refusedAlias}, whose
     * first target's credential the vendor refuses; then through {@code scriptedAlias} once after each of
     * {@code refuseNext}, which scripts the simulator to refuse the next call (rate limit, balance, quota), so that
     * the first target takes the refusal and {@code backup} the retry.
     */
    static void assertRefusalsFailOver(RunningGateway gateway, String key, String refusedAlias, String scriptedAlias,
            String backup, Runnable... refuseNext) {
        assertServedBy(gateway, key, refusedAlias, backup);
        for (Runnable refusal : refuseNext) {
            refusal.run();
            assertServedBy(gateway, key, scriptedAlias, backup);
        }
    }

    /**
     * Asks {@code alias} one non-streamed question and asserts that {@code channel} answered it: 200 with the
     * simulator's echo, the channel named in {@code x-modelbridge-channel}, and the usage row on that channel.
     * Returns the usage row.
     */
    static JsonNode assertServedBy(RunningGateway gateway, String key, String alias, String channel) {
        String requestId = "failover-" + UUID.randomUUID();
        String text = "fail over please";
        HttpResponse<String> res = new ApiCalls(gateway.api())
                .post("/v1/chat/completions", key, ApiCalls.chat(alias, text, false), "x-request-id", requestId);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("echo: " + text, json(res.body()).at("/choices/0/message/content").asText(), res.body());
        assertEquals(channel, res.headers().firstValue("x-modelbridge-channel").orElseThrow(), res.headers().toString());
        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(channel, row.get("channel").asText(), row.toString());
        assertEquals(200, row.get("status").asInt(), row.toString());
        assertEquals(alias, row.get("model").asText(), row.toString());
        return row;
    }
}
