package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Anthropic Messages dialect end to end: real sockets, embedded PostgreSQL, the openai, deepseek and qwen plugin jars
 * against their simulators behind aliases, called as an Anthropic client calls ({@code x-api-key}, {@code
 * anthropic-version}).
 */
@Tag("it")
@Timeout(120)
class AnthropicMessagesIT {
    static final String VERSION = "2023-06-01";
    @TempDir
    static Path dataDir;
    static ThreeVendors vendors;
    /** A vLLM-style OpenAI-compatible server: its choices name the stop string matched in {@code stop_reason}. */
    static HostileUpstream vllm;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        vendors = ThreeVendors.start();
        vllm = HostileUpstream.start();
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        vendors.routeOn(gateway);
        gateway.alias("paid", "sim", "gpt-4o");
        vendors.routeReasonerOn(gateway);
        gateway.channel("vllm", "openai", vllm.baseUri().toString(), "sk-vllm", "llama");
        gateway.alias("vllm", "vllm", "llama");
        gateway.admin("PUT", "/prices/paid", "{\"input_per_1k\":1,\"output_per_1k\":1}");
        key = gateway.userWithKey("claude-user");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        vendors.close();
        vllm.close();
    }

    @AfterEach
    void heal() {
        vendors.reset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aTextAnswerIsAnAnthropicMessageAndItsUsageRowMatches(String model) {
        HttpResponse<String> res = messages(key, ask(model, "hello there", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertTrue(body.get("id").asText().startsWith("msg_"), res.body());
        assertEquals("message", body.get("type").asText());
        assertEquals("assistant", body.get("role").asText());
        assertEquals(model, body.get("model").asText(), "the model as the client sent it");
        assertEquals("text", body.at("/content/0/type").asText());
        assertFalse(body.at("/content/0/text").asText().isEmpty(), res.body());
        assertEquals("end_turn", body.get("stop_reason").asText());
        assertTrue(body.get("stop_sequence").isNull());
        int input = body.at("/usage/input_tokens").asInt();
        int output = body.at("/usage/output_tokens").asInt();
        assertTrue(input > 0 && output > 0, res.body());

        JsonNode row = UsageRows.find(gateway, res.headers().firstValue("x-modelbridge-request-id").orElseThrow());
        assertEquals(200, row.get("status").asInt(), row.toString());
        assertEquals(input, row.get("prompt_tokens").asInt(), row.toString());
        assertEquals(output, row.get("completion_tokens").asInt(), row.toString());
        assertEquals(model, row.get("model").asText(), row.toString());
    }

    @Test
    void systemStopSequencesSamplingAndUserReachTheUpstreamInCanonicalForm() {
        ObjectNode body = ask("smart", "hi", false);
        body.putArray("system").addObject().put("type", "text").put("text", "Be brief.");
        body.putArray("stop_sequences").add("END");
        body.put("temperature", 0.5).put("top_p", 0.9).put("top_k", 5);
        body.putObject("metadata").put("user_id", "end-user-7");
        assertEquals(200, messages(key, body).statusCode());
        JsonNode sent = vendors.openai().lastRequest().json();
        assertEquals("system", sent.at("/messages/0/role").asText(), sent.toString());
        assertEquals("Be brief.", sent.at("/messages/0/content").asText(sent.at("/messages/0/content/0/text").asText()));
        assertEquals("END", sent.at("/stop/0").asText(), sent.toString());
        assertEquals(64, sent.get("max_tokens").asInt(sent.path("max_completion_tokens").asInt()), sent.toString());
        assertEquals(0.5, sent.get("temperature").asDouble());
        assertEquals("end-user-7", sent.get("user").asText());
        assertFalse(sent.has("top_k"), "top_k has no place in the SPI and OpenAI refuses it: " + sent);
    }

    @Test
    void bearerAuthorizationWorksAsWellAsXApiKey() {
        HttpResponse<String> res = api.post("/v1/messages", key, ask("smart", "hi", false).toString(),
                "anthropic-version", VERSION);
        assertEquals(200, res.statusCode(), res.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aStreamIsAnthropicsEventsInOrder(String model) {
        List<SseEvent> events = stream(key, ask(model, "hello streaming world", true));
        List<String> names = events.stream().map(SseEvent::name).toList();
        assertEquals("message_start", names.getFirst(), names.toString());
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"),
                names.subList(names.size() - 3, names.size()), names.toString());
        assertEquals("content_block_start", names.get(1), names.toString());
        assertTrue(names.subList(2, names.size() - 3).stream().allMatch("content_block_delta"::equals), names.toString());
        JsonNode start = events.getFirst().data().get("message");
        assertTrue(start.get("id").asText().startsWith("msg_"));
        assertEquals(model, start.get("model").asText());
        assertTrue(start.at("/usage/input_tokens").asInt() > 0, start.toString());
        StringBuilder text = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta")).forEach(e -> {
            assertEquals("text_delta", e.data().at("/delta/type").asText());
            assertEquals(0, e.data().get("index").asInt());
            text.append(e.data().at("/delta/text").asText());
        });
        assertTrue(text.toString().contains("hello streaming world"), text.toString());
        JsonNode delta = events.get(events.size() - 2).data();
        assertEquals("end_turn", delta.at("/delta/stop_reason").asText());
        assertTrue(delta.at("/usage/output_tokens").asInt() > 0, delta.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"smart", "ds", "qwen"})
    void aToolUseRoundTrip(String model) {
        ObjectNode first = withTool(ask(model, "Paris", false));
        HttpResponse<String> res = messages(key, first);
        assertEquals(200, res.statusCode(), res.body());
        JsonNode answer = json(res.body());
        assertEquals("tool_use", answer.get("stop_reason").asText(), res.body());
        JsonNode use = null;
        for (JsonNode block : answer.get("content")) {
            if (block.get("type").asText().equals("tool_use")) {
                use = block;
            }
        }
        assertNotNull(use, res.body());
        assertEquals("get_weather", use.get("name").asText());
        assertTrue(use.get("input").isObject() && use.get("input").toString().contains("Paris"), use.toString());

        // the tool's result goes back as a tool_result block answering the tool_use's id
        ObjectNode second = withTool(ask(model, "Paris", false));
        ArrayNode history = (ArrayNode) second.get("messages");
        history.addObject().put("role", "assistant").set("content", answer.get("content"));
        ObjectNode result = history.addObject().put("role", "user").putArray("content").addObject()
                .put("type", "tool_result").put("tool_use_id", use.get("id").asText()).put("content", "18 degrees")
                .put("is_error", false);
        assertNotNull(result);
        HttpResponse<String> done = messages(key, second);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals("end_turn", json(done.body()).get("stop_reason").asText(), done.body());
        JsonNode sent = switch (model) {
            case "smart" -> vendors.openai().lastRequest().json();
            case "ds" -> vendors.deepseek().lastRequest().json();
            default -> vendors.qwen().lastRequest().json();
        };
        JsonNode upstream = sent.has("messages") ? sent.get("messages") : sent.at("/input/messages"); // DashScope: input.messages
        assertEquals("tool", upstream.at("/2/role").asText(), sent.toString());
        assertEquals(use.get("id").asText(), upstream.at("/2/tool_call_id").asText(), sent.toString());
        assertEquals(use.get("id").asText(), upstream.at("/1/tool_calls/0/id").asText(), sent.toString());
    }

    @Test
    void aStreamedToolCallIsAToolUseBlockWithInputJsonDeltas() {
        List<SseEvent> events = stream(key, withTool(ask("smart", "Paris", true)));
        SseEvent start = events.stream().filter(e -> e.name().equals("content_block_start")
                && e.data().at("/content_block/type").asText().equals("tool_use")).findFirst().orElseThrow();
        assertEquals("get_weather", start.data().at("/content_block/name").asText());
        int index = start.data().get("index").asInt();
        StringBuilder input = new StringBuilder();
        events.stream().filter(e -> e.name().equals("content_block_delta") && e.data().get("index").asInt() == index)
                .forEach(e -> {
                    assertEquals("input_json_delta", e.data().at("/delta/type").asText());
                    input.append(e.data().at("/delta/partial_json").asText());
                });
        assertTrue(json(input.toString()).toString().contains("Paris"), input.toString());
        assertEquals("tool_use", events.get(events.size() - 2).data().at("/delta/stop_reason").asText());
    }

    @Test
    void aFailureMidStreamIsAnErrorEvent() {
        vendors.openai().wordsPerChunk(1);
        vendors.openai().errorEventAfter(2);
        List<SseEvent> events = stream(key, ask("smart", "one two three four five six", true));
        SseEvent last = events.getLast();
        assertEquals("error", last.name(), events.toString());
        assertEquals("error", last.data().get("type").asText());
        assertFalse(last.data().at("/error/type").asText().isEmpty(), last.data().toString());
        assertTrue(events.stream().noneMatch(e -> e.name().equals("message_stop")));
    }

    @Test
    void errorsAreInAnthropicsShapeWithItsStatuses() {
        assertError(messages(null, ask("smart", "hi", false)), 401, "authentication_error");
        assertError(messages("mb-not-a-key-0000000000000000", ask("smart", "hi", false)), 401, "authentication_error");
        ObjectNode noMax = ask("smart", "hi", false);
        noMax.remove("max_tokens");
        assertError(messages(key, noMax), 400, "invalid_request_error");
        assertError(messages(key, ask("no-such-model", "hi", false)), 404, "not_found_error");
        String restricted = gateway.userWithKey("only-mini", "gpt-4o-mini");
        assertError(messages(restricted, ask("smart", "hi", false)), 403, "permission_error");
        assertError(messages(key, ask("smart", "x".repeat(70 * 1024), false)), 413, "request_too_large");
        vendors.openai().failNextOverloaded(10);
        assertError(messages(key, ask("smart", "hi", false)), 529, "overloaded_error");
        vendors.openai().reset();
        vendors.openai().failNextServerError(10);
        HttpResponse<String> upstreamDown = messages(key, ask("smart", "hi", false));
        assertEquals("api_error", json(upstreamDown.body()).at("/error/type").asText(), upstreamDown.body());
        assertTrue(upstreamDown.statusCode() >= 500, upstreamDown.body());
    }

    @Test
    void aRateLimitAppliesAsForChatCompletions() {
        String limited = gateway.userWithKey("limited-claude");
        gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user").put("subject", "limited-claude")
                .put("rpm", 1));
        assertEquals(200, messages(limited, ask("smart", "hi", false)).statusCode());
        HttpResponse<String> refused = messages(limited, ask("smart", "hi", false));
        assertError(refused, 429, "rate_limit_error");
        assertTrue(refused.headers().firstValue("retry-after").isPresent(), refused.headers().toString());
    }

    /** The same question through both dialects costs the same, and the ledger shows it as for chat completions. */
    @Test
    void theQuotaIsChargedExactlyAsForChatCompletions() throws Exception {
        BigDecimal viaMessages = chargeOf("claude-payer", messages -> messages(messages, ask("paid", "hello", false)));
        BigDecimal viaChat = chargeOf("chat-payer", k -> api.post("/v1/chat/completions", k,
                ((ObjectNode) json(ApiCalls.chat("paid", "hello", false))).put("max_tokens", 64).toString()));
        assertEquals(0, viaChat.compareTo(viaMessages), viaChat + " vs " + viaMessages);
        assertEquals(0, new BigDecimal("0.003").compareTo(viaMessages), "1 prompt and 2 completion tokens at 0.001: "
                + viaMessages);
    }

    /**
     * DeepSeek reasoner's reasoning_content is a thinking block before the text when the request asks for thinking,
     * whole and streamed (thinking_delta, then an empty signature_delta); without the ask it is left out.
     */
    @Test
    void reasoningIsAThinkingBlockWhenAskedFor() {
        ObjectNode asked = ask("reasoner", "why is the sky blue", false);
        asked.putObject("thinking").put("type", "enabled").put("budget_tokens", 1024);
        HttpResponse<String> res = messages(key, asked);
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals("thinking", body.at("/content/0/type").asText(), res.body());
        assertEquals("Thinking about: why is the sky blue", body.at("/content/0/thinking").asText(), res.body());
        assertEquals("", body.at("/content/0/signature").asText(), res.body());
        assertEquals("text", body.at("/content/1/type").asText(), res.body());

        List<SseEvent> events = stream(key, asked.put("stream", true));
        assertEquals("thinking", events.get(1).data().at("/content_block/type").asText(), events.toString());
        StringBuilder thought = new StringBuilder();
        List<String> deltaTypes = new ArrayList<>();
        for (SseEvent e : events) {
            if (e.name().equals("content_block_delta") && e.data().get("index").asInt() == 0) {
                deltaTypes.add(e.data().at("/delta/type").asText());
                thought.append(e.data().at("/delta/thinking").asText());
            }
        }
        assertEquals("Thinking about: why is the sky blue", thought.toString(), events.toString());
        assertEquals("signature_delta", deltaTypes.getLast(), deltaTypes.toString());
        assertEquals("text", events.stream().filter(e -> e.name().equals("content_block_start")).toList().get(1)
                .data().at("/content_block/type").asText(), events.toString());

        JsonNode unasked = json(messages(key, ask("reasoner", "why is the sky blue", false)).body());
        assertEquals(1, unasked.get("content").size(), unasked.toString());
        assertEquals("text", unasked.at("/content/0/type").asText(), unasked.toString());
        List<SseEvent> unaskedStream = stream(key, ask("reasoner", "why is the sky blue", true));
        assertTrue(unaskedStream.stream().noneMatch(e -> e.data().toString().contains("thinking")),
                unaskedStream.toString());
    }

    /**
     * DeepSeek's cache hits are cache_read_input_tokens; input_tokens is the rest of the prompt, so the two add up to
     * the prompt tokens the usage row bills, whole and streamed (message_delta).
     */
    @Test
    void cacheHitsAreCacheReadInputTokens() {
        vendors.deepseek().cacheHits(true);
        HttpResponse<String> res = messages(key, ask("ds", "one two three four five six seven eight", false));
        assertEquals(200, res.statusCode(), res.body());
        JsonNode usage = json(res.body()).get("usage");
        int cached = usage.get("cache_read_input_tokens").asInt();
        assertTrue(cached > 0, usage.toString());
        assertEquals(0, usage.get("cache_creation_input_tokens").asInt(), usage.toString());
        JsonNode row = UsageRows.find(gateway, requestId(res));
        assertEquals(cached, row.get("cached_prompt_tokens").asInt(), row.toString());
        assertEquals(row.get("prompt_tokens").asInt(), usage.get("input_tokens").asInt() + cached, row.toString());

        List<SseEvent> events = stream(key, ask("ds", "one two three four five six seven eight", true));
        JsonNode streamed = events.get(events.size() - 2).data().get("usage");
        assertEquals(cached, streamed.get("cache_read_input_tokens").asInt(), streamed.toString());
        assertEquals(usage.get("input_tokens").asInt(), streamed.get("input_tokens").asInt(), streamed.toString());
    }

    /**
     * An upstream that names the stop string it stopped on (vLLM's choice field stop_reason) gives stop_reason
     * stop_sequence with that string, whole and streamed, when it is one of the request's stop_sequences.
     */
    @Test
    void aStopSequenceTheUpstreamNamesIsReported() {
        ObjectNode body = ask("vllm", "count", false);
        body.putArray("stop_sequences").add("END").add("5");
        vllm.answer(HostileUpstream.reply(200, "application/json", "{\"id\":\"c\",\"object\":\"chat.completion\","
                + "\"created\":1,\"model\":\"llama\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"1 2 3 4 \"},\"finish_reason\":\"stop\",\"stop_reason\":\"5\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}"));
        HttpResponse<String> res = messages(key, body);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("stop_sequence", json(res.body()).get("stop_reason").asText(), res.body());
        assertEquals("5", json(res.body()).get("stop_sequence").asText(), res.body());

        vllm.answer(HostileUpstream.stream(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"1 2 3 4 \"}}]}\n\n",
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"stop_reason\":\"END\"}]}\n\n",
                "data: [DONE]\n\n"));
        List<SseEvent> events = stream(key, body.put("stream", true));
        JsonNode delta = events.get(events.size() - 2).data().get("delta");
        assertEquals("stop_sequence", delta.get("stop_reason").asText(), events.toString());
        assertEquals("END", delta.get("stop_sequence").asText(), events.toString());
    }

    /** Each usage row names the client API its request came through, and the admin API totals per dialect. */
    @Test
    void usageRowsRecordTheDialect() {
        String both = gateway.userWithKey("two-dialects");
        HttpResponse<String> viaMessages = messages(both, ask("smart", "hello", false));
        HttpResponse<String> viaChat = api.chatOk(both, ApiCalls.chat("smart", "hello", false));
        assertEquals("anthropic-messages", UsageRows.find(gateway, requestId(viaMessages)).path("dialect").asText());
        assertEquals("openai-chat", UsageRows.find(gateway, requestId(viaChat)).path("dialect").asText());
        List<SseEvent> streamed = stream(both, ask("smart", "hello", true));
        assertEquals("message_stop", streamed.getLast().name());

        JsonNode groups = null;
        for (int i = 0; i < 200 && (groups == null || groups.findValues("requests").stream()
                .mapToInt(JsonNode::asInt).sum() < 3); i++) { // the stream's row is written behind it
            UsageRows.sleep(50);
            groups = gateway.admin("GET", "/usage?user=two-dialects&since=1h&by=dialect", null).get("groups");
        }
        assertEquals(2, groups.size(), groups.toString());
        for (JsonNode group : groups) {
            int expected = group.get("group").asText().equals("anthropic-messages") ? 2 : 1;
            assertEquals(expected, group.get("requests").asInt(), groups.toString());
        }
    }

    private static String requestId(HttpResponse<?> res) {
        return res.headers().firstValue("x-modelbridge-request-id").orElseThrow();
    }

    /**
     * count_tokens answers the gateway's own count, the one message_start reports; it takes no rate limit (two
     * counts and then a message fit in an rpm of 1) and writes no usage row.
     */
    @Test
    void countTokensIsTheGatewaysCountUnbilledAndUnlimited() {
        String counter = gateway.userWithKey("counter");
        gateway.admin("PUT", "/limits", JSON.createObjectNode().put("scope", "user").put("subject", "counter")
                .put("rpm", 1));
        ObjectNode body = ask("smart", "How many tokens are in this question?", false);
        body.put("system", "You are terse.");
        body.remove("max_tokens");
        body.remove("stream");
        HttpResponse<String> first = countTokens(counter, body);
        assertEquals(200, first.statusCode(), first.body());
        int counted = json(first.body()).get("input_tokens").asInt();
        assertTrue(counted > 8, first.body());
        assertEquals(1, json(first.body()).size(), first.body());
        assertEquals(first.body(), countTokens(counter, body).body());

        List<SseEvent> events = stream(counter, body.put("max_tokens", 16).put("stream", true));
        assertEquals(counted, events.getFirst().data().at("/message/usage/input_tokens").asInt());
        UsageRows.sleep(500);
        JsonNode usage = gateway.admin("GET", "/usage?user=counter&since=1h&limit=100", null);
        assertEquals(1, usage.get("data").size(), "only the message has a usage row: " + usage);
    }

    @Test
    void countTokensErrorsAreAnthropicShaped() {
        ObjectNode body = ask("smart", "hi", false);
        assertError(countTokens(null, body), 401, "authentication_error");
        assertError(countTokens(key, ask("no-such-model", "hi", false)), 404, "not_found_error");
        body.remove("messages");
        assertError(countTokens(key, body), 400, "invalid_request_error");
    }

    /** Anthropic's browser SDK sends anthropic-* headers, so its preflight must allow them. */
    @Test
    void aBrowsersPreflightAllowsTheAnthropicSdksHeaders() throws Exception {
        String requested = "anthropic-dangerous-direct-browser-access, anthropic-version, content-type, x-api-key";
        HttpResponse<String> res = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(gateway.api() + "/v1/messages"))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://app.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", requested).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, res.statusCode(), res.body());
        String allowed = res.headers().firstValue("access-control-allow-headers").orElse("");
        for (String header : requested.split(", ")) {
            assertTrue(allowed.contains(header), header + " in " + allowed);
        }
    }

    static HttpResponse<String> countTokens(String apiKey, ObjectNode body) {
        return apiKey == null ? api.post("/v1/messages/count_tokens", null, body.toString())
                : api.post("/v1/messages/count_tokens", null, body.toString(), "x-api-key", apiKey);
    }

    private static BigDecimal chargeOf(String user, java.util.function.Function<String, HttpResponse<String>> call)
            throws InterruptedException {
        gateway.admin("POST", "/users", JSON.createObjectNode().put("name", user).put("quota", BigDecimal.ONE));
        String k = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", user)).get("key").asText();
        HttpResponse<String> res = call.apply(k);
        assertEquals(200, res.statusCode(), res.body());
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode quota = gateway.admin("GET", "/users/" + user + "/quota", null);
        while (quota.get("balance").decimalValue().compareTo(BigDecimal.ONE) == 0 && System.nanoTime() < end) {
            Thread.sleep(20);
            quota = gateway.admin("GET", "/users/" + user + "/quota", null);
        }
        return BigDecimal.ONE.subtract(quota.get("balance").decimalValue());
    }

    private static void assertError(HttpResponse<String> res, int status, String type) {
        assertEquals(status, res.statusCode(), res.body());
        JsonNode body = json(res.body());
        assertEquals("error", body.get("type").asText(), res.body());
        assertEquals(type, body.at("/error/type").asText(), res.body());
        assertFalse(body.at("/error/message").asText().isEmpty(), res.body());
        assertFalse(body.has("param"), res.body());
    }

    static ObjectNode ask(String model, String text, boolean stream) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 64).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        return body;
    }

    static ObjectNode withTool(ObjectNode body) {
        ObjectNode tool = body.putArray("tools").addObject().put("name", "get_weather")
                .put("description", "The weather in a city");
        ObjectNode schema = tool.putObject("input_schema").put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string");
        schema.putArray("required").add("city");
        body.putObject("tool_choice").put("type", "auto");
        return body;
    }

    static HttpResponse<String> messages(String apiKey, ObjectNode body) {
        return apiKey == null ? api.post("/v1/messages", null, body.toString(), "anthropic-version", VERSION)
                : api.post("/v1/messages", null, body.toString(), "x-api-key", apiKey, "anthropic-version", VERSION);
    }

    /** The events of a streamed answer, which must be a 200 event stream. */
    static List<SseEvent> stream(String apiKey, ObjectNode body) {
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/messages", null, body.toString(),
                "x-api-key", apiKey, "anthropic-version", VERSION);
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<SseEvent> events = SseEvent.parseTyped(res.body());
        return events;
    }
}
