package io.modelbridge.testkit.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator against ERNIE's wire format (vendor-protocols.md section 3), with a plain HTTP client. */
class ErnieSimulatorTest {
    private static final String CHAT = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions";
    private static ErnieSimulator sim;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        sim = ErnieSimulator.start();
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @AfterEach
    void reset() {
        sim.reset();
    }

    @Test
    void theTokenEndpointChecksTheApiKeyAndSecretKey() throws Exception {
        HttpResponse<String> ok = post(tokenPath(sim.apiKey(), sim.secretKey()), "");
        JsonNode token = json(ok.body());
        assertEquals(200, ok.statusCode());
        assertTrue(token.get("access_token").asText().startsWith("24."));
        assertEquals(2592000, token.get("expires_in").asLong());
        HttpResponse<String> badSecret = post(tokenPath(sim.apiKey(), "wrong"), "");
        assertEquals(401, badSecret.statusCode());
        assertEquals("Client authentication failed", json(badSecret.body()).get("error_description").asText());
        assertEquals("unknown client id", json(post(tokenPath("nobody", sim.secretKey()), "").body())
                .get("error_description").asText());
    }

    @Test
    void modelCallsNeedAValidTokenAndExpiredOnesGetError111WithHttp200() throws Exception {
        HttpResponse<String> none = post(CHAT, chat("hi", false));
        assertEquals(200, none.statusCode());
        assertEquals(110, json(none.body()).get("error_code").asInt());
        String token = token();
        assertEquals("echo: hi", json(post(CHAT + "?access_token=" + token, chat("hi", false)).body())
                .get("result").asText());
        sim.expireAllTokens();
        JsonNode expired = json(post(CHAT + "?access_token=" + token, chat("hi", false)).body());
        assertEquals(111, expired.get("error_code").asInt());
        assertEquals("Access token expired", expired.get("error_msg").asText());
    }

    @Test
    void theStreamIsDataEventsEndingWithIsEndAndNoDone() throws Exception {
        String body = post(CHAT + "?access_token=" + token(), chat("one two", true)).body();
        List<String> events = body.lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        assertFalse(body.contains("[DONE]"));
        assertEquals(List.of("echo:", " one", " two", ""), events.stream().map(e -> json(e).get("result").asText())
                .toList());
        JsonNode last = json(events.getLast());
        assertTrue(last.get("is_end").asBoolean());
        assertEquals("normal", last.get("finish_reason").asText());
        assertEquals(3, last.at("/usage/completion_tokens").asInt());
    }

    @Test
    void ernieMessageRulesAreEnforcedWithError336003() throws Exception {
        String even = "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}";
        JsonNode refusal = json(post(CHAT + "?access_token=" + token(), even).body());
        assertEquals(336003, refusal.get("error_code").asInt());
        String hot = "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"temperature\":0}";
        assertEquals(336003, json(post(CHAT + "?access_token=" + token(), hot).body()).get("error_code").asInt());
        String unknown = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/no-such-model?access_token=" + token();
        assertEquals(3, json(post(unknown, chat("hi", false)).body()).get("error_code").asInt());
    }

    @Test
    void anExhaustedQuotaIsError17WithHttp200() throws Exception {
        sim.failNextOutOfQuota(1);
        HttpResponse<String> res = post(CHAT + "?access_token=" + token(), chat("hi", false));
        assertEquals(200, res.statusCode(), "ERNIE reports errors in the body");
        assertEquals(17, json(res.body()).get("error_code").asInt());
        assertEquals("Open api daily request limit reached", json(res.body()).get("error_msg").asText());
        assertEquals("echo: hi", json(post(CHAT + "?access_token=" + token(), chat("hi", false)).body())
                .get("result").asText(), "one call only");
    }

    @Test
    void embeddingsAreDeterministic384FloatVectors() throws Exception {
        JsonNode body = json(post("/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1?access_token="
                + token(), "{\"input\":[\"a b\",\"c\"]}").body());
        assertEquals("embedding_list", body.get("object").asText());
        assertEquals(384, body.at("/data/0/embedding").size());
        assertEquals(ErnieSimulator.embeddingOf("c", 384)[5], body.at("/data/1/embedding/5").floatValue(), 1e-6);
        assertEquals(3, body.at("/usage/prompt_tokens").asInt());
    }

    private static String token() throws Exception {
        return json(post(tokenPath(sim.apiKey(), sim.secretKey()), "").body()).get("access_token").asText();
    }

    private static String tokenPath(String id, String secret) {
        return "/oauth/2.0/token?grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret;
    }

    private static String chat(String text, boolean stream) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}],\"stream\":" + stream + "}";
    }

    private static HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUri() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String text) {
        try {
            return ErnieSimulator.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
