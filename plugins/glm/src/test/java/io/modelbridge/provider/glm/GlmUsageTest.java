package io.modelbridge.provider.glm;

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

/** Token counts are billed as GLM sent them or refused as its protocol failure, never narrowed. */
class GlmUsageTest {
    private static final List<String> FIELDS = List.of("prompt_tokens", "completion_tokens", "total_tokens");

    @ParameterizedTest
    @MethodSource("io.modelbridge.testkit.HostileTokenCounts#values")
    void hostileTokenCountsAreProtocolFailuresStreamedOrNot(String count) {
        for (String field : FIELDS) {
            String usage = HostileTokenCounts.usage(FIELDS, field, count);
            assertProtocol(() -> GlmResponses.chat(answer(usage)));
            assertProtocol(() -> GlmResponses.embeddings("{\"data\":[{\"index\":0,\"embedding\":[1.0]}],"
                    + "\"usage\":" + usage + "}", 1));
            assertProtocol(() -> stream(usage));
        }
    }

    @Test
    void countsUpToTheBoundAreKeptExactly() {
        String usage = "{\"prompt_tokens\":100000000,\"completion_tokens\":7,\"total_tokens\":100000007}";
        assertEquals(new Usage(100_000_000, 7, 100_000_007), GlmResponses.chat(answer(usage)).usage());
        assertEquals(new Usage(3, 4, 7), GlmResponses.chat(answer("{\"prompt_tokens\":3,\"completion_tokens\":4}"))
                .usage());
    }

    @Test
    void cachedAndReasoningTokensAreReadStreamedOrNot() {
        String usage = "{\"prompt_tokens\":10,\"completion_tokens\":48,\"total_tokens\":58,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":6},\"completion_tokens_details\":{\"reasoning_tokens\":38}}";
        assertEquals(new Usage(10, 48, 58, 6, 38), GlmResponses.chat(answer(usage)).usage());
        assertEquals(new Usage(10, 48, 58, 6, 38), streamedUsage(usage));
    }

    private static Usage streamedUsage(String usage) {
        String frames = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
                + "\"finish_reason\":\"stop\"}]}\n\ndata: {\"id\":\"c\",\"choices\":[],\"usage\":" + usage + "}\n\n"
                + "data: [DONE]\n\n";
        List<Usage> reports = new ArrayList<>();
        GlmResponses.streamParser("id.secret", chunk -> {
            if (chunk instanceof ChatChunk.UsageReport r) {
                reports.add(r.usage());
            }
        }).parse(new ByteArrayInputStream(frames.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, reports.size());
        return reports.getFirst();
    }

    private static String answer(String usage) {
        return "{\"id\":\"c\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":" + usage + "}";
    }

    private static void stream(String usage) {
        String frames = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},"
                + "\"finish_reason\":\"stop\"}]}\n\ndata: {\"id\":\"c\",\"choices\":[],\"usage\":" + usage + "}\n\n"
                + "data: [DONE]\n\n";
        GlmResponses.streamParser("id.secret", chunk -> {})
                .parse(new ByteArrayInputStream(frames.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertProtocol(Executable call) {
        ProviderException e = assertThrows(ProviderException.class, call);
        assertEquals(Kind.PROTOCOL, e.failure().kind(), e.getMessage());
    }
}
