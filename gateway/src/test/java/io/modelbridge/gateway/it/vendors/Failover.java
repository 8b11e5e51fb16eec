package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.gateway.it.UsageRows;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Failover through a vendor plugin, shared by the vendor ITs of this package: an alias whose first target (priority
 * 0) is refused by the vendor and whose second (priority 1) serves, and the checks that the first target was tried,
 * and that the client got the second channel's whole answer (a plain body, or an SSE stream ending in
 * {@code [DONE]}), said so by the {@code x-modelbridge-channel} header and by the usage row.
 */
final class Failover {
    private static final String QUESTION = "fail over please";

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
     * The refusals that are the operator's problem fail over to {@code backup}, the request streamed or not (a
     * refusal comes before the first byte, so a stream may move on too): through {@code refusedAlias}, whose first
     * target's credential the vendor refuses; then through {@code scriptedAlias} once after each of
     * {@code refuseNext}, which scripts the simulator to refuse the next call (rate limit, balance, quota), so that
     * the first target takes the refusal and {@code backup} the retry.
     */
    static void assertRefusalsFailOver(RunningGateway gateway, String key, boolean stream, String refusedAlias,
            String scriptedAlias, String backup, Runnable... refuseNext) {
        assertServedBy(gateway, key, stream, refusedAlias, backup);
        for (Runnable refusal : refuseNext) {
            refusal.run();
            assertServedBy(gateway, key, stream, scriptedAlias, backup);
        }
    }

    /**
     * Asks {@code alias} one question, streamed or not, and asserts that its first target was tried and failed (one
     * more consecutive failure on that channel's breaker) and that {@code channel} answered: 200 with the
     * simulator's whole echo, the channel named in {@code x-modelbridge-channel}, and the usage row on that channel.
     * Returns the usage row.
     */
    static JsonNode assertServedBy(RunningGateway gateway, String key, boolean stream, String alias, String channel) {
        String first = firstTarget(gateway, alias);
        int failuresBefore = consecutiveFailures(gateway, first);
        String requestId = "failover-" + (stream ? "stream-" : "") + UUID.randomUUID();
        ApiCalls api = new ApiCalls(gateway.api());
        String body = VendorGateway.ask(alias, QUESTION, stream).toString();
        HttpHeaders headers;
        if (stream) {
            HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, body, "x-request-id", requestId);
            headers = res.headers();
            boolean[] done = {false};
            List<JsonNode> events;
            try (Stream<String> lines = res.body()) {
                events = ApiCalls.sseEvents(lines.iterator(), done);
            }
            assertEquals(200, res.statusCode(), events.toString());
            assertTrue(headers.firstValue("content-type").orElse("").startsWith("text/event-stream"), headers.toString());
            assertTrue(done[0], "the stream from " + channel + " ends in data: [DONE]: " + events);
            assertEquals("echo: " + QUESTION, ApiCalls.text(events), events.toString());
            VendorGateway.streamUsage(events);
        } else {
            HttpResponse<String> res = api.post("/v1/chat/completions", key, body, "x-request-id", requestId);
            headers = res.headers();
            assertEquals(200, res.statusCode(), res.body());
            assertEquals("echo: " + QUESTION, json(res.body()).at("/choices/0/message/content").asText(), res.body());
        }
        assertEquals(channel, headers.firstValue("x-modelbridge-channel").orElseThrow(), headers.toString());
        assertEquals(failuresBefore + 1, consecutiveFailures(gateway, first),
                "the first target " + first + " was tried and failed before " + channel + " served");
        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(channel, row.get("channel").asText(), row.toString());
        assertEquals(200, row.get("status").asInt(), row.toString());
        assertEquals(alias, row.get("model").asText(), row.toString());
        assertTrue(row.get("completion_tokens").asInt() > 0, row.toString());
        return row;
    }

    private static String firstTarget(RunningGateway gateway, String alias) {
        for (JsonNode target : gateway.admin("GET", "/aliases/" + alias, null).path("targets")) {
            if (target.path("priority").asInt() == 0) {
                return target.path("channel").asText();
            }
        }
        throw new AssertionError("alias " + alias + " has no priority-0 target");
    }

    private static int consecutiveFailures(RunningGateway gateway, String channel) {
        return gateway.admin("GET", "/channels/" + channel, null).at("/breaker/consecutive_failures").asInt();
    }
}
