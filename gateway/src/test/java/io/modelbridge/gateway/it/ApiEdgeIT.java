package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's HTTP edge over raw sockets: CORS on the /v1 routes only (never the portal, never the admin listener),
 * HEAD, 405 with Allow, x-request-id on every API answer, and requests refused before routing recorded with their
 * model. The browser's side of CORS is {@link CorsBrowserIT}.
 */
class ApiEdgeIT {
    static final String PAGE = "http://chat.example.test:3000";
    @TempDir
    static Path dataDir;
    static OpenAiSimulator upstream;
    static RunningGateway gateway;
    static String key;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir);
        ObjectNode channel = JSON.createObjectNode().put("name", "edge-sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        ObjectNode dead = JSON.createObjectNode().put("name", "edge-dead").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", "http://127.0.0.1:9"); // nothing listens
        gateway.admin("POST", "/channels", dead);
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "edge-dead").put("model", "gpt-4o");
        gateway.admin("PUT", "/aliases/dead", alias);
        key = gateway.userWithKey("edge");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aPreflightFromAnyOriginIsAnswered204WithWhatSdksSend() {
        RawHttp.Reply reply = raw(gateway.api(), "OPTIONS /v1/chat/completions", "Origin: " + PAGE,
                "Access-Control-Request-Method: POST",
                "Access-Control-Request-Headers: authorization,content-type,x-stainless-os,x-stainless-retry-count,"
                        + "openai-organization,x-evil header");
        assertEquals(204, reply.status(), reply.toString());
        assertEquals("*", reply.headers().get("access-control-allow-origin"));
        assertTrue(reply.headers().get("access-control-allow-methods").contains("POST"));
        List<String> allowed = List.of(reply.headers().get("access-control-allow-headers").split(",\\s*"));
        assertTrue(allowed.containsAll(List.of("authorization", "content-type", "x-api-key", "x-stainless-os",
                "x-stainless-retry-count", "openai-organization")), allowed.toString());
        assertFalse(allowed.stream().anyMatch(h -> h.contains("evil")), allowed.toString());
        assertEquals("7200", reply.headers().get("access-control-max-age"));
        assertTrue(reply.headers().containsKey("x-request-id"), "a preflight carries the request ids too");
    }

    @Test
    void anApiAnswerToAPageExposesRequestIdAndRateHeaders() {
        RawHttp.Reply reply = raw(gateway.api(), "GET /v1/models", "Authorization: Bearer " + key, "Origin: " + PAGE);
        assertEquals(200, reply.status(), reply.body());
        assertEquals("*", reply.headers().get("access-control-allow-origin"));
        String exposed = reply.headers().get("access-control-expose-headers");
        for (String h : List.of("x-request-id", "x-ratelimit-remaining-requests", "x-ratelimit-reset-tokens",
                "retry-after")) {
            assertTrue(exposed.contains(h), exposed);
        }
        assertNull(reply.headers().get("access-control-allow-credentials"), "never with credentials");
    }

    @Test
    void thePortalAndTheAdminListenerSendNoCorsHeaders() {
        for (RawHttp.Reply reply : List.of(
                raw(gateway.api(), "GET /", "Origin: " + PAGE),
                raw(gateway.api(), "OPTIONS /", "Origin: " + PAGE, "Access-Control-Request-Method: POST"),
                raw(gateway.api(), "OPTIONS /login", "Origin: " + PAGE, "Access-Control-Request-Method: POST"),
                raw(gateway.admin(), "GET /admin/v1/users", "Authorization: Bearer " + RunningGateway.ADMIN_TOKEN,
                        "Origin: " + PAGE),
                raw(gateway.admin(), "OPTIONS /admin/v1/users", "Origin: " + PAGE,
                        "Access-Control-Request-Method: DELETE", "Access-Control-Request-Headers: authorization"))) {
            assertTrue(reply.status() > 0, reply.toString());
            assertTrue(reply.headers().keySet().stream().noneMatch(h -> h.startsWith("access-control-")),
                    reply.headers().toString());
        }
    }

    @Test
    void headAnswersLikeGetWithoutABody() {
        RawHttp.Reply models = raw(gateway.api(), "HEAD /v1/models", "Authorization: Bearer " + key);
        assertEquals(200, models.status(), models.toString());
        assertTrue(models.headers().get("content-type").startsWith("application/json"));
        assertEquals("", models.body());
        assertTrue(models.headers().containsKey("x-request-id"));
        assertEquals(401, raw(gateway.api(), "HEAD /v1/models").status(), "HEAD checks the key as GET does");
        assertEquals(200, raw(gateway.api(), "HEAD /v1/models/gpt-4o", "Authorization: Bearer " + key).status());

        RawHttp.Reply home = raw(gateway.api(), "HEAD /");
        assertEquals(200, home.status(), home.toString());
        assertTrue(home.headers().get("content-type").startsWith("text/html"));
        assertEquals("", home.body());
    }

    @Test
    void aKnownPathWithTheWrongMethodIs405WithAllowInOpenAisShape() {
        for (String line : List.of("DELETE /v1/chat/completions", "GET /v1/chat/completions",
                "OPTIONS /v1/chat/completions", "PUT /v1/embeddings", "POST /v1/models")) {
            RawHttp.Reply reply = raw(gateway.api(), line, "Authorization: Bearer " + key);
            assertEquals(405, reply.status(), line + ": " + reply);
            JsonNode error = json(reply.body()).get("error");
            assertEquals("method_not_allowed", error.get("code").asText(), reply.body());
            assertEquals("invalid_request_error", error.get("type").asText());
            assertTrue(error.has("param"));
            assertEquals(line.endsWith("models") ? "GET, HEAD" : "POST", reply.headers().get("allow"), line);
            assertTrue(reply.headers().containsKey("x-request-id"), line);
        }
        RawHttp.Reply unknown = raw(gateway.api(), "GET /v1/nothing-here", "Authorization: Bearer " + key);
        assertEquals(404, unknown.status());
        assertTrue(unknown.headers().containsKey("x-request-id"), "a 404 carries the request id");
    }

    @Test
    void everyApiAnswerCarriesTheRequestIdTheClientSent() {
        for (String path : List.of("/v1/models", "/v1/models/gpt-4o", "/v1/models/unknown", "/v1/unknown")) {
            RawHttp.Reply reply = raw(gateway.api(), "GET " + path, "Authorization: Bearer " + key,
                    "x-request-id: edge-" + path.length());
            assertEquals("edge-" + path.length(), reply.headers().get("x-request-id"), path);
            assertTrue(reply.headers().get("x-modelbridge-request-id").startsWith("req_"), path);
        }
    }

    @Test
    void streamOptionsWithoutStreamIs400AndTheRefusalIsRecordedWithItsModel() {
        String body = "{\"model\":\"gpt-4o\",\"stream\":false,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        RawHttp.Reply reply = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                body.getBytes(StandardCharsets.UTF_8), "x-request-id: edge-stream-options");
        assertEquals(400, reply.status(), reply.body());
        JsonNode error = json(reply.body()).get("error");
        assertEquals("stream_options", error.get("param").asText());
        assertEquals("invalid_request_error", error.get("type").asText());
        JsonNode row = UsageRows.find(gateway, "edge-stream-options");
        assertEquals("gpt-4o", row.get("model").asText(), row.toString());

        RawHttp.Reply malformed = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                "{\"model\":\"gpt-4o\",\"messages\":\"not a list\"}".getBytes(StandardCharsets.UTF_8),
                "x-request-id: edge-malformed");
        assertEquals(400, malformed.status());
        assertEquals("gpt-4o", UsageRows.find(gateway, "edge-malformed").get("model").asText());
        String metrics = raw(gateway.admin(), "GET /metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("modelbridge_requests_total{")
                && l.contains("alias=\"gpt-4o\"") && l.contains("status=\"400\"")), "the alias label names the model");

        RawHttp.Reply madeUp = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                "{\"model\":\"made-up-model\",\"messages\":7}".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, madeUp.status());
        assertFalse(raw(gateway.admin(), "GET /metrics").body().contains("made-up-model"),
                "a model nothing serves mints no series");
        assertEquals(200, RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                chat("gpt-4o", "hi", false).getBytes(StandardCharsets.UTF_8)).status(), "stream false alone is fine");
    }

    @Test
    void streamOptionsOfTheWrongTypeAre400NamingTheField() {
        for (String[] c : new String[][] {
                {"\"yes\"", "stream_options", "an object"},
                {"[true]", "stream_options", "an object"},
                {"{\"include_usage\":\"yes\"}", "stream_options.include_usage", "a boolean"},
                {"{\"include_usage\":1}", "stream_options.include_usage", "a boolean"}}) {
            String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":" + c[0]
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            RawHttp.Reply reply = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                    body.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, reply.status(), c[0] + ": " + reply.body());
            JsonNode error = json(reply.body()).get("error");
            assertEquals(c[1], error.get("param").asText(), reply.body());
            assertEquals("Invalid type for '" + c[1] + "': expected " + c[2] + ".", error.get("message").asText());
        }
        RawHttp.Reply completion = RawHttp.post(gateway.api(), "/v1/completions", key,
                "{\"model\":\"gpt-4o\",\"prompt\":\"hi\",\"stream\":true,\"stream_options\":\"yes\"}"
                        .getBytes(StandardCharsets.UTF_8));
        assertEquals(400, completion.status(), completion.body());
        assertEquals("stream_options", json(completion.body()).at("/error/param").asText(), completion.body());
    }

    @Test
    void allSixRateHeadersWheneverALimitAppliesAndA429NoWaitCanFixSaysDoNotRetry() {
        String limited = gateway.userWithKey("edge-rpm");
        gateway.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"edge-rpm\",\"rpm\":100}");
        RawHttp.Reply ok = RawHttp.post(gateway.api(), "/v1/chat/completions", limited,
                chat("gpt-4o", "hi", false).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, ok.status(), ok.body());
        assertEquals("100", ok.headers().get("x-ratelimit-limit-requests"));
        assertEquals("99", ok.headers().get("x-ratelimit-remaining-requests"));
        assertEquals("2147483647", ok.headers().get("x-ratelimit-limit-tokens"), "no token limit: nothing to wait for");
        assertEquals("2147483647", ok.headers().get("x-ratelimit-remaining-tokens"));
        assertEquals("0s", ok.headers().get("x-ratelimit-reset-tokens"));

        String small = gateway.userWithKey("edge-tpm");
        gateway.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"edge-tpm\",\"tpm\":50}");
        String tooLarge = "{\"model\":\"gpt-4o\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}";
        RawHttp.Reply refused = RawHttp.post(gateway.api(), "/v1/chat/completions", small,
                tooLarge.getBytes(StandardCharsets.UTF_8));
        assertEquals(429, refused.status(), refused.body());
        assertTrue(json(refused.body()).at("/error/message").asText().startsWith("Request too large"));
        assertEquals("false", refused.headers().get("x-should-retry"));
        assertNull(refused.headers().get("retry-after"), "waiting cannot fix it");
        for (String h : List.of("limit", "remaining", "reset")) {
            assertTrue(refused.headers().containsKey("x-ratelimit-" + h + "-requests"), refused.headers().toString());
            assertTrue(refused.headers().containsKey("x-ratelimit-" + h + "-tokens"), refused.headers().toString());
        }

        String busy = gateway.userWithKey("edge-busy");
        gateway.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"edge-busy\",\"rpm\":1}");
        byte[] hi = chat("gpt-4o", "hi", false).getBytes(StandardCharsets.UTF_8);
        assertEquals(200, RawHttp.post(gateway.api(), "/v1/chat/completions", busy, hi).status());
        RawHttp.Reply later = RawHttp.post(gateway.api(), "/v1/chat/completions", busy, hi);
        assertEquals(429, later.status());
        assertTrue(Long.parseLong(later.headers().get("retry-after")) >= 1, "a wait fixes this one");
        assertNull(later.headers().get("x-should-retry"));
    }

    @Test
    void callersSeeNeitherChannelsNorUpstreamUrlsUnlessRoutingIsExposed() {
        RawHttp.Reply served = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                chat("gpt-4o", "hi", false).getBytes(StandardCharsets.UTF_8), "x-request-id: edge-served");
        assertEquals(200, served.status(), served.body());
        assertNoRouting(served);
        assertEquals("edge-sim", UsageRows.find(gateway, "edge-served").get("channel").asText(), "the row keeps it");

        RawHttp.Reply streamed = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                chat("gpt-4o", "hi", true).getBytes(StandardCharsets.UTF_8), "Accept: text/event-stream");
        assertEquals(200, streamed.status(), streamed.body());
        assertNoRouting(streamed);

        RawHttp.Reply dead = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                chat("dead", "hi", false).getBytes(StandardCharsets.UTF_8), "x-request-id: edge-dead");
        assertEquals(502, dead.status(), dead.body());
        assertEquals("upstream_unavailable", json(dead.body()).at("/error/code").asText());
        assertNoRouting(dead);
        assertEquals("edge-dead", UsageRows.find(gateway, "edge-dead").get("channel").asText());

        upstream.wordsPerChunk(1);
        upstream.replyWith("one two three four five six");
        upstream.dropStreamAfter(2);
        try {
            RawHttp.Reply cut = RawHttp.post(gateway.api(), "/v1/chat/completions", key,
                    chat("gpt-4o", "hi", true).getBytes(StandardCharsets.UTF_8), "Accept: text/event-stream",
                    "x-request-id: edge-cut");
            assertEquals(200, cut.status());
            assertTrue(cut.body().contains("\"error\""), "the stream ends with an error event: " + cut.body());
            assertNoRouting(cut);
            assertFalse(UsageRows.find(gateway, "edge-cut").path("error_code").isNull());
        } finally {
            upstream.reset();
        }
    }

    /** No routing header, and nothing in the body that names a channel or an upstream address. */
    private static void assertNoRouting(RawHttp.Reply reply) {
        assertTrue(reply.headers().keySet().stream().noneMatch(h -> h.startsWith("x-modelbridge-")
                && !h.equals("x-modelbridge-request-id")), reply.headers().toString());
        for (String secret : List.of("edge-sim", "edge-dead", "127.0.0.1", "http://", "channel")) {
            assertFalse(reply.body().contains(secret), secret + " in " + reply.body());
        }
    }

    /** One request, its lines after the request line, no body. */
    static RawHttp.Reply raw(URI server, String requestLine, String... headers) {
        StringBuilder head = new StringBuilder(requestLine + " HTTP/1.1\r\nHost: " + server.getHost()
                + "\r\nConnection: close");
        for (String h : headers) {
            head.append("\r\n").append(h);
        }
        return RawHttp.exchange(server, head.toString(), new byte[0]);
    }
}
