package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.spi.ChatPassthrough;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.FinishReason;
import io.modelbridge.spi.Usage;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What the passthrough saves per call: bytes allocated (asserted: they do not depend on the machine's other work) and
 * this thread's CPU time (printed only: the JIT's timing moves it), for the benchmark's answer (the fake upstream's) relayed against encoded, and for the benchmark's
 * request spliced (the plugin's writer it replaces allocates 856 bytes per body: OpenAiRequestWriterTest).
 */
class PassthroughCostTest {
    static final String ANSWER = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1767225600,"
            + "\"model\":\"bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello from the fake upstream.\"},\"finish_reason\":\"stop\"}],\"usage\":"
            + "{\"prompt_tokens\":14,\"completion_tokens\":6,\"total_tokens\":20}}";
    static final String REQUEST = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":8}";
    private final ObjectMapper json = new ObjectMapper();

    /** Bytes allocated and nanoseconds of CPU per call, warm. */
    record Cost(long bytes, long nanos) {}

    static Cost cost(Supplier<byte[]> call) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int sink = 0;
        for (int i = 0; i < 50_000; i++) {
            sink += call.get().length;
        }
        int rounds = 50_000;
        long bytes = threads.getCurrentThreadAllocatedBytes();
        long cpu = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < rounds; i++) {
            sink += call.get().length;
        }
        Cost cost = new Cost((threads.getCurrentThreadAllocatedBytes() - bytes) / rounds,
                (threads.getCurrentThreadCpuTime() - cpu) / rounds);
        assertTrue(sink > 0);
        return cost;
    }

    static ChatPassthrough.Span span(String text, String value) {
        int start = text.indexOf(value);
        return new ChatPassthrough.Span(start, start + value.length());
    }

    @Test
    void relayingTheBenchmarksAnswerAllocatesLessThanEncodingIt() {
        Usage usage = Usage.of(14, 6);
        ChatResponse response = new ChatResponse("chatcmpl-bench", List.of(new ChatResponse.Choice(0,
                Message.of("assistant", "Hello from the fake upstream."), FinishReason.STOP)), usage);
        ChatPassthrough.Answer answer = new ChatPassthrough.Answer(response, ANSWER, span(ANSWER, "\"chatcmpl-bench\""),
                span(ANSWER, "1767225600"), span(ANSWER, "\"bench\""));
        Cost encoded = cost(() -> new ResponseEncoder(json, "chatcmpl-abcdefghijklmnopqrstuvwx", 1767225601L, "bench",
                false, ResponseProfile.FULL).completion(response, usage));
        Cost relayed = cost(() -> RelayedAnswer.of(answer, "chatcmpl-abcdefghijklmnopqrstuvwx", 1767225601L, "bench"));
        System.out.printf("answer: encoded %s, relayed %s%n", encoded, relayed);
        assertTrue(relayed.bytes() < encoded.bytes(), "relayed " + relayed + ", encoded " + encoded);
    }

    @Test
    void splicingTheBenchmarksRequestAllocatesLittle() {
        ClientChatBody body = new ChatRequestParser(json).read(REQUEST.getBytes(StandardCharsets.UTF_8), m -> { }).body();
        Cost spliced = cost(() -> body.withModel("bench"));
        System.out.printf("request: spliced %s (the writer: 856 bytes, OpenAiRequestWriterTest)%n", spliced);
        assertTrue(spliced.bytes() < 300, "spliced " + spliced);
    }
}
