package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ContentPart;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ToolCall;
import io.modelbridge.spi.Usage;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The generator-written answers and stream chunks are byte for byte those of the tree-built encoder they replaced
 * ({@link TreeResponseEncoder}), for every profile, with and without the include_usage field, with the upstream's
 * own fields at every level; and writing them allocates a fraction of what the tree did.
 */
class ResponseEncoderTest {
    private final ObjectMapper json = JsonMapper.builder(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build()).build();

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static List<ChatResponse> answers() {
        Message plain = new Message("assistant", List.of(new ContentPart.Text("Hello \"there\" \u4f60\u597d\n")),
                null, List.of(), null, null, Map.of());
        Message tools = new Message("assistant", List.of(), null,
                List.of(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}"), new ToolCall(null, "x", null)),
                null, "because", map("refusal", null, "annotations", List.of(map("type", "url_citation", "n", 1.5))));
        Message textAndTools = new Message("assistant", List.of(new ContentPart.Text("hm")), null,
                List.of(new ToolCall("c", "f", "{}")), null, null, map("content", "never over ours", "audio", null));
        List<ChatResponse> answers = new ArrayList<>();
        answers.add(new ChatResponse("u1", List.of(new ChatResponse.Choice(0, plain, FinishReason.STOP)), null));
        answers.add(new ChatResponse("u2", List.of(
                new ChatResponse.Choice(0, tools, FinishReason.TOOL_CALLS, map("logprobs", null)),
                new ChatResponse.Choice(1, textAndTools, null,
                        map("logprobs", map("content", List.of()), "finish_reason", "ignored", "index", 9, "x", true))),
                null, map("system_fingerprint", "fp_1", "service_tier", "default", "id", "not ours",
                "big", 12345678901234L, "nested", map("a", null, "b", List.of(1, 2.25, "c")))));
        return answers;
    }

    private static List<Usage> usages() {
        return List.of(new Usage(1, 2, 3), new Usage(10, 20, 30, 4, 5), new Usage(10, 20, 30, null, 7));
    }

    private static List<List<ChatChunk>> streams() {
        return List.of(
                List.of(new ChatChunk.TextDelta(0, "Hel"), new ChatChunk.TextDelta(0, "lo"),
                        new ChatChunk.Finish(0, FinishReason.STOP), new ChatChunk.UsageReport(new Usage(1, 2, 3))),
                List.of(new ChatChunk.Fields(0, map("system_fingerprint", "fp", "usage", "up"), map("logprobs", null),
                                map("content", null, "refusal", null)),
                        new ChatChunk.ToolCallDelta(0, 0, "call_1", "weather", null),
                        new ChatChunk.ToolCallDelta(0, 0, null, null, "{\"city\""),
                        new ChatChunk.Fields(0, map("service_tier", "flex"), map(), map("annotations", List.of())),
                        new ChatChunk.ReasoningDelta(0, "think"),
                        new ChatChunk.Fields(1, map(), map("logprobs", map("content", List.of())), map("role", "x")),
                        new ChatChunk.TextDelta(1, "second"),
                        new ChatChunk.Finish(0, FinishReason.TOOL_CALLS),
                        new ChatChunk.Fields(2, map("obfuscation", "abc"), map(), map()),
                        new ChatChunk.Finish(1, FinishReason.LENGTH)),
                List.of());
    }

    /** What {@link OpenAiStreamEncoder} asks of its encoder for one stream, as the events' JSON. */
    private static List<String> stream(List<ChatChunk> chunks, Usage usage, Function<ChatChunk, byte[]> chunk,
                                       java.util.function.BiFunction<Integer, ChatChunk, byte[]> role,
                                       Function<Integer, byte[]> pending, Iterable<Integer> pendingChoices,
                                       Function<Usage, byte[]> usageChunk) {
        List<String> events = new ArrayList<>();
        java.util.BitSet started = new java.util.BitSet();
        for (ChatChunk c : chunks) {
            byte[] event = chunk.apply(c);
            int index = OpenAiStreamEncoder.choiceIndex(c);
            if (c instanceof ChatChunk.UsageReport) {
                continue;
            }
            if (!started.get(index)) {
                started.set(index);
                events.add(text(role.apply(index, c)));
            }
            if (event != null) {
                events.add(text(event));
            }
        }
        if (!started.get(0)) {
            events.add(text(role.apply(0, null)));
        }
        for (int index : pendingChoices) {
            events.add(text(pending.apply(index)));
        }
        events.add(text(usageChunk.apply(usage)));
        return events;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void answersAreByteForByteThoseOfTheTreeEncoder() {
        int compared = 0;
        for (ResponseProfile profile : ResponseProfile.values()) {
            for (ChatResponse answer : answers()) {
                for (Usage usage : usages()) {
                    String tree = text(new TreeResponseEncoder(json, "chatcmpl-1", 1700000000L, "gpt-x", false, profile)
                            .completion(answer, usage));
                    String generated = text(new ResponseEncoder(json, "chatcmpl-1", 1700000000L, "gpt-x", false,
                            profile).completion(answer, usage));
                    assertEquals(tree, generated, profile + " " + answer);
                    compared++;
                }
            }
        }
        assertEquals(12, compared);
    }

    @Test
    void streamChunksAreByteForByteThoseOfTheTreeEncoder() {
        for (ResponseProfile profile : ResponseProfile.values()) {
            for (boolean usageField : new boolean[] {false, true}) {
                for (List<ChatChunk> chunks : streams()) {
                    for (Usage usage : usages()) {
                        TreeResponseEncoder tree = new TreeResponseEncoder(json, "chatcmpl-2", 5L, "m", usageField,
                                profile);
                        ResponseEncoder generated = new ResponseEncoder(json, "chatcmpl-2", 5L, "m", usageField,
                                profile);
                        List<String> expected = stream(chunks, usage, tree::chunk, tree::roleChunk, tree::pendingChunk,
                                () -> tree.pendingChoices().iterator(), tree::usageChunk);
                        List<String> actual = stream(chunks, usage, generated::chunk, generated::roleChunk,
                                generated::pendingChunk, () -> generated.pendingChoices().iterator(),
                                generated::usageChunk);
                        assertEquals(expected, actual, profile + " usage field " + usageField + " " + chunks);
                    }
                }
            }
        }
    }

    /**
     * The bytes one whole answer costs the encoding thread, warm: the tree-built encoder allocated ObjectNodes, their
     * LinkedHashMaps and a value node per field, then serialised them.
     */
    @Test
    void anAnswerIsWrittenWithoutATreeOfNodes() {
        ChatResponse answer = answers().getFirst();
        Usage usage = new Usage(12, 34, 46);
        long generated = bytesPerAnswer(() -> new ResponseEncoder(json, "chatcmpl-3", 5L, "bench",
                false, ResponseProfile.FULL).completion(answer, usage));
        long tree = bytesPerAnswer(() -> new TreeResponseEncoder(json, "chatcmpl-3", 5L, "bench",
                false, ResponseProfile.FULL).completion(answer, usage));
        System.out.printf("bytes allocated per answer: generator %d, tree %d%n", generated, tree);
        assertTrue(generated < tree * 0.7, "generator " + generated + " bytes per answer, tree " + tree);
    }

    private static long bytesPerAnswer(java.util.function.Supplier<byte[]> encode) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += encode.get().length;
        }
        int rounds = 10_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            sink += encode.get().length;
        }
        long bytes = (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
        assertTrue(sink > 0);
        return bytes;
    }
}
