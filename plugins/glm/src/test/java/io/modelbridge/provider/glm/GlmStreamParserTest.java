package io.modelbridge.provider.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import io.modelbridge.testkit.ChunkRecorder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GLM's stream framing, byte for byte as vendor-protocols.md 6.6 shows it, and its variations. */
class GlmStreamParserTest {
    private static final String ENVELOPE = "{\"id\":\"8313807536837492492\",\"created\":1706092316,\"model\":\"glm-4-plus\",";

    @Test
    void textRepeatedRolesFinalUsageAndDone() {
        ChunkRecorder out = parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"土\"}}]}"),
                ": keep-alive comment\n\n",
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"星\"}}]}"),
                event("\"choices\":[{\"index\":0,\"finish_reason\":\"length\",\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"\"}}],\"usage\":{\"prompt_tokens\":60,\"completion_tokens\":100,\"total_tokens\":160}}"),
                "data: [DONE]\n\n");
        assertEquals(List.of(new ChatChunk.TextDelta(0, "土"), new ChatChunk.TextDelta(0, "星"),
                new ChatChunk.Finish(0, FinishReason.LENGTH), new ChatChunk.UsageReport(new Usage(60, 100, 160))),
                out.chunks());
    }

    @Test
    void aToolCallInFragmentsCarriesItsIdAndNameOnlyOnce() {
        String call = "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_9\","
                + "\"index\":0,\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"%s\"}}]}}]}";
        ChunkRecorder out = parse(event(call.formatted("{\\\"city\\\":")), event(call.formatted("\\\"Paris\\\"}")),
                event("\"choices\":[{\"index\":0,\"finish_reason\":\"tool_calls\",\"delta\":{\"role\":\"assistant\"}}],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"total_tokens\":12}}"),
                "data: [DONE]\n\n");
        List<ChatChunk.ToolCallDelta> deltas = out.of(ChatChunk.ToolCallDelta.class);
        assertEquals(new ChatChunk.ToolCallDelta(0, 0, "call_9", "get_weather", "{\"city\":"), deltas.get(0));
        assertEquals(new ChatChunk.ToolCallDelta(0, 0, null, null, "\"Paris\"}"), deltas.get(1));
        assertEquals("{\"city\":\"Paris\"}", out.toolArguments(0));
        assertEquals(List.of(new ChatChunk.Finish(0, FinishReason.TOOL_CALLS)), out.of(ChatChunk.Finish.class));
    }

    @Test
    void reasoningContentIsAReasoningDeltaAndSensitiveIsContentFilter() {
        ChunkRecorder out = parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"hmm\"}}]}"),
                event("\"choices\":[{\"index\":0,\"finish_reason\":\"sensitive\",\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}"));
        assertEquals(List.of(new ChatChunk.ReasoningDelta(0, "hmm"), new ChatChunk.Finish(0, FinishReason.CONTENT_FILTER)),
                out.chunks(), "a stream closed after its finish chunk is complete without [DONE]");
    }

    @Test
    void errorEventsAndCutStreamsFail() {
        ProviderException named = assertThrows(ProviderException.class, () -> parse(
                "event: error\ndata: {\"code\":\"1301\",\"message\":\"敏感内容\"}\n\n"));
        assertEquals(Kind.CONTENT_FILTER, named.failure().kind());
        ProviderException inline = assertThrows(ProviderException.class, () -> parse(
                "data: {\"error\":{\"code\":\"1302\",\"message\":\"并发数过高\"}}\n\n"));
        assertEquals(Kind.RATE_LIMIT, inline.failure().kind());
        ProviderException cut = assertThrows(ProviderException.class, () -> parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"half\"}}]}")));
        assertEquals(Kind.PROTOCOL, cut.failure().kind());
        assertEquals(Kind.PROTOCOL, assertThrows(ProviderException.class, () -> parse("data: {not json\n\n"))
                .failure().kind());
    }

    private static String event(String rest) {
        return "data: " + ENVELOPE + rest + "\n\n";
    }

    private static ChunkRecorder parse(String... frames) {
        ChunkRecorder out = new ChunkRecorder();
        GlmResponses.streamParser("id.secret", out).parse(new ByteArrayInputStream(String.join("", frames)
                .getBytes(StandardCharsets.UTF_8)));
        return out;
    }
}
