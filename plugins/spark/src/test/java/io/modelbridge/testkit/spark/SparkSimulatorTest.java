package io.modelbridge.testkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.WebSocketSession;
import io.modelbridge.testkit.DirectTransport;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator on the wire: iFlytek's URL check and handshake answers, frame sequence, request checks. */
class SparkSimulatorTest {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static SparkSimulator simulator;
    private static DirectTransport transport;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        simulator = SparkSimulator.start();
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        transport.close();
        simulator.close();
    }

    @AfterEach
    void reset() {
        simulator.reset();
    }

    /** The verifier's HMAC is checked against the vectors in vendor-protocols.md 5.3, not against the plugin. */
    @Test
    void signatureMatchesTheDocumentedVectors() {
        assertEquals("1jwQbIAKmQE7JwIH0IDxiC1pejrlN+VpHXDWOFVy5NM=", SparkAuth.signature(
                "apisecretXXXXXXXXXXXXXXXXXXXXXXX", "api.xf-yun.com", "Fri, 23 Apr 2021 02:35:47 GMT",
                "POST /v1/private/s782b4996 HTTP/1.1"));
        assertEquals("clPnEyuEu7bIDB/5Ycr1kUuXjnXlGuxrKwa9lQPILjo=", SparkAuth.signature(
                "0123456789abcdef0123456789abcdef", "spark-api.xf-yun.com", "Mon, 02 Jun 2025 08:00:00 GMT",
                "GET /v3.5/chat HTTP/1.1"));
    }

    @Test
    void refusedUpgradesGetTheGatewaysStatusAndMessage() throws Exception {
        String host = "127.0.0.1:" + simulator.baseUri().getPort();
        String now = DATE.format(Instant.now());
        assertAnswer(401, "Unauthorized", "/v3.5/chat", "date=" + enc(now) + "&host=" + enc(host));
        assertAnswer(401, "HMAC signature cannot be verified", "/v3.5/chat", "authorization=bm9wZQ&date=" + enc(now));
        assertAnswer(403, SparkAuth.BAD_DATE, "/v3.5/chat",
                signed("/v3.5/chat", SparkSimulator.DEFAULT_API_SECRET, host, Instant.now().minusSeconds(301), "api_key"));
        assertAnswer(401, "HMAC signature does not match", "/v3.5/chat",
                signed("/v3.5/chat", "wrong-secret", host, Instant.now(), "api_key"));
        assertAnswer(401, "HMAC signature does not match", "/v3.5/chat",
                signed("/v4.0/chat", SparkSimulator.DEFAULT_API_SECRET, host, Instant.now(), "api_key"));
        assertAnswer(401, "HMAC signature does not match", "/v3.5/chat",
                signed("/v3.5/chat", SparkSimulator.DEFAULT_API_SECRET, "spark-api.xf-yun.com", Instant.now(), "api_key"));
        assertAnswer(404, "no Route matched with those values", "/v9.9/chat", "");
        assertAnswer(426, "WebSocket upgrade required", "/v3.5/chat",
                signed("/v3.5/chat", SparkSimulator.DEFAULT_API_SECRET, host, Instant.now(), "api_key"));
    }

    @Test
    void aRefusedWebSocketUpgradeIsTheHttpStatusNot101() {
        String query = signed("/v3.5/chat", "wrong-secret", host(), Instant.now(), "api_key");
        ProviderException e = assertThrows(ProviderException.class,
                () -> transport.openWebSocket(uri("/v3.5/chat", query), Map.of()));
        assertEquals(401, e.failure().upstreamStatus());
    }

    @Test
    void framesComeWithStatusZeroOneTwoTheSameSidAndUsageOnTheLast() {
        List<JsonNode> frames = exchange("/v3.5/chat", request("generalv3.5", "hello there spark"), "api_key");
        assertEquals(List.of(0, 1, 1, 2), frames.stream().map(f -> f.path("header").path("status").asInt()).toList());
        assertEquals(List.of(0, 1, 2, 3),
                frames.stream().map(f -> f.path("payload").path("choices").path("seq").asInt()).toList());
        assertEquals(1, frames.stream().map(f -> f.path("header").path("sid").asText()).distinct().count());
        StringBuilder text = new StringBuilder();
        frames.forEach(f -> text.append(f.path("payload").path("choices").path("text").get(0).path("content").asText()));
        assertEquals("echo: hello there spark", text.toString());
        for (JsonNode f : frames.subList(0, 3)) {
            assertFalse(f.path("payload").has("usage"), f.toString());
        }
        JsonNode usage = frames.getLast().path("payload").path("usage").path("text");
        assertEquals(3, usage.path("question_tokens").asInt());
        assertEquals(3, usage.path("prompt_tokens").asInt());
        assertEquals(4, usage.path("completion_tokens").asInt());
        assertEquals(7, usage.path("total_tokens").asInt());
        assertEquals("/v3.5/chat", simulator.lastRequest().path());
    }

    /** one-api signs with {@code hmac username="…"} instead of the SDK's {@code api_key="…"}; both work. */
    @Test
    void oneApisAuthorizationFormIsAcceptedToo() {
        List<JsonNode> frames = exchange("/v1.1/chat", request("lite", "hi"), "hmac username");
        assertEquals(2, frames.getLast().path("header").path("status").asInt());
    }

    @Test
    void offeredFunctionsAreCalledOnTheFirstTurnInOneFrame() {
        ObjectNode request = request("4.0Ultra", "Paris");
        obj(request, "payload").putObject("functions").putArray("text").addObject().put("name", "get_weather")
                .putObject("parameters").put("type", "object").putArray("required").add("city");
        List<JsonNode> frames = exchange("/v4.0/chat", request, "api_key");
        assertEquals(1, frames.size());
        JsonNode item = frames.getFirst().path("payload").path("choices").path("text").get(0);
        assertEquals("", item.path("content").asText());
        assertEquals("get_weather", item.path("function_call").path("name").asText());
        assertEquals("{\"city\":\"Paris\"}", item.path("function_call").path("arguments").asText());
        assertEquals(2, frames.getFirst().path("header").path("status").asInt());
        assertNotNull(frames.getFirst().path("payload").path("usage").path("text").get("total_tokens"));
    }

    @Test
    void requestsOutsideSparksRulesGetSparksErrorCodes() {
        ObjectNode wrongApp = request("generalv3.5", "hi");
        obj(wrongApp, "header").put("app_id", "someone-else");
        assertError(11200, "/v3.5/chat", wrongApp);
        assertError(10163, "/v3.5/chat", request("generalv3", "hi"));
        ObjectNode hot = request("generalv3.5", "hi");
        obj(obj(hot, "parameter"), "chat").put("temperature", 1.5);
        assertError(10163, "/v3.5/chat", hot);
        ObjectNode many = request("lite", "hi");
        obj(obj(many, "parameter"), "chat").put("max_tokens", 8192);
        assertError(10163, "/v1.1/chat", many);
        ObjectNode system = request("lite", "hi");
        ((com.fasterxml.jackson.databind.node.ArrayNode) obj(obj(system, "payload"), "message").get("text"))
                .insertObject(0).put("role", "system").put("content", "x");
        assertError(10163, "/v1.1/chat", system);
        assertError(10907, "/v3.5/chat", request("generalv3.5", "word ".repeat(9000)));
        simulator.failNextRateLimited(1);
        assertError(11202, "/v3.5/chat", request("generalv3.5", "hi"));
    }

    @Test
    void aUsedUpTokenAllowanceIsAnError11200FrameNamingTokensTotal() {
        simulator.failNextTokensExhausted(1);
        List<JsonNode> frames = exchange("/v3.5/chat", request("generalv3.5", "hi"), "api_key");
        assertEquals(1, frames.size(), frames.toString());
        JsonNode header = frames.getFirst().path("header");
        assertEquals(11200, header.path("code").asInt());
        assertTrue(header.path("message").asText().startsWith("AppIdNoAuthError:"), header.toString());
        assertTrue(header.path("message").asText().endsWith("tokens.total"), header.toString());
        assertEquals("echo: hi", exchange("/v3.5/chat", request("generalv3.5", "hi"), "api_key").stream()
                .map(f -> f.at("/payload/choices/text/0/content").asText("")).reduce("", String::concat),
                "one request only");
    }

    @Test
    void anErrorFrameMidStreamFollowsTheFramesAlreadySent() {
        simulator.errorFrameAfter(2, 10013, "输入内容审核不通过");
        List<JsonNode> frames = exchange("/v3.5/chat", request("generalv3.5", "a b c d"), "api_key");
        assertEquals(3, frames.size());
        assertEquals(0, frames.get(1).path("header").path("code").asInt());
        assertEquals(10013, frames.getLast().path("header").path("code").asInt());
        assertFalse(frames.getLast().has("payload"));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static void assertError(int code, String path, ObjectNode request) {
        List<JsonNode> frames = exchange(path, request, "api_key");
        assertEquals(1, frames.size(), frames.toString());
        assertEquals(code, frames.getFirst().path("header").path("code").asInt(), frames.toString());
    }

    private static List<JsonNode> exchange(String path, ObjectNode request, String keyField) {
        String query = signed(path, SparkSimulator.DEFAULT_API_SECRET, host(), Instant.now(), keyField);
        List<JsonNode> frames = new ArrayList<>();
        try (WebSocketSession ws = transport.openWebSocket(uri(path, query), Map.of())) {
            ws.sendText(request.toString());
            for (Optional<String> m = ws.receiveText(); m.isPresent(); m = ws.receiveText()) {
                frames.add(SparkWire.JSON.readTree(m.get()));
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return frames;
    }

    private static ObjectNode request(String domain, String text) {
        ObjectNode request = SparkWire.JSON.createObjectNode();
        request.putObject("header").put("app_id", SparkSimulator.DEFAULT_APP_ID);
        request.putObject("parameter").putObject("chat").put("domain", domain);
        request.putObject("payload").putObject("message").putArray("text").addObject()
                .put("role", "user").put("content", text);
        return request;
    }

    /** A query signed as the docs describe, with the SDK's {@code api_key} or one-api's {@code hmac username}. */
    private static String signed(String path, String secret, String host, Instant at, String keyField) {
        String date = DATE.format(at);
        String signature = SparkAuth.signature(secret, host, date, "GET " + path + " HTTP/1.1");
        String origin = keyField + "=\"" + SparkSimulator.DEFAULT_API_KEY + "\", algorithm=\"hmac-sha256\", "
                + "headers=\"host date request-line\", signature=\"" + signature + "\"";
        String authorization = Base64.getEncoder().encodeToString(origin.getBytes(StandardCharsets.UTF_8));
        return "authorization=" + enc(authorization) + "&date=" + enc(date) + "&host=" + enc(host);
    }

    private static void assertAnswer(int status, String message, String path, String query) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host() + path
                + (query.isEmpty() ? "" : "?" + query))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(status, res.statusCode(), res.body());
        assertEquals(message, SparkWire.JSON.readTree(res.body()).path("message").asText());
    }

    private static ObjectNode obj(ObjectNode node, String field) {
        return (ObjectNode) node.get(field);
    }

    private static String host() {
        return "127.0.0.1:" + simulator.baseUri().getPort();
    }

    private static URI uri(String path, String query) {
        return URI.create(simulator.baseUri() + path + "?" + query);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
