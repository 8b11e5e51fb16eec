package io.modelbridge.gateway.it.vendors;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static io.modelbridge.gateway.it.vendors.VendorGateway.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionChoice;
import com.openai.models.completions.CompletionCreateParams;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.UsageRows;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import io.modelbridge.testkit.glm.GlmSimulator;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Legacy {@code POST /v1/completions} through a running gateway with the bundled plugin jars, one path each: the
 * openai plugin passes it through to an OpenAI-compatible upstream's {@code /v1/completions}, the deepseek plugin to
 * DeepSeek's FIM {@code /beta/completions} (with {@code suffix}), and GLM (chat only) gets it translated through chat;
 * what chat cannot express is a 400. Billed, quota-charged and rate-limited like chat.
 */
@Timeout(120)
class CompletionsIT {
    static final String REPLY = "Hello from the simulator";
    @TempDir
    static Path dataDir;
    static OpenAiSimulator openai;
    static DeepSeekSimulator deepseek;
    static GlmSimulator glm;
    static VendorGateway gw;

    @BeforeAll
    static void start() {
        openai = OpenAiSimulator.start();
        deepseek = DeepSeekSimulator.start();
        glm = GlmSimulator.start();
        gw = new VendorGateway(dataDir);
        gw.channel("oa", "openai", openai.baseUri(), openai.apiKey(), List.of("gpt-4o"));
        gw.channel("ds", "deepseek", deepseek.baseUri(), deepseek.apiKey(), List.of("deepseek-chat", "deepseek-reasoner"));
        gw.channel("ds-bad-key", "deepseek", deepseek.baseUri(), "sk-revoked00000000000000000000000",
                List.of("deepseek-chat"));
        gw.channel("glm", "glm", glm.baseUri(), glm.apiKey(), List.of("glm-4-plus"));
        gw.alias("instruct", "oa", "gpt-4o");
        gw.alias("coder", "ds", "deepseek-chat");
        gw.alias("thinker", "ds", "deepseek-reasoner");
        gw.alias("coder-broken", "ds-bad-key", "deepseek-chat");
        gw.alias("glm", "glm", "glm-4-plus");
    }

    @AfterAll
    static void stop() {
        gw.close();
        glm.close();
        deepseek.close();
        openai.close();
    }

    @AfterEach
    void heal() {
        openai.reset();
        deepseek.reset();
        glm.reset();
    }

    static ObjectNode prompt(String model, String prompt, boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("prompt", prompt).put("max_tokens", 30);
        if (stream) {
            body.put("stream", true).putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    static HttpResponse<String> complete(String key, ObjectNode body) {
        return gw.api.post("/v1/completions", key, body.toString());
    }

    /** A streamed completion's JSON events up to {@code [DONE]}, which must be there. */
    static List<JsonNode> stream(ObjectNode body) {
        HttpResponse<Stream<String>> res = gw.api.postStreaming("/v1/completions", gw.key, body.toString());
        if (res.statusCode() != 200) {
            throw new AssertionError(res.statusCode() + " " + res.headers() + ": " + String.join("\n", res.body().toList()));
        }
        boolean[] done = {false};
        List<JsonNode> events = ApiCalls.sseEvents(res.body().iterator(), done);
        assertTrue(done[0], "data: [DONE] ends the stream: " + events);
        for (JsonNode event : events) {
            assertEquals("text_completion", event.get("object").asText(), event.toString());
            assertTrue(event.get("id").asText().startsWith("cmpl-"), event.toString());
            assertEquals(body.get("model").asText(), event.get("model").asText());
        }
        return events;
    }

    static String text(List<JsonNode> events) {
        StringBuilder text = new StringBuilder();
        events.forEach(e -> e.path("choices").forEach(c -> text.append(c.path("text").asText(""))));
        return text.toString();
    }

    /** The whole answer in OpenAI's text_completion shape, with the model the client sent. */
    static JsonNode assertTextCompletion(HttpResponse<String> res, String model, String text) {
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals("text_completion", body.get("object").asText());
        assertTrue(body.get("id").asText().startsWith("cmpl-"), res.body());
        assertTrue(body.get("created").asLong() > 0);
        assertEquals(model, body.get("model").asText());
        assertEquals(text, body.at("/choices/0/text").asText());
        assertEquals(0, body.at("/choices/0/index").asInt());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertTrue(body.at("/choices/0").has("logprobs"), res.body());
        assertFalse(body.at("/choices/0").has("message"), res.body());
        assertEquals(body.at("/usage/prompt_tokens").asInt() + body.at("/usage/completion_tokens").asInt(),
                body.at("/usage/total_tokens").asInt());
        return body;
    }

    @Test
    void anOpenAiCompatibleUpstreamGetsThePromptOnItsOwnCompletionsEndpoint() {
        ObjectNode request = prompt("instruct", "Say hello", false).put("logprobs", 1).put("user", "u-42")
                .put("temperature", 0.5);
        HttpResponse<String> res = complete(gw.key, request);
        JsonNode body = assertTextCompletion(res, "instruct", REPLY);
        assertEquals(2, body.at("/usage/prompt_tokens").asInt(), "the upstream's count");
        assertEquals(4, body.at("/usage/completion_tokens").asInt());
        assertEquals(List.of("Hello", " from", " the", " simulator"),
                JSON.convertValue(body.at("/choices/0/logprobs/tokens"), List.class), "the upstream's logprobs");
        RecordedRequest sent = openai.lastRequest();
        assertEquals("/v1/completions", sent.path());
        assertEquals("gpt-4o", sent.json().get("model").asText());
        assertEquals("Say hello", sent.json().get("prompt").asText());
        assertEquals(30, sent.json().get("max_tokens").asInt());
        assertEquals(1, sent.json().get("logprobs").asInt());
        assertEquals("u-42", sent.json().get("user").asText());
        assertEquals("oa", res.headers().firstValue("x-modelbridge-channel").orElseThrow());

        JsonNode row = UsageRows.find(gw.gateway, res.headers().firstValue("x-request-id").orElseThrow());
        assertEquals("instruct", row.get("model").asText());
        assertEquals(2, row.get("prompt_tokens").asInt());
        assertEquals(4, row.get("completion_tokens").asInt());
        assertFalse(row.get("estimated").asBoolean());
        assertEquals(200, row.get("status").asInt());
    }

    @Test
    void anOpenAiCompatibleStreamIsRelayedAsTextCompletionChunks() {
        List<JsonNode> events = stream(prompt("instruct", "Say hello", true));
        assertEquals(REPLY, text(events));
        assertTrue(events.stream().anyMatch(e -> e.at("/choices/0/finish_reason").asText().equals("stop")));
        JsonNode usage = VendorGateway.streamUsage(events);
        assertEquals(2, usage.get("prompt_tokens").asInt());
        assertEquals(4, usage.get("completion_tokens").asInt());
        assertEquals("/v1/completions", openai.lastRequest().path());
        assertTrue(openai.lastRequest().json().get("stream").asBoolean());
    }

    @Test
    void withoutMaxTokensACompletionIsLimitedTo16TokensAsOpenAiDoes() {
        ObjectNode request = prompt("instruct", "Say hello", false);
        request.remove("max_tokens");
        assertTextCompletion(complete(gw.key, request), "instruct", REPLY);
        assertEquals(16, openai.lastRequest().json().get("max_tokens").asInt());
    }

    @Test
    void aChannelTheUpstreamRefusesFailsOverToTheNextStreamedOrNot() {
        ObjectNode channel = JSON.createObjectNode().put("name", "oa-revoked").put("provider", "openai")
                .put("credential", "sk-not-the-right-key-000").put("base_url", openai.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gw.gateway.admin("POST", "/channels", channel);
        Failover.alias(gw.gateway, "instruct-duo", "oa-revoked", "oa", "gpt-4o");
        int before = openai.requests().size();
        HttpResponse<String> res = complete(gw.key, prompt("instruct-duo", "Say hello", false));
        assertTextCompletion(res, "instruct-duo", REPLY);
        assertEquals("oa", res.headers().firstValue("x-modelbridge-channel").orElseThrow());
        assertEquals(REPLY, text(stream(prompt("instruct-duo", "Say hello", true))));
        List<RecordedRequest> sent = openai.requests().subList(before, openai.requests().size());
        assertEquals(4, sent.size(), "each: the refused attempt, then the next channel");
        assertTrue(sent.stream().allMatch(r -> r.path().equals("/v1/completions")), sent.toString());
    }

    @Test
    void deepSeekFillsInTheMiddleOnItsFimEndpoint() {
        ObjectNode request = prompt("coder", "def add(a, b):\n", false).put("suffix", "\n    return c");
        HttpResponse<String> res = complete(gw.key, request);
        JsonNode body = assertTextCompletion(res, "coder", REPLY);
        assertEquals(3 + 2, body.at("/usage/prompt_tokens").asInt(), "DeepSeek's count: prompt and suffix");
        RecordedRequest sent = deepseek.lastRequest();
        assertEquals("/beta/completions", sent.path());
        assertEquals("deepseek-chat", sent.json().get("model").asText());
        assertEquals("\n    return c", sent.json().get("suffix").asText());
        assertEquals("Bearer " + deepseek.apiKey(), sent.headers().get("authorization").getFirst());

        List<JsonNode> events = stream(prompt("coder", "def add(a, b):\n", true).put("suffix", "\n    return c"));
        assertEquals(REPLY, text(events));
        assertEquals(3 + 2, VendorGateway.streamUsage(events).get("prompt_tokens").asInt());
        assertEquals("/beta/completions", deepseek.lastRequest().path());
    }

    @Test
    void aKeyDeepSeekRefusesOnItsFimEndpointIsTheOperatorsProblem() {
        HttpResponse<String> res = complete(gw.key, prompt("coder-broken", "x = ", false).put("suffix", "\n"));
        JsonNode error = assertError(res, 502, "upstream_auth_failed");
        assertFalse(res.body().contains("sk-revoked"), error.toString());
        assertEquals("/beta/completions", deepseek.lastRequest().path());
    }

    @Test
    void aChatOnlyVendorAnswersThroughChat() {
        HttpResponse<String> res = complete(gw.key, prompt("glm", "tell me a joke", false));
        assertTextCompletion(res, "glm", "echo: tell me a joke");
        JsonNode sent = glm.lastRequest().json();
        assertEquals(1, sent.get("messages").size());
        assertEquals("user", sent.at("/messages/0/role").asText());
        assertEquals("tell me a joke", sent.at("/messages/0/content").asText());

        List<JsonNode> events = stream(prompt("glm", "tell me a joke", true));
        assertEquals("echo: tell me a joke", text(events));
        assertTrue(events.stream().allMatch(e -> !e.toString().contains("delta")), "no chat fields: " + events);
        assertTrue(VendorGateway.streamUsage(events).get("completion_tokens").asInt() > 0);
    }

    @Test
    void deepSeeksReasonerHasNoFimSoItsPromptGoesThroughChat() {
        assertTextCompletion(complete(gw.key, prompt("thinker", "9.11 or 9.8", false)), "thinker",
                "echo: 9.11 or 9.8");
        assertEquals("/chat/completions", deepseek.lastRequest().path());
    }

    @ParameterizedTest
    @ValueSource(strings = {"suffix", "echo", "best_of", "logprobs"})
    void whatChatCannotExpressIsA400NamingTheField(String field) {
        for (boolean stream : new boolean[] {false, true}) {
            ObjectNode request = prompt("glm", "hello", stream);
            switch (field) {
                case "suffix" -> request.put("suffix", "after");
                case "echo" -> request.put("echo", true);
                case "best_of" -> request.put("best_of", 2);
                default -> request.put("logprobs", 2);
            }
            int before = glm.requests().size();
            JsonNode error = assertError(complete(gw.key, request), 400, null);
            assertEquals(field, error.get("param").asText());
            assertEquals("invalid_request_error", error.get("type").asText());
            assertEquals(before, glm.requests().size(), "nothing went upstream");
        }
        ObjectNode reasonerFim = prompt("thinker", "x = ", false).put("suffix", "\n");
        assertEquals("suffix", assertError(complete(gw.key, reasonerFim), 400, null).get("param").asText());
    }

    @Test
    void badRequestsAreOpenAiShaped400s() {
        ObjectNode noPrompt = JSON.createObjectNode().put("model", "instruct");
        assertEquals("prompt", assertError(complete(gw.key, noPrompt), 400, null).get("param").asText());
        ObjectNode batch = JSON.createObjectNode().put("model", "instruct");
        batch.putArray("prompt").add("one").add("two");
        assertEquals("prompt", assertError(complete(gw.key, batch), 400, "invalid_value").get("param").asText());
        ObjectNode tokens = JSON.createObjectNode().put("model", "instruct");
        tokens.putArray("prompt").add(1).add(2);
        assertError(complete(gw.key, tokens), 400, "invalid_value");
        ObjectNode optionsWithoutStream = prompt("instruct", "hi", false);
        optionsWithoutStream.putObject("stream_options").put("include_usage", true);
        assertEquals("stream_options",
                assertError(complete(gw.key, optionsWithoutStream), 400, "invalid_value").get("param").asText());
        ObjectNode one = JSON.createObjectNode().put("model", "instruct");
        one.putArray("prompt").add("Say hello");
        assertTextCompletion(complete(gw.key, one), "instruct", REPLY);
        assertEquals(401, complete("sk-not-a-key", prompt("instruct", "hi", false)).statusCode());
        assertError(complete(gw.key, prompt("no-such-model", "hi", false)), 404, "model_not_found");
    }

    @Test
    void aCompletionIsChargedToTheQuotaAtTheAliasPriceLikeChat() {
        gw.alias("instruct-paid", "oa", "gpt-4o"); // its own alias: a price on "instruct" would bill the other tests' key
        gw.gateway.admin("PUT", "/prices/instruct-paid", "{\"input_per_1k\":1,\"output_per_1k\":1}");
        gw.gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "payer").put("quota", BigDecimal.ONE));
        String key = gw.gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "payer")).get("key").asText();
        HttpResponse<String> res = complete(key, prompt("instruct-paid", "Say hello", false));
        assertTextCompletion(res, "instruct-paid", REPLY);
        JsonNode row = UsageRows.find(gw.gateway, res.headers().firstValue("x-request-id").orElseThrow());
        BigDecimal cost = new BigDecimal("0.001").multiply(BigDecimal.valueOf(2 + 4));
        assertEquals(0, cost.compareTo(row.get("cost").decimalValue()), row.toString());
        long end = System.nanoTime() + 5_000_000_000L;
        BigDecimal balance = gw.gateway.admin("GET", "/users/payer/quota", null).get("balance").decimalValue();
        while (balance.compareTo(BigDecimal.ONE.subtract(cost)) != 0 && System.nanoTime() < end) {
            UsageRows.sleep(20);
            balance = gw.gateway.admin("GET", "/users/payer/quota", null).get("balance").decimalValue();
        }
        assertEquals(0, BigDecimal.ONE.subtract(cost).compareTo(balance), "balance " + balance);

        gw.gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "broke").put("quota", new BigDecimal("0.001")));
        String brokeKey = gw.gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "broke")).get("key").asText();
        int before = openai.requests().size();
        assertError(complete(brokeKey, prompt("instruct-paid", "Say hello", false)), 429, "insufficient_quota");
        assertEquals(before, openai.requests().size(), "refused before going upstream");
    }

    @Test
    void theCallersRateLimitAppliesToCompletions() {
        String key = gw.gateway.userWithKey("limited");
        gw.gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user").put("subject", "limited")
                .put("rpm", 1));
        assertEquals(200, complete(key, prompt("instruct", "first", false)).statusCode());
        HttpResponse<String> second = complete(key, prompt("instruct", "second", false));
        assertError(second, 429, "rate_limit_exceeded");
        assertTrue(second.headers().firstValue("x-ratelimit-limit-requests").isPresent(), second.headers().toString());
    }

    @Test
    void theOpenAiPluginsChannelCanSendCompletionsThroughChat() {
        ObjectNode channel = JSON.createObjectNode().put("name", "oa-chat-only").put("provider", "openai")
                .put("credential", openai.apiKey()).put("base_url", openai.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        channel.putObject("extras").put("completions", "chat");
        gw.gateway.admin("POST", "/channels", channel);
        gw.alias("chatty", "oa-chat-only", "gpt-4o");
        assertTextCompletion(complete(gw.key, prompt("chatty", "hello", false)), "chatty", "echo: hello");
        assertEquals("/v1/chat/completions", openai.lastRequest().path());
        assertNull(openai.lastRequest().json().get("prompt"));
    }

    /** The official OpenAI Java SDK (openai-java 4.101.0) reads both answers, the stream's usage included. */
    @Test
    void theOfficialOpenAiJavaSdkReadsTheAnswerAndTheStream() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gw.gateway.api() + "/v1").apiKey(gw.key)
                .maxRetries(0).build();
        try {
            CompletionCreateParams params = CompletionCreateParams.builder().model("coder").prompt("def add(a, b):\n")
                    .suffix("\n    return c").maxTokens(30).build();
            Completion completion = client.completions().create(params);
            assertEquals("coder", completion.model());
            assertEquals(REPLY, completion.choices().getFirst().text());
            assertEquals(CompletionChoice.FinishReason.STOP, completion.choices().getFirst().finishReason());
            assertEquals(5, completion.usage().orElseThrow().promptTokens());

            StringBuilder text = new StringBuilder();
            long[] usage = {0};
            try (StreamResponse<Completion> stream = client.completions().createStreaming(params.toBuilder()
                    .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
                stream.stream().forEach(chunk -> {
                    chunk.choices().forEach(c -> text.append(c.text()));
                    chunk.usage().ifPresent(u -> usage[0] = u.totalTokens());
                });
            }
            assertEquals(REPLY, text.toString());
            assertEquals(5 + 4, usage[0]);
            assertEquals("/beta/completions", deepseek.lastRequest().path());
        } finally {
            client.close();
        }
    }
}
