package io.modelbridge.testkit.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator on the wire, driven by a plain HTTP client: Zhipu's auth checks, framing and error bodies. */
class GlmSimulatorTest {
    /** vendor-protocols.md 6.2's test vector: a correct signature whose exp (2025-06-02) has passed. */
    private static final String VECTOR = "eyJhbGciOiJIUzI1NiIsInNpZ25fdHlwZSI6IlNJR04iLCJ0eXAiOiJKV1QifQ"
            + ".eyJhcGlfa2V5IjoiMGExYjJjM2Q0ZTVmIiwiZXhwIjoxNzQ4ODUxMjAwMDAwLCJ0aW1lc3RhbXAiOjE3NDg4NDc2MDAwMDB9"
            + ".sTdkYlAhg285q1IRzVqtLS3HPSdWJpHWOIcwH66Z_UQ";
    private static final String CHAT = "{\"model\":\"glm-4-plus\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
    private static GlmSimulator simulator;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        simulator = GlmSimulator.start(Map.of(GlmSimulator.DEFAULT_KEY_ID, GlmSimulator.DEFAULT_SECRET,
                "0a1b2c3d4e5f", "TestSecretValue123"));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @AfterEach
    void reset() {
        simulator.reset();
    }

    @Test
    void theJwtSignatureAndItsMillisecondExpiryAreChecked() throws Exception {
        assertError(post(GlmRoutes.CHAT, CHAT, "Bearer " + VECTOR), 401, "1003");
        String tampered = VECTOR.substring(0, VECTOR.length() - 2) + "AA";
        assertError(post(GlmRoutes.CHAT, CHAT, "Bearer " + tampered), 401, "1004");
        long now = System.currentTimeMillis();
        assertEquals(200, post(GlmRoutes.CHAT, CHAT, jwt(now + 600_000, now)).statusCode(), "bare JWT, no Bearer");
        assertError(post(GlmRoutes.CHAT, CHAT, "Bearer " + jwt(now / 1000 + 600, now / 1000)), 401, "1003");
        assertError(post(GlmRoutes.CHAT, CHAT, null), 401, "1001");
        assertError(post(GlmRoutes.CHAT, CHAT, "Bearer not-a-token"), 401, "1002");
        assertError(post(GlmRoutes.CHAT, CHAT, "Bearer nobody.knows"), 401, "1000");
        assertEquals(200, post(GlmRoutes.CHAT, CHAT, "Bearer " + GlmSimulator.DEFAULT_KEY).statusCode());
    }

    @Test
    void streamsUseGlmFramingWithUsageOnTheFinishChunkThenDone() throws Exception {
        String body = CHAT.replace("\"messages\"", "\"stream\":true,\"messages\"");
        HttpResponse<String> res = post(GlmRoutes.CHAT, body, "Bearer " + GlmSimulator.DEFAULT_KEY);
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = List.of(res.body().split("\n\n"));
        assertEquals("data: [DONE]", events.getLast());
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = GlmSimulator.JSON.readTree(event.substring("data: ".length()));
            assertEquals("assistant", chunk.path("choices").get(0).path("delta").path("role").asText(), event);
            assertFalse(chunk.has("object"), "GLM chunks carry no object field");
        }
        JsonNode last = GlmSimulator.JSON.readTree(events.get(events.size() - 2).substring(6));
        assertEquals("stop", last.path("choices").get(0).path("finish_reason").asText());
        assertEquals(2, last.path("usage").path("prompt_tokens").asInt());
    }

    @Test
    void faultsAndValidationAnswerWithZhipusCodes() throws Exception {
        String auth = "Bearer " + GlmSimulator.DEFAULT_KEY;
        simulator.failNextRateLimited(1);
        HttpResponse<String> limited = post(GlmRoutes.CHAT, CHAT, auth);
        assertError(limited, 429, "1302");
        assertTrue(limited.headers().firstValue("retry-after").isEmpty(), "Zhipu sends no Retry-After");
        assertError(post(GlmRoutes.CHAT, CHAT.replace("glm-4-plus", "glm-9"), auth), 400, "1211");
        assertError(post(GlmRoutes.CHAT, CHAT.replace("\"messages\"", "\"temperature\":1.5,\"messages\""), auth),
                400, "1214");
        assertError(post(GlmRoutes.CHAT, CHAT.replace("\"messages\"", "\"stop\":[\"a\",\"b\"],\"messages\""), auth),
                400, "1214");
        String many = "[" + String.join(",", java.util.Collections.nCopies(65, "\"x\"")) + "]";
        assertError(post(GlmRoutes.EMBEDDINGS, "{\"model\":\"embedding-3\",\"input\":" + many + "}", auth), 400, "1214");
        HttpResponse<String> vectors = post(GlmRoutes.EMBEDDINGS,
                "{\"model\":\"embedding-3\",\"input\":[\"a\",\"b\"],\"dimensions\":256}", auth);
        JsonNode answer = GlmSimulator.JSON.readTree(vectors.body());
        assertEquals(256, answer.path("data").get(1).path("embedding").size());
        assertEquals(0, answer.path("usage").path("completion_tokens").asInt());
    }

    private static String jwt(long exp, long timestamp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"HS256\",\"sign_type\":\"SIGN\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"api_key\":\"" + GlmSimulator.DEFAULT_KEY_ID + "\",\"exp\":" + exp
                + ",\"timestamp\":" + timestamp + "}").getBytes(StandardCharsets.UTF_8));
        String input = header + "." + payload;
        return input + "." + b64.encodeToString(GlmTokenVerifier.hmac(GlmSimulator.DEFAULT_SECRET, input));
    }

    private static void assertError(HttpResponse<String> res, int status, String code) throws IOException {
        assertEquals(status, res.statusCode(), res.body());
        assertEquals(code, GlmSimulator.JSON.readTree(res.body()).path("error").path("code").asText(), res.body());
    }

    private static HttpResponse<String> post(String path, String body, String authorization) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(simulator.baseUri() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
