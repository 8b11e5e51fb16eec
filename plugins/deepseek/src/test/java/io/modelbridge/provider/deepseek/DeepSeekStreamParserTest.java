package io.modelbridge.provider.deepseek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.ChatChunk.Finish;
import io.modelbridge.spi.ChatChunk.ReasoningDelta;
import io.modelbridge.spi.ChatChunk.TextDelta;
import io.modelbridge.spi.ChatChunk.ToolCallDelta;
import io.modelbridge.spi.ChatChunk.UsageReport;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE-to-chunk mapping on recorded DeepSeek byte streams (the live path is in the contract test). */
class DeepSeekStreamParserTest {
    private static final String HEAD = "{\"id\":\"7c1e\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"deepseek-reasoner\",\"system_fingerprint\":\"fp_x\",";

    @Test
    void reasonerStreamWithKeepAliveEmptyFirstReasoningAndUsageOnTwoChunksReportsUsageOnce() {
        String usage = "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":48,\"total_tokens\":58,"
                + "\"prompt_cache_hit_tokens\":4,\"prompt_cache_miss_tokens\":6}";
        List<ChatChunk> chunks = parse(
                ": keep-alive\n\n",
                ": keep-alive\n\n",
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"比较\"},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"9.8\",\"reasoning_content\":null},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"stop\"}]," + usage),
                event("\"choices\":[]," + usage),
                "data: [DONE]\n\n");
        assertEquals(List.of(new ReasoningDelta(0, "比较"), new TextDelta(0, "9.8"), new Finish(0, FinishReason.STOP),
                new UsageReport(new Usage(10, 48, 58, 4, null))), chunks);
    }

    @Test
    void toolCallFragmentsAndTheToolCallsFinish() {
        List<ChatChunk> chunks = parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"index\":0,\"id\":\"call_0_x\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"tool_calls\"}]"),
                "data: [DONE]\n\n");
        assertEquals(List.of(new ToolCallDelta(0, 0, "call_0_x", "get_weather", ""),
                new ToolCallDelta(0, 0, null, null, "{}"), new Finish(0, FinishReason.TOOL_CALLS)), chunks);
    }

    @Test
    void insufficientSystemResourceAfterTextFailsWithoutAFinish() {
        List<ChatChunk> seen = new ArrayList<>();
        ProviderException e = assertThrows(ProviderException.class, () -> parseInto(seen,
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial\"},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"insufficient_system_resource\"}]"),
                "data: [DONE]\n\n"));
        assertEquals(Kind.UNAVAILABLE, e.failure().kind());
        assertEquals(List.of(new TextDelta(0, "partial")), seen);
    }

    @Test
    void errorEventsMalformedJsonAndEarlyEndsAreFailures() {
        ProviderException error = assertThrows(ProviderException.class, () -> parse(
                "data: {\"error\":{\"message\":\"Server Error\",\"type\":\"server_error\",\"param\":null,\"code\":\"invalid_request_error\"}}\n\n"));
        assertEquals(Kind.UNAVAILABLE, error.failure().kind());
        assertEquals(Kind.PROTOCOL, assertThrows(ProviderException.class, () -> parse("data: {\"choices\":[\n\n"))
                .failure().kind());
        assertEquals(Kind.PROTOCOL, assertThrows(ProviderException.class, () -> parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]")))
                .failure().kind());
    }

    private static String event(String rest) {
        return "data: " + HEAD + rest + "}\n\n";
    }

    private static List<ChatChunk> parse(String... frames) {
        List<ChatChunk> chunks = new ArrayList<>();
        parseInto(chunks, frames);
        return chunks;
    }

    private static void parseInto(List<ChatChunk> chunks, String... frames) {
        byte[] bytes = String.join("", frames).getBytes(StandardCharsets.UTF_8);
        DeepSeekAdapter.streamParser("sk-secret", contentOnly(chunks)).parse(new ByteArrayInputStream(bytes));
    }

    /** The content chunks only: the upstream's other fields (ChatChunk.Fields) are the shared codec's to test. */
    private static java.util.function.Consumer<ChatChunk> contentOnly(List<ChatChunk> chunks) {
        return chunk -> {
            if (!(chunk instanceof ChatChunk.Fields)) {
                chunks.add(chunk);
            }
        };
    }
}
