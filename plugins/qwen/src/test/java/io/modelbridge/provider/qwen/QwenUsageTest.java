package io.modelbridge.provider.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import java.util.ArrayList;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.testkit.HostileTokenCounts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Token counts are billed as DashScope sent them or refused as its protocol failure, never narrowed. */
class QwenUsageTest {
    private static final List<String> FIELDS = List.of("input_tokens", "output_tokens");

    @ParameterizedTest
    @MethodSource("io.modelbridge.testkit.HostileTokenCounts#values")
    void hostileTokenCountsAreProtocolFailuresStreamedOrNot(String count) {
        for (String field : FIELDS) {
            String usage = HostileTokenCounts.usage(FIELDS, field, count);
            assertProtocol(() -> QwenResponses.chat(answer(usage)));
            String frame = "id:1\nevent:result\n:HTTP_STATUS/200\ndata:" + answer(usage) + "\n\n";
            assertProtocol(() -> new QwenStreamParser("sk-secret", chunk -> {})
                    .parse(new ByteArrayInputStream(frame.getBytes(StandardCharsets.UTF_8))));
        }
        assertProtocol(() -> QwenEmbeddings.tokens(QwenResponses.object(
                "{\"output\":{\"embeddings\":[]},\"usage\":{\"total_tokens\":" + count + "}}")));
    }

    @Test
    void countsUpToTheBoundAreKeptExactly() {
        assertEquals(new Usage(100_000_000, 7, 100_000_007),
                QwenResponses.chat(answer("{\"input_tokens\":100000000,\"output_tokens\":7}")).usage());
        assertEquals(9, QwenEmbeddings.tokens(QwenResponses.object("{\"usage\":{\"total_tokens\":9}}")));
    }

    @Test
    void cachedAndReasoningTokensAreReadStreamedOrNot() {
        String usage = "{\"input_tokens\":10,\"output_tokens\":48,\"prompt_tokens_details\":{\"cached_tokens\":6},"
                + "\"output_tokens_details\":{\"reasoning_tokens\":38}}";
        assertEquals(new Usage(10, 48, 58, 6, 38), QwenResponses.chat(answer(usage)).usage());
        String frame = "id:1\nevent:result\n:HTTP_STATUS/200\ndata:" + answer(usage) + "\n\n";
        List<Usage> reports = new ArrayList<>();
        new QwenStreamParser("sk-secret", chunk -> {
            if (chunk instanceof ChatChunk.UsageReport r) {
                reports.add(r.usage());
            }
        }).parse(new ByteArrayInputStream(frame.getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(new Usage(10, 48, 58, 6, 38)), reports);
        assertEquals(new Usage(3, 4, 7, null, null),
                QwenResponses.chat(answer("{\"input_tokens\":3,\"output_tokens\":4}")).usage());
    }

    private static String answer(String usage) {
        return "{\"output\":{\"choices\":[{\"message\":{\"content\":\"hi\",\"role\":\"assistant\"},"
                + "\"finish_reason\":\"stop\"}]},\"usage\":" + usage + ",\"request_id\":\"r\"}";
    }

    private static void assertProtocol(Executable call) {
        ProviderException e = assertThrows(ProviderException.class, call);
        assertEquals(Kind.PROTOCOL, e.failure().kind(), e.getMessage());
    }
}
