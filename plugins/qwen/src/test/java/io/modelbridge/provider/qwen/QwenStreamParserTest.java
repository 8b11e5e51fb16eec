package io.modelbridge.provider.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.ChatChunk.Finish;
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

/** DashScope's native SSE framing on recorded byte streams (the live path is in the contract test). */
class QwenStreamParserTest {

    @Test
    void theDocumentedFramingWithStringNullFinishAndCumulativeUsage() {
        List<ChatChunk> chunks = parse(
                result(1, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"你好\",\"role\":\"assistant\"},\"finish_reason\":\"null\"}]},\"usage\":{\"total_tokens\":11,\"input_tokens\":10,\"output_tokens\":1},\"request_id\":\"215a\"}"),
                result(2, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"！有什么可以帮你？\",\"role\":\"assistant\"},\"finish_reason\":\"null\"}]},\"usage\":{\"total_tokens\":18,\"input_tokens\":10,\"output_tokens\":8},\"request_id\":\"215a\"}"),
                result(3, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"\",\"role\":\"assistant\"},\"finish_reason\":\"stop\"}]},\"usage\":{\"total_tokens\":18,\"input_tokens\":10,\"output_tokens\":8},\"request_id\":\"215a\"}"));
        assertEquals(List.of(new TextDelta(0, "你好"), new TextDelta(0, "！有什么可以帮你？"),
                new Finish(0, FinishReason.STOP), new UsageReport(new Usage(10, 8, 18))), chunks);
    }

    @Test
    void toolCallFragmentsWithRepeatedEmptyIdsAnnounceTheCallOnce() {
        List<ChatChunk> chunks = parse(
                result(1, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"\",\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":\"null\"}]},\"usage\":{\"input_tokens\":5,\"output_tokens\":1},\"request_id\":\"r\"}"),
                result(2, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"\",\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"\",\"type\":\"function\",\"function\":{\"arguments\":\"\\\"北京\\\"}\"}}]},\"finish_reason\":\"null\"}]},\"usage\":{\"input_tokens\":5,\"output_tokens\":2},\"request_id\":\"r\"}"),
                result(3, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"\",\"role\":\"assistant\"},\"finish_reason\":\"tool_calls\"}]},\"usage\":{\"input_tokens\":5,\"output_tokens\":2},\"request_id\":\"r\"}"));
        assertEquals(List.of(new ToolCallDelta(0, 0, "call_9", "get_weather", "{\"city\":"),
                new ToolCallDelta(0, 0, null, null, "\"北京\"}"), new Finish(0, FinishReason.TOOL_CALLS),
                new UsageReport(new Usage(5, 2, 7))), chunks);
    }

    @Test
    void anErrorEventFailsAndAStreamWithoutAFinishIsCutShort() {
        List<ChatChunk> seen = new ArrayList<>();
        ProviderException error = assertThrows(ProviderException.class, () -> parseInto(seen,
                result(1, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"a\",\"role\":\"assistant\"},\"finish_reason\":\"null\"}]},\"request_id\":\"r\"}"),
                "id:2\nevent:error\n:HTTP_STATUS/500\ndata:{\"code\":\"InternalError\",\"message\":\"boom\",\"request_id\":\"r\"}\n\n"));
        assertEquals(Kind.UNAVAILABLE, error.failure().kind());
        assertEquals(List.of(new TextDelta(0, "a")), seen);
        ProviderException early = assertThrows(ProviderException.class, () -> parse(
                result(1, "{\"output\":{\"choices\":[{\"message\":{\"content\":\"a\",\"role\":\"assistant\"},\"finish_reason\":\"null\"}]},\"request_id\":\"r\"}")));
        assertEquals(Kind.PROTOCOL, early.failure().kind());
        assertEquals(Kind.PROTOCOL, assertThrows(ProviderException.class, () -> parse(result(1, "{not json")))
                .failure().kind());
    }

    private static String result(int id, String data) {
        return "id:" + id + "\nevent:result\n:HTTP_STATUS/200\ndata:" + data + "\n\n";
    }

    private static List<ChatChunk> parse(String... frames) {
        List<ChatChunk> chunks = new ArrayList<>();
        parseInto(chunks, frames);
        return chunks;
    }

    private static void parseInto(List<ChatChunk> chunks, String... frames) {
        byte[] bytes = String.join("", frames).getBytes(StandardCharsets.UTF_8);
        new QwenStreamParser("sk-secret", contentOnly(chunks)).parse(new ByteArrayInputStream(bytes));
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
