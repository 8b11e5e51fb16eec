package io.modelbridge.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.FinishReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which whole answers the gateway may relay as their text came ({@link OpenAiResponses#passed}), with the places of
 * id, created and model; and which it must encode because its encoding would say something else.
 */
class OpenAiAnswerRelayTest {
    private static final String OPENAI = "{\"id\":\"chatcmpl-B9\",\"object\":\"chat.completion\",\"created\":1741569952,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hi \\\"there\\\" \u4f60\u597d\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":10,\"total_tokens\":29,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}},\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_1\"}";

    private static ChatPassthrough.Answer passed(String body) {
        return OpenAiResponses.passed(body, FinishReason::fromWire);
    }

    private static String at(String text, ChatPassthrough.Span span) {
        return text.substring(span.start(), span.end());
    }

    @Test
    void anAnswerAsOpenAiSendsItIsRelayedWithThePlacesOfIdCreatedAndModel() {
        ChatPassthrough.Answer answer = passed(OPENAI);
        assertEquals(OPENAI, answer.text());
        assertEquals("\"chatcmpl-B9\"", at(OPENAI, answer.id()));
        assertEquals("1741569952", at(OPENAI, answer.created()));
        assertEquals("\"gpt-4o-2024-08-06\"", at(OPENAI, answer.model()));
        assertEquals(29, answer.response().usage().totalTokens());
        assertEquals("Hi \"there\" \u4f60\u597d", answer.response().choices().getFirst().message().text());
    }

    @Test
    void spacesAroundValuesAreNotPartOfTheirPlaces() {
        String body = "{ \"model\" : \"m\" , \"created\" : 5 ,\"id\" :\"x\", \"object\":\"chat.completion\",\"choices\":[{"
                + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a\"},\"finish_reason\":\"length\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}} ";
        ChatPassthrough.Answer answer = passed(body);
        assertEquals("\"x\"", at(body, answer.id()));
        assertEquals("5", at(body, answer.created()));
        assertEquals("\"m\"", at(body, answer.model()));
    }

    @Test
    void whatTheGatewaysEncodingWouldChangeIsEncoded() {
        String usage = ",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}";
        String head = "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[";
        String message = "\"message\":{\"role\":\"assistant\",\"content\":\"a\"}";
        for (String body : List.of(
                head + "{\"index\":0," + message + ",\"finish_reason\":\"stop\"}]}", // no usage: the gateway counts
                head + "{\"index\":0," + message + ",\"finish_reason\":\"stop\"}],\"usage\":null}",
                head + "{\"index\":0," + message + ",\"finish_reason\":null}]" + usage + "}",
                head + "{\"index\":0," + message + ",\"finish_reason\":\"eos\"}]" + usage + "}",
                head + "{" + message + ",\"finish_reason\":\"stop\"}]" + usage + "}",
                head + "{\"index\":0,\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]" + usage + "}",
                head + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"c\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
                        + "\"finish_reason\":\"tool_calls\"}]" + usage + "}",
                head + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a\",\"reasoning_content\":\"\"},"
                        + "\"finish_reason\":\"stop\"}]" + usage + "}",
                head + "{\"index\":0," + message + ",\"finish_reason\":\"stop\",\"delta\":{}}]" + usage + "}",
                head + "{\"index\":0," + message + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1}}",
                head + "{\"index\":0," + message + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
                        + "\"completion_tokens\":2,\"total_tokens\":3,\"prompt_cache_hit_tokens\":1}}",
                head + "{\"index\":0," + message + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
                        + "\"completion_tokens\":2,\"total_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":1},"
                        + "\"prompt_cache_hit_tokens\":1,\"prompt_cache_miss_tokens\":0}}", // DeepSeek's: encoded drops them
                "{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + message + ",\"finish_reason\":\"stop\"}]" + usage + "}",
                "{\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0," + message
                        + ",\"finish_reason\":\"stop\"}]" + usage + "}",
                "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1.5,\"model\":\"m\",\"choices\":[{\"index\":0,"
                        + message + ",\"finish_reason\":\"stop\"}]" + usage + "}",
                head + "{\"index\":0," + message + ",\"finish_reason\":\"stop\"}]" + usage + "} trailing")) {
            ChatPassthrough.Answer answer = passed(body);
            assertNull(answer.text(), body);
            assertNotNull(answer.response(), body);
        }
    }

    /** Bytes allocated and nanoseconds of CPU per call, warm. */
    record Cost(long bytes, long nanos) {}

    static Cost cost(java.util.function.Supplier<Object> call) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += call.get().hashCode() & 1;
        }
        int rounds = 50_000;
        long bytes = threads.getCurrentThreadAllocatedBytes();
        long cpu = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < rounds; i++) {
            sink += call.get().hashCode() & 1;
        }
        Cost cost = new Cost((threads.getCurrentThreadAllocatedBytes() - bytes) / rounds,
                (threads.getCurrentThreadCpuTime() - cpu) / rounds);
        assertNotNull(sink + "");
        return cost;
    }

    /** The benchmark's request written by the plugin (what the passthrough's splice replaces), for the figures. */
    @Test
    void readingForTheRelayCostsLittleMoreThanReading() {
        String bench = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1767225600,"
                + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello from the fake upstream.\"},\"finish_reason\":\"stop\"}],\"usage\":"
                + "{\"prompt_tokens\":14,\"completion_tokens\":6,\"total_tokens\":20}}";
        Cost read = cost(() -> OpenAiResponses.chat(bench, FinishReason::fromWire));
        Cost passed = cost(() -> OpenAiResponses.passed(bench, FinishReason::fromWire));
        io.modelbridge.spi.ChatRequest request = new io.modelbridge.spi.ChatRequest("bench",
                List.of(io.modelbridge.spi.Message.of("user", "hi")), false, false,
                io.modelbridge.spi.Sampling.none().withMaxTokens(8), List.of(), null, null, java.util.Map.of());
        Cost written = cost(() -> OpenAiCodec.chatRequest(request, false, null)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        System.out.printf("answer read %s, read for the relay %s; request written %s%n", read, passed, written);
        org.junit.jupiter.api.Assertions.assertTrue(passed.bytes() < read.bytes() * 1.3, passed + " vs " + read);
    }
}
