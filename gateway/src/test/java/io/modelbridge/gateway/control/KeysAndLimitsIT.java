package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.control.Setup.alias;
import static io.modelbridge.gateway.control.Setup.channel;
import static io.modelbridge.gateway.control.Setup.header;
import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.BackToBack;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;

/** API keys (allow-lists, expiry, revocation, last use) and local rate limits on one gateway instance. */
@Tag("it")
@Timeout(120) // every test and set-up, so a hang fails instead of stalling the build
class KeysAndLimitsIT {
    static OpenAiSimulator upstream;
    static RunningGateway gw;
    static ApiCalls api;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gw = SharedGateway.get();
        api = new ApiCalls(gw.api());
        channel(gw, "keys-sim", upstream, 10_000);
        alias(gw, "chat", "keys-sim", 0, 1);
        alias(gw, "other", "keys-sim", 0, 1);
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    private static JsonNode key(String user, ObjectNode settings) {
        if (gw.adminCall("GET", "/users/" + user, null).statusCode() == 404) {
            gw.admin("POST", "/users", JSON.createObjectNode().put("name", user));
        }
        return gw.admin("POST", "/keys", settings.put("user", user));
    }

    private static HttpResponse<String> call(String secret, String model) {
        return api.post("/v1/chat/completions", secret, chat(model, "hi", false));
    }

    @Test
    void keysCarryAPrefixAndAtLeast128BitsOfRandomness() {
        String secret = key("shape", JSON.createObjectNode()).get("key").asText();
        assertTrue(secret.startsWith("mb-"));
        assertTrue(secret.length() - 3 >= 22, "22 base64url characters are 132 bits: " + secret.length());
    }

    @Test
    void allowedAliasesAndClientAddressRangesAreEnforced() {
        ObjectNode onlyChat = JSON.createObjectNode();
        onlyChat.putArray("models").add("chat");
        String limited = key("allow", onlyChat).get("key").asText();
        assertEquals(200, call(limited, "chat").statusCode());
        HttpResponse<String> forbidden = call(limited, "other");
        assertEquals(403, forbidden.statusCode());
        assertEquals("model_not_allowed", json(forbidden.body()).at("/error/code").asText());

        ObjectNode elsewhere = JSON.createObjectNode();
        elsewhere.putArray("cidrs").add("10.0.0.0/8").add("2001:db8::/32");
        HttpResponse<String> wrongNetwork = call(key("allow", elsewhere).get("key").asText(), "chat");
        assertEquals(403, wrongNetwork.statusCode(), wrongNetwork.body());
        assertEquals("ip_not_allowed", json(wrongNetwork.body()).at("/error/code").asText());
        assertEquals(403, api.get("/v1/models", key("allow", elsewhere).get("key").asText()).statusCode());

        ObjectNode loopback = JSON.createObjectNode();
        loopback.putArray("cidrs").add("10.0.0.0/8").add("127.0.0.0/8");
        assertEquals(200, call(key("allow", loopback).get("key").asText(), "chat").statusCode());
    }

    @Test
    void revocationDisablingAndExpiryTakeEffectOnTheVeryNextRequest() {
        JsonNode created = key("revoke", JSON.createObjectNode());
        String secret = created.get("key").asText();
        long id = created.get("id").asLong();
        assertEquals(200, call(secret, "chat").statusCode(), "cached as valid now");
        gw.admin("PATCH", "/keys/" + id, "{\"enabled\":false}");
        assertEquals(401, call(secret, "chat").statusCode());
        gw.admin("PATCH", "/keys/" + id, "{\"enabled\":true}");
        assertEquals(200, call(secret, "chat").statusCode());
        gw.admin("POST", "/keys/" + id + "/revoke", null);
        HttpResponse<String> revoked = call(secret, "chat");
        assertEquals(401, revoked.statusCode());
        assertEquals("invalid_api_key", json(revoked.body()).at("/error/code").asText());

        JsonNode shortLived = key("revoke", JSON.createObjectNode().put("expires_in", "3s"));
        assertEquals(200, call(shortLived.get("key").asText(), "chat").statusCode());
        long untilExpiry = java.time.Instant.parse(shortLived.get("expires_at").asText()).toEpochMilli()
                - System.currentTimeMillis();
        Setup.sleep(Math.max(0, untilExpiry) + 50);
        HttpResponse<String> expired = call(shortLived.get("key").asText(), "chat");
        assertEquals(401, expired.statusCode());
        assertTrue(json(expired.body()).at("/error/message").asText().contains("expired"));
    }

    @Test
    void lastUseIsRecorded() {
        JsonNode created = key("lastuse", JSON.createObjectNode());
        assertTrue(created.get("last_used_at").isNull());
        assertEquals(200, call(created.get("key").asText(), "chat").statusCode());
        JsonNode view = null;
        for (int i = 0; i < 40; i++) {
            view = gw.admin("GET", "/keys/" + created.get("id").asLong(), null);
            if (!view.get("last_used_at").isNull()) {
                break;
            }
            Setup.sleep(100);
        }
        assertFalse(view.get("last_used_at").isNull(), view.toString());
    }

    @Test
    void aBurstOverTheRpmLimitGetsExactlyTheExcessRefused() throws Exception {
        String secret = key("burst", JSON.createObjectNode()).get("key").asText();
        gw.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"burst\",\"rpm\":10}");
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            calls.add(() -> call(secret, "chat"));
        }
        List<HttpResponse<String>> answers = Setup.concurrently(calls);
        List<HttpResponse<String>> ok = answers.stream().filter(r -> r.statusCode() == 200).toList();
        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(10, ok.size(), "exactly the limit is admitted");
        assertEquals(15, refused.size(), "exactly the excess is refused");
        for (HttpResponse<String> r : ok) {
            assertEquals("10", header(r, "x-ratelimit-limit-requests"));
            assertNotNull(header(r, "x-ratelimit-remaining-requests"));
            assertTrue(header(r, "x-ratelimit-reset-requests").matches("[0-9hms.]+"), header(r, "x-ratelimit-reset-requests"));
        }
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), ok.stream()
                .map(r -> header(r, "x-ratelimit-remaining-requests")).sorted().toList());
        for (HttpResponse<String> r : refused) {
            JsonNode error = json(r.body()).get("error");
            assertEquals("rate_limit_exceeded", error.get("code").asText());
            assertEquals("requests", error.get("type").asText());
            assertTrue(error.get("message").asText().startsWith("Rate limit reached for requests per min (RPM)"));
            assertTrue(error.has("param"));
            long retryAfter = Long.parseLong(header(r, "retry-after"));
            assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);
            assertEquals("10", header(r, "x-ratelimit-limit-requests"));
            assertEquals("0", header(r, "x-ratelimit-remaining-requests"));
        }
        gw.admin("DELETE", "/limits?scope=user&subject=burst", null);
        assertEquals(200, call(secret, "chat").statusCode(), "a removed limit stops refusing at once");
    }

    @Test
    void tokensPerMinuteCountPromptAndMaxTokensAndTheTightestLimitDecides() {
        JsonNode created = key("tokens", JSON.createObjectNode().put("tpm", 400));
        String secret = created.get("key").asText();
        gw.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"tokens\",\"tpm\":1000,\"rpm\":50}");
        ObjectNode small = (ObjectNode) json(chat("chat", "hi", false));
        small.put("max_tokens", 100);
        HttpResponse<String> admitted = api.chatOk(secret, small.toString());
        assertEquals("400", header(admitted, "x-ratelimit-limit-tokens"), "the key's 400 is tighter than the user's 1000");
        assertEquals("50", header(admitted, "x-ratelimit-limit-requests"));
        assertTrue(Integer.parseInt(header(admitted, "x-ratelimit-remaining-tokens")) < 300,
                "the prompt and max_tokens were taken: " + header(admitted, "x-ratelimit-remaining-tokens"));

        small.put("stream", true);
        var streamed = api.postStreaming("/v1/chat/completions", secret, small.toString());
        assertEquals(200, streamed.statusCode());
        assertEquals("400", header(streamed, "x-ratelimit-limit-tokens"), "streams carry the headers too");
        assertTrue(streamed.body().toList().contains("data: [DONE]"));

        ObjectNode big = (ObjectNode) json(chat("chat", "hi", false));
        big.put("max_tokens", 5000);
        HttpResponse<String> tooBig = api.post("/v1/chat/completions", secret, big.toString());
        assertEquals(429, tooBig.statusCode());
        assertEquals("tokens", json(tooBig.body()).at("/error/type").asText());
        assertEquals("rate_limit_exceeded", json(tooBig.body()).at("/error/code").asText());
        assertEquals("false", header(tooBig, "x-should-retry"), "no wait fits 5000 tokens into a 400 TPM bucket");
        assertEquals(null, header(tooBig, "retry-after"));
        assertNotNull(header(tooBig, "x-ratelimit-remaining-tokens"));
    }

    /**
     * The token estimate of an answered request (prompt + max_tokens) is corrected to what it used before the client
     * has the answer: a client that sends its next request on another connection at that moment, with an estimate
     * the bucket holds only once the last one's unused tokens are back, is admitted. Each request's last byte is held
     * back until the answer before it is read, streams and whole answers alternating.
     */
    @Test
    void theNextRequestOnAnotherConnectionFindsTheAnsweredOnesUnusedTokensBack() {
        String secret = key("tokens-back", JSON.createObjectNode().put("tpm", 10_000)).get("key").asText();
        BackToBack.answeredInTurn(gw.api(), "/v1/chat/completions", secret, 41, i -> withMaxTokens(i % 4 < 2),
                "data: [DONE]");
    }

    /** A request whose estimate takes 6,000 of the key's 10,000 tokens a minute; its answer uses a few. */
    private static String withMaxTokens(boolean stream) {
        return ((ObjectNode) json(chat("chat", "hi", stream))).put("max_tokens", 6_000).toString();
    }
}
