package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.ToolChoice;
import io.modelbridge.spi.ToolDefinition;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The chat body written with a generator ({@link OpenAiCodec#chatRequest}) is the tree's text
 * ({@link OpenAiCodec#chatBody}, which vendors with quirks edit) character for character, and costs a fraction of
 * the tree's allocation.
 */
class OpenAiRequestWriterTest {

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static ChatRequest small() {
        return new ChatRequest("bench", List.of(Message.of("user", "hi")), false, false,
                new Sampling(null, null, 8, List.of(), null, null, null, null), List.of(), null, null, Map.of());
    }

    private static List<ChatRequest> requests() {
        List<Message> messages = List.of(
                Message.of("system", "Be \"brief\".\n\u4f60\u597d \ud83d\ude00"),
                new Message("user", List.of(new ContentPart.Text("look"), new ContentPart.ImageUrl("https://x/y.png", "low"),
                        new ContentPart.ImageUrl("data:image/png;base64,AA==", null),
                        new ContentPart.Other("input_audio", map("type", "input_audio", "input_audio",
                                map("data", "AAA", "format", "wav"), "n", 1.25)),
                        new ContentPart.Other("file", map("file", map("file_id", "f1")))), "ann", List.of(), null, null),
                new Message("assistant", List.of(), null, List.of(new ToolCall("call_1", "weather", "{\"c\":1}"),
                        new ToolCall(null, "x", null)), null, "thinking"),
                new Message("tool", List.of(new ContentPart.Text("12C")), null, List.of(), "call_1", null),
                new Message("user", List.of(), null, List.of(), null, null));
        Sampling all = new Sampling(0.7, 1.0, 100, List.of("\n\n", "END"), -0.5, 2.0, 2, 123456789012L);
        List<ToolDefinition> tools = List.of(
                new ToolDefinition("weather", "Weather now", map("type", "object", "properties",
                        map("city", map("type", "string")), "required", List.of("city")), true),
                new ToolDefinition("bare", null, Map.of(), null));
        Map<String, Object> extras = map("response_format", map("type", "json_object"), "metadata", null,
                "logit_bias", map("50256", -100), "model", "smuggled", "temperature", 2, "max_tokens", 1,
                "max_completion_tokens", 3, "stream", false, "parallel_tool_calls", false, "x", List.of(1, 2.5e-7, "z"));
        return List.of(small(),
                new ChatRequest("gpt-4o", messages, true, true, all, tools, ToolChoice.named("weather"), "u\u00e9",
                        extras),
                new ChatRequest("o3-mini", messages, false, false, all, List.of(), new ToolChoice("required", null),
                        null, extras),
                new ChatRequest("m", List.of(Message.of("user", "hi")), false, false, null, List.of(), null, null,
                        map("stop", "x", "n", 3)));
    }

    @Test
    void theWrittenBodyIsTheTreesText() {
        for (ChatRequest request : requests()) {
            for (boolean stream : new boolean[] {false, true}) {
                for (String field : new String[] {null, "max_completion_tokens", " max_tokens "}) {
                    assertEquals(OpenAiCodec.chatBody(request, stream, field).toString(),
                            OpenAiCodec.chatRequest(request, stream, field), request.model() + " " + stream + " " + field);
                }
            }
        }
    }

    /** Warm, per body of the benchmark's small request: the tree cost ObjectNodes, their maps and a node per value. */
    @Test
    void theBodyIsWrittenWithoutATree() {
        ChatRequest request = small();
        long written = bytesPerCall(() -> OpenAiCodec.chatRequest(request, false, null));
        long tree = bytesPerCall(() -> OpenAiCodec.chatBody(request, false, null).toString());
        System.out.printf("bytes allocated per chat body: generator %d, tree %d%n", written, tree);
        assertTrue(written < tree * 0.7, "generator " + written + " bytes per body, tree " + tree);
    }

    private static long bytesPerCall(Supplier<String> write) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += write.get().length();
        }
        int rounds = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            sink += write.get().length();
        }
        assertTrue(sink > 0);
        return (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
    }
}
