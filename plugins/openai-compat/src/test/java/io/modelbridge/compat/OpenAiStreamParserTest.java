package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SSE-to-chunk mapping on recorded byte streams (the live path is covered by the contract test); and the events
 * read from their tokens ({@link OpenAiChunkReader}) give what the tree gave, chunk for chunk, failures included, for
 * a fraction of the tree's allocation.
 */
class OpenAiStreamParserTest {
    private static final String HEAD = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",";
    private static final String OPENAI_HEAD = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_fc9f1d7035\",";

    /** Events the token reader reads itself (the last one's usage is a protocol failure, found after its chunks). */
    static final List<String> USUAL = List.of(
            OPENAI_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            OPENAI_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi \\\"there\\\" \u4f60\u597d\\n\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}]}",
            HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}",
            HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"\u60f3\"},\"finish_reason\":null}]}",
            HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":["
                    + "{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}},"
                    + "{\"index\":1,\"id\":\"c2\",\"type\":null,\"function\":{\"name\":\"g\",\"arguments\":{\"x\":[1,2.5]},\"y\":1}},"
                    + "{\"type\":\"web_search\",\"web_search\":{}},{\"id\":null,\"function\":null,\"z\":[]},"
                    + "{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":\"}}]},\"finish_reason\":null}]}",
            HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"function\":"
                    + "{\"name\":\"f\",\"arguments\":null}},{\"index\":1,\"function\":{\"arguments\":\"1}\"}}]},"
                    + "\"finish_reason\":\"tool_calls\"}]}",
            HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"usage\":{\"prompt_tokens\":8,"
                    + "\"completion_tokens\":9,\"total_tokens\":17}}]}",
            HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":3},\"completion_tokens_details\":{\"reasoning_tokens\":2}}}",
            HEAD + "\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"length\",\"usage\":"
                    + "{\"prompt_tokens\":1}},{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"content_filter\"}],"
                    + "\"usage\":5,\"x\":[1,-2.5e-7,123456789012345678901234567890,true,null,{}]}",
            "{\"id\":\"c\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"abc\",\"index\":0,\"logprobs\":null,"
                    + "\"finish_reason\":null}]}",
            "{\"choices\":[{\"delta\":{\"audio\":{\"id\":\"a\"},\"content\":null},\"text\":\"t\",\"index\":2}]}",
            "{\"choices\":[{\"text\":null,\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3}}",
            "{\"choices\":null}", "{}", "{\"choices\":[]} trailing", " {\"choices\":[]}",
            "{\"choices\":[],\"usage\":{\"prompt_tokens\":-1}}");

    /** Events the tree decides: errors, protocol failures, and events of an unusual shape. */
    static final List<String> UNUSUAL = List.of(
            "not json", "[1]", "5", "\"s\"", "{\"choices\":[", "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]",
            "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
            "{\"error\":null,\"choices\":[]}", "{\"choices\":{\"a\":{\"delta\":{\"content\":\"x\"}}}}",
            "{\"choices\":[5]}", "{\"choices\":[{\"index\":\"1\",\"delta\":{\"content\":\"a\"}}]}",
            "{\"choices\":[{\"index\":null,\"delta\":{\"content\":\"a\"}}]}",
            "{\"choices\":[{\"index\":4294967296,\"delta\":{\"content\":\"a\"}}]}",
            "{\"choices\":[{\"delta\":null,\"finish_reason\":\"stop\"}]}", "{\"choices\":[{\"delta\":{\"content\":5}}]}",
            "{\"choices\":[{\"delta\":{\"content\":{}}}]}", "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
            "{\"choices\":[{\"delta\":{},\"x\":1,\"x\":2}]}", "{\"choices\":[{\"delta\":{\"tool_calls\":{\"0\":{}}}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"type\":5,\"function\":{\"name\":\"f\"}}]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":null,\"function\":{\"name\":\"f\",\"arguments\":\"x\"}}]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":\"f\"}]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":7}}]}}]}",
            "{\"choices\":[{\"delta\":{\"tool_calls\":[\"x\"]}}]}", "{\"choices\":[{\"delta\":{},\"finish_reason\":5}]}",
            "{\"choices\":[{\"text\":5}]}", "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[]}",
            "{\"choices\":[],\"usage\":{},\"usage\":null}", "{\"choices\":[],\"error\":\"x\"}");

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

    private record Outcome(List<ChatChunk> chunks, Kind failure, String message) {}

    private static Outcome outcome(String stream, StreamRules rules, boolean tokens) {
        List<ChatChunk> chunks = new ArrayList<>();
        try {
            new OpenAiStreamParser(rules, OpenAiErrors.OPENAI, "sk-secret", chunks::add, tokens)
                    .parse(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
            return new Outcome(chunks, null, null);
        } catch (ProviderException e) {
            return new Outcome(chunks, e.failure().kind(), e.failure().message());
        }
    }

    @Test
    void everyEventIsReadAsTheTreeReadIt() {
        List<String> streams = new ArrayList<>();
        List<String> all = new ArrayList<>(USUAL);
        all.addAll(UNUSUAL);
        for (String data : all) {
            streams.add("data: " + data + "\n\ndata: [DONE]\n\n");
            streams.add("data: " + data + "\n\n"); // no [DONE]: complete only when a choice finished
        }
        streams.add(String.join("", USUAL.stream().map(data -> "data: " + data + "\n\n").toList()) + "data: [DONE]\n\n");
        int failures = 0;
        for (StreamRules rules : List.of(StreamRules.OPENAI, StreamRules.OPENAI.withUsage(UsagePlacement.LAST_AT_END)
                .withVendor("DeepSeek"))) {
            for (String stream : streams) {
                Outcome tree = outcome(stream, rules, false);
                assertEquals(tree, outcome(stream, rules, true), stream);
                failures += tree.failure() == null ? 0 : 1;
            }
        }
        assertTrue(failures >= 40, "the corpus has " + failures + " failing streams");
    }

    @Test
    void theUsualEventsAreReadFromTheirTokensAndTheOthersByTheTree() {
        for (String data : USUAL) {
            assertNotNull(OpenAiChunkReader.read(data), data);
        }
        for (String data : UNUSUAL) {
            assertNull(OpenAiChunkReader.read(data), data);
        }
    }

    /** Warm, for a stream as api.openai.com sends it: the tree cost a node per value and its maps, per event. */
    @Test
    void theUsualStreamIsReadWithoutATree() {
        StringBuilder stream = new StringBuilder("data: " + USUAL.getFirst() + "\n\n");
        for (int i = 0; i < 20; i++) {
            stream.append("data: ").append(OPENAI_HEAD).append("\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word")
                    .append(i).append("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }
        stream.append("data: ").append(OPENAI_HEAD).append("\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        byte[] bytes = stream.toString().getBytes(StandardCharsets.UTF_8);
        long tokens = bytesPerStream(bytes, true);
        long tree = bytesPerStream(bytes, false);
        System.out.printf("bytes allocated per stream of 22 events read: tokens %d, tree %d%n", tokens, tree);
        assertTrue(tokens < tree * 0.7, "tokens " + tokens + " bytes per stream, tree " + tree);
    }

    private static long bytesPerStream(byte[] stream, boolean tokens) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int[] sink = {0};
        Runnable read = () -> new OpenAiStreamParser(StreamRules.OPENAI, OpenAiErrors.OPENAI, "sk", c -> sink[0]++, tokens)
                .parse(new ByteArrayInputStream(stream));
        for (int i = 0; i < 5_000; i++) {
            read.run();
        }
        int rounds = 2_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            read.run();
        }
        assertTrue(sink[0] > 0);
        return (threads.getCurrentThreadAllocatedBytes() - before) / rounds;
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
