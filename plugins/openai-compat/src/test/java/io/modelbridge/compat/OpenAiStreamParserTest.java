package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatChunk.Fields;
import io.modelbridge.spi.ChatChunk.Finish;
import io.modelbridge.spi.ChatChunk.ReasoningDelta;
import io.modelbridge.spi.ChatChunk.TextDelta;
import io.modelbridge.spi.ChatChunk.ToolCallDelta;
import io.modelbridge.spi.ChatChunk.UsageReport;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSE-to-chunk mapping on recorded byte streams (the live path is covered by the contract test). */
class OpenAiStreamParserTest {
    private static final String HEAD = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",";

    @Test
    void deepSeekStyleStreamWithReasoningKeepAliveAndUsageOnTheLastChunk() {
        List<ChatChunk> chunks = parse(
                ": keep-alive\n\n",
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"想\"},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"你好\"},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"length\"}],"
                        + "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3,\"total_tokens\":5}"),
                "data: [DONE]\n\n");
        assertEquals(List.of(new ReasoningDelta(0, "想"), new TextDelta(0, "你好"), new Finish(0, FinishReason.LENGTH),
                new UsageReport(new Usage(2, 3, 5))), chunks);
    }

    @Test
    void usageInsideTheFinishingChoiceIsReadLikeChunkLevelUsage() {
        List<ChatChunk> chunks = parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\","
                        + "\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":9,\"total_tokens\":17}}]"),
                "data: [DONE]\n\n");
        assertEquals(List.of(new TextDelta(0, "hi"), new Finish(0, FinishReason.STOP),
                new UsageReport(new Usage(8, 9, 17))), chunks);
    }

    /** What the chunks do not model goes out as it came, before the event's chunks: nothing is added or lost. */
    @Test
    void fieldsTheChunksDoNotModelGoOutAsTheyCame() {
        List<ChatChunk> chunks = everything(
                event("\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":null,\"refusal\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},\"logprobs\":{\"content\":[]},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]"),
                "data: [DONE]\n\n");
        Map<String, Object> refusalAndContent = new LinkedHashMap<>();
        refusalAndContent.put("refusal", null);
        refusalAndContent.put("content", null);
        assertEquals(List.of(new Fields(0, Map.of("system_fingerprint", "fp_1"), Map.of("logprobs", Map.of("content", List.of())),
                        refusalAndContent),
                new ToolCallDelta(0, 0, "call_1", "f", ""), new Finish(0, FinishReason.TOOL_CALLS)), chunks);
    }

    @Test
    void toolCallDeltasKeepIdAndNameOnTheFirstAndFragmentsAfter() {
        List<ChatChunk> chunks = parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}]"),
                event("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]"),
                "data: [DONE]\n\n");
        assertEquals(List.of(new ToolCallDelta(0, 0, "call_1", "get_weather", ""),
                new ToolCallDelta(0, 0, null, null, "{\"city\":"), new Finish(0, FinishReason.TOOL_CALLS)), chunks);
    }

    @Test
    void repeatedIdsObjectArgumentsAndBuiltInToolResultsAsSomeVendorsSendThem() {
        String call = "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[%s]},\"finish_reason\":null}]";
        List<ChatChunk> chunks = parse(
                event(call.formatted("{\"index\":0,\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                        + "\"arguments\":{\"a\":1}}}")),
                event(call.formatted("{\"index\":0,\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                        + "\"arguments\":\"\"}}")),
                event(call.formatted("{\"index\":1,\"type\":\"web_search\",\"web_search\":{}}")),
                event("\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]"),
                "data: [DONE]\n\n");
        assertEquals(List.of(new ToolCallDelta(0, 0, "c1", "f", "{\"a\":1}"), new Finish(0, FinishReason.TOOL_CALLS)),
                chunks, "id and name once, an object's JSON text, no empty fragment, no web_search result");
    }

    @Test
    void anEventNamedErrorIsThrownThroughTheVendorsErrors() {
        ProviderException error = assertThrows(ProviderException.class, () -> parse(
                "event: error\ndata: {\"message\":\"slow down\",\"code\":\"rate_limit_exceeded\"}\n\n"));
        assertEquals(Kind.RATE_LIMIT, error.failure().kind());
    }

    @Test
    void errorEventIsClassifiedAndMalformedJsonIsProtocol() {
        ProviderException error = assertThrows(ProviderException.class, () -> parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]"),
                "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n"));
        assertEquals(Kind.RATE_LIMIT, error.failure().kind());
        ProviderException malformed = assertThrows(ProviderException.class, () -> parse("data: {\"choices\":[\n\n"));
        assertEquals(Kind.PROTOCOL, malformed.failure().kind());
    }

    @Test
    void endWithoutDoneIsAnErrorUnlessTheAnswerFinished() {
        ProviderException early = assertThrows(ProviderException.class, () -> parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]")));
        assertEquals(Kind.PROTOCOL, early.failure().kind());
        assertEquals(Kind.PROTOCOL, assertThrows(ProviderException.class, () -> parse()).failure().kind());
        List<ChatChunk> finished = parse(
                event("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]"));
        assertEquals(List.of(new TextDelta(0, "a"), new Finish(0, FinishReason.STOP)), finished);
    }

    private static String event(String rest) {
        return "data: " + HEAD + rest + "}\n\n";
    }

    /** The modelled chunks of a stream (the upstream's other fields are {@link #everything}'s). */
    private static List<ChatChunk> parse(String... frames) {
        return everything(frames).stream().filter(c -> !(c instanceof Fields)).toList();
    }

    private static List<ChatChunk> everything(String... frames) {
        List<ChatChunk> chunks = new ArrayList<>();
        byte[] bytes = String.join("", frames).getBytes(StandardCharsets.UTF_8);
        new OpenAiStreamParser("sk-secret", chunks::add).parse(new ByteArrayInputStream(bytes));
        return chunks;
    }
}
