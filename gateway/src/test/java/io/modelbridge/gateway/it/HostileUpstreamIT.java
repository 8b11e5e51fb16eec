package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.UpstreamLimits;
import io.modelbridge.testkit.spark.SparkSimulator;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream that answers with sizes and counts meant to make the gateway allocate without bound: a choice index
 * of 2^31-1 (once 256 MB per stream), a tool-call index as large, a line that never ends, a 64 MB JSON answer, token
 * counts that would become money, more text than any model writes, a Spark WebSocket message over 16 Mi chars. Each
 * is a clean 502 {@code upstream_bad_response} (an error event once a stream began), and for the raw-socket cases the
 * whole JVM allocates less than {@value #ALLOCATION_BOUND_MB} MB while the gateway refuses it.
 */
@Timeout(120)
class HostileUpstreamIT {
    private static final long ALLOCATION_BOUND_MB = 48;
    private static final long OFFERED_BYTES = 64L * 1024 * 1024;
    /** 2^32+5 prompt tokens: read with asInt() they were 5, and the request was billed 5. */
    private static final String WRAPPING_USAGE = "{\"prompt_tokens\":4294967301,\"completion_tokens\":1,"
            + "\"total_tokens\":4294967302}";
    @TempDir
    static Path dataDir;
    static HostileUpstream hostile;
    static SparkSimulator spark;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;

    @BeforeAll
    static void start() {
        hostile = HostileUpstream.start();
        spark = SparkSimulator.start();
        // a breaker that never opens here: every case must reach the hostile upstream
        gateway = RunningGateway.start(dataDir, c -> c.withControl(c.control().withBreaker(10_000, Duration.ofSeconds(1))));
        api = new ApiCalls(gateway.api());
        ObjectNode channel = JSON.createObjectNode().put("name", "hostile").put("provider", "openai")
                .put("credential", "sk-hostile").put("base_url", hostile.baseUri().toString())
                .put("connect_timeout_ms", 2000).put("read_timeout_ms", 5000);
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "hostile").put("model", "gpt-4o");
        gateway.admin("PUT", "/aliases/hostile", alias);
        ObjectNode sparkChannel = JSON.createObjectNode().put("name", "spark").put("provider", "spark")
                .put("credential", spark.credential()).put("base_url", spark.baseUri().toString());
        sparkChannel.putArray("models").add("spark-max");
        gateway.admin("POST", "/channels", sparkChannel);
        ObjectNode sparkAlias = JSON.createObjectNode();
        sparkAlias.putArray("targets").addObject().put("channel", "spark").put("model", "spark-max");
        gateway.admin("PUT", "/aliases/spark", sparkAlias);
        key = gateway.userWithKey("hostile");
        hostile.answer(HostileUpstream.stream(event("{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}"),
                "data: [DONE]\n\n"));
        // warm the path: the first requests load classes and fill pools
        api.chatOk(key, chat("hostile", "hi", true));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        hostile.close();
        spark.close();
    }

    @AfterEach
    void stillReady() {
        spark.reset();
        assertEquals(200, api.get("/readyz", null).statusCode());
    }

    @Test
    void aChoiceIndexOf2To31Minus1IsRefused() {
        hostile.answer(HostileUpstream.stream(event("{\"index\":2147483647,\"delta\":{\"content\":\"hi\"}}"),
                "data: [DONE]\n\n"));
        refused(true);
    }

    @Test
    void aHugeToolCallIndexIsRefused() {
        hostile.answer(HostileUpstream.stream(event("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":2147483647,"
                + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}}"),
                "data: [DONE]\n\n"));
        refused(true);
    }

    @Test
    void anSseLineThatNeverEndsIsRefusedAtTheLineBound() {
        hostile.answer(HostileUpstream.endlessLine(OFFERED_BYTES));
        refused(true);
    }

    @Test
    void a64MegabyteJsonAnswerIsRefused() {
        hostile.answer(HostileUpstream.hugeJson(OFFERED_BYTES));
        refused(false);
    }

    @Test
    void ofA64MegabyteErrorAnswerOnlyTheStartIsRead() {
        hostile.answer(HostileUpstream.hugeJson(500, OFFERED_BYTES));
        long before = allocatedBytes();
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("hostile", "hi", false));
        long allocatedMb = (allocatedBytes() - before) / (1024 * 1024);
        assertError(res, 502, "upstream_unavailable");
        assertTrue(allocatedMb < ALLOCATION_BOUND_MB, "allocated " + allocatedMb + " MB to read a 64 MB error");
    }

    @Test
    void tokenCountsThatWouldBecomeMoneyAreRefused() {
        hostile.answer(HostileUpstream.reply(200, "application/json", "{\"id\":\"c\",\"object\":\"chat.completion\","
                + "\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":-5,"
                + "\"completion_tokens\":2147483647,\"total_tokens\":2147483642}}"));
        String requestId = "money-" + UUID.randomUUID();
        JsonNode error = assertError(api.post("/v1/chat/completions", key, chat("hostile", "hi", false),
                "x-request-id", requestId), 502, "upstream_bad_response");
        assertTrue(error.get("message").asText().contains("token count"), error.toString());
        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(502, row.get("status").asInt(), row.toString());
    }

    @Test
    void promptTokensOf2To32Plus5AreAProtocolErrorNotABillOf5() {
        hostile.answer(HostileUpstream.reply(200, "application/json", "{\"id\":\"c\",\"object\":\"chat.completion\","
                + "\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":" + WRAPPING_USAGE + "}"));
        String requestId = "wrap-" + UUID.randomUUID();
        JsonNode error = assertError(api.post("/v1/chat/completions", key, chat("hostile", "hi", false),
                "x-request-id", requestId), 502, "upstream_bad_response");
        assertTrue(error.get("message").asText().contains("prompt_tokens"), error.toString());
        JsonNode row = UsageRows.find(gateway, requestId);
        assertEquals(502, row.get("status").asInt(), row.toString());
        assertEquals(0, row.get("prompt_tokens").asInt(), row.toString());
    }

    @Test
    void streamedPromptTokensOf2To32Plus5EndTheStreamWithAnErrorEventNotABillOf5() {
        String usage = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[],\"usage\":" + WRAPPING_USAGE + "}\n\n";
        String text = event("{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}");
        hostile.answer(HostileUpstream.stream(text, usage, "data: [DONE]\n\n"));
        String requestId = "wrap-stream-" + UUID.randomUUID();
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("hostile", "hi", true),
                "x-request-id", requestId);
        assertEquals(200, res.statusCode());
        List<String> data = res.body().lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip())
                .toList();
        assertTrue(!data.contains("[DONE]"), res.body());
        JsonNode error = ApiCalls.json(data.getLast()).get("error");
        assertTrue(error != null && "upstream_bad_response".equals(error.path("code").asText()), data.getLast());
        JsonNode row = UsageRows.find(gateway, requestId);
        assertTrue(row.get("prompt_tokens").asInt() != 5, "billed as 5 prompt tokens: " + row);
    }

    @Test
    void aStreamOfMoreTextThanAnyModelWritesEndsWithAnErrorEvent() {
        String[] events = new String[131];
        String content = "ab ".repeat(22_000); // words: the tokenizer counting what was delivered stays linear
        Arrays.fill(events, 0, 130, event("{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}"));
        events[130] = "data: [DONE]\n\n";
        hostile.answer(HostileUpstream.stream(events));
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("hostile", "hi", true));
        assertEquals(200, res.statusCode());
        List<String> data = res.body().lines().filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip()).toList();
        assertTrue(!data.contains("[DONE]"), "no [DONE] after the cut");
        JsonNode error = ApiCalls.json(data.getLast()).get("error");
        assertTrue(error != null && "upstream_bad_response".equals(error.path("code").asText()), data.getLast());
    }

    @Test
    void aSparkWebSocketMessageOverTheBoundIsRefused() {
        spark.replyWith("x".repeat(UpstreamLimits.MAX_MESSAGE_BYTES + 1024));
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("spark", "hi", false));
        assertEquals(502, res.statusCode(), "status of a " + res.body().length() + "-character answer");
        assertError(res, 502, "upstream_bad_response");
    }

    @Test
    void aSparkAnswerOfManyFramesOverTheBoundIsRefused() {
        String word = "y".repeat(1024 * 1024);
        spark.replyWith((word + " ").repeat(17).strip());
        spark.wordsPerFrame(1);
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("spark", "hi", false));
        assertEquals(502, res.statusCode(), "status of a " + res.body().length() + "-character answer");
        assertError(res, 502, "upstream_bad_response");
    }

    /** The call is a 502 upstream_bad_response, and refusing it allocated less than the bound. */
    private static void refused(boolean stream) {
        long before = allocatedBytes();
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("hostile", "hi", stream));
        long allocatedMb = (allocatedBytes() - before) / (1024 * 1024);
        assertError(res, 502, "upstream_bad_response");
        assertTrue(allocatedMb < ALLOCATION_BOUND_MB, "allocated " + allocatedMb + " MB to refuse it: " + res.body());
    }

    /** Bytes allocated by every thread of this JVM so far (gateway and test alike). */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static String event(String choice) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[" + choice + "]}\n\n";
    }
}
