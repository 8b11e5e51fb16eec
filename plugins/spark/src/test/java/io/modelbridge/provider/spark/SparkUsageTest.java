package io.modelbridge.provider.spark;

import static io.modelbridge.provider.spark.SparkTestSupport.CREDENTIAL;
import static io.modelbridge.provider.spark.SparkTestSupport.frame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.Usage;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.HostileTokenCounts;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Token counts are billed as Spark sent them or refused as its protocol failure, never narrowed. */
class SparkUsageTest {
    private static final List<String> FIELDS = List.of("prompt_tokens", "completion_tokens", "total_tokens");

    @ParameterizedTest
    @MethodSource("io.modelbridge.testkit.HostileTokenCounts#values")
    void hostileTokenCountsInTheLastFrameAreProtocolFailures(String count) {
        for (String field : FIELDS) {
            String usage = HostileTokenCounts.usage(FIELDS, field, count);
            ChunkRecorder out = new ChunkRecorder();
            ProviderException e = assertThrows(ProviderException.class, () -> new SparkRelay(CREDENTIAL, null, out)
                    .run(new SparkTestSupport.ScriptedSession(frame(0, "hi", null), frame(2, "!", usage))));
            assertEquals(Kind.PROTOCOL, e.failure().kind(), e.getMessage());
            assertEquals(List.of(), out.of(io.modelbridge.spi.ChatChunk.UsageReport.class));
        }
    }

    @Test
    void countsUpToTheBoundAreKeptExactly() {
        String usage = "{\"prompt_tokens\":100000000,\"completion_tokens\":7,\"total_tokens\":100000007}";
        assertEquals(new Usage(100_000_000, 7, 100_000_007), SparkFrame.parse(frame(2, "!", usage), CREDENTIAL).usage());
    }
}
