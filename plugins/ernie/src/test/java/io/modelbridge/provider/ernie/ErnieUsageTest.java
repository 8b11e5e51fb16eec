package io.modelbridge.provider.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.HostileTokenCounts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Token counts are billed as ERNIE sent them or refused as its protocol failure, never narrowed. */
class ErnieUsageTest {
    private static final List<String> FIELDS = List.of("prompt_tokens", "completion_tokens", "total_tokens");
    private static final List<String> EMBEDDING_FIELDS = List.of("prompt_tokens", "total_tokens");

    @ParameterizedTest
    @MethodSource("io.modelbridge.testkit.HostileTokenCounts#values")
    void hostileTokenCountsAreProtocolFailuresStreamedOrNot(String count) {
        for (String field : FIELDS) {
            String usage = HostileTokenCounts.usage(FIELDS, field, count);
            assertProtocol(() -> ErnieResponses.chat(json(answer(usage))));
            assertProtocol(() -> new ErnieStreamParser(new ErnieCredential("ak-test-1234", "sk-test-5678"),
                    new ChunkRecorder()).parse(new ByteArrayInputStream(("data: " + answer(usage) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8))));
        }
        for (String field : EMBEDDING_FIELDS) {
            String usage = HostileTokenCounts.usage(EMBEDDING_FIELDS, field, count);
            assertProtocol(() -> ErnieResponses.embeddings(json(
                    "{\"data\":[{\"index\":0,\"embedding\":[1.0]}],\"usage\":" + usage + "}")));
        }
    }

    @Test
    void countsUpToTheBoundAreKeptExactly() {
        String usage = "{\"prompt_tokens\":100000000,\"completion_tokens\":7,\"total_tokens\":100000007}";
        assertEquals(new Usage(100_000_000, 7, 100_000_007), ErnieResponses.chat(json(answer(usage))).usage());
        assertEquals(new Usage(5, 0, 5), ErnieResponses.embeddings(json(
                "{\"data\":[{\"index\":0,\"embedding\":[1.0]}],\"usage\":{\"prompt_tokens\":5}}")).usage());
    }

    private static String answer(String usage) {
        return "{\"id\":\"as-1\",\"object\":\"chat.completion\",\"sentence_id\":0,\"is_end\":true,\"result\":\"hi\","
                + "\"finish_reason\":\"normal\",\"usage\":" + usage + "}";
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        return ErnieJson.object(text).orElseThrow();
    }

    private static void assertProtocol(Executable call) {
        ProviderException e = assertThrows(ProviderException.class, call);
        assertEquals(Kind.PROTOCOL, e.failure().kind(), e.getMessage());
    }
}
