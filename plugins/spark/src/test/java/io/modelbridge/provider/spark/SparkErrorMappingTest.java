package io.modelbridge.provider.spark;

import static io.modelbridge.provider.spark.SparkTestSupport.CREDENTIAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every documented Spark error code, and the handshake refusals, classified for the router. */
class SparkErrorMappingTest {

    /**
     * vendor-protocols.md 5.6 (langchain4j's transcription of iFlytek's list), the official SDK's table
     * ({@code iFLYTEK-OP/websdk-java} {@code doc/spark/sparkchat.md}: 10021), plus the reasoning in spark.md.
     */
    private static final Map<Integer, Kind> DOCUMENTED = Map.ofEntries(
            Map.entry(10000, Kind.UNAVAILABLE), Map.entry(10001, Kind.UNAVAILABLE), Map.entry(10002, Kind.UNAVAILABLE),
            Map.entry(10003, Kind.BAD_REQUEST), Map.entry(10004, Kind.BAD_REQUEST), Map.entry(10005, Kind.BAD_REQUEST),
            Map.entry(10006, Kind.RATE_LIMIT), Map.entry(10007, Kind.RATE_LIMIT), Map.entry(10008, Kind.UNAVAILABLE),
            Map.entry(10009, Kind.UNAVAILABLE), Map.entry(10010, Kind.UNAVAILABLE), Map.entry(10011, Kind.UNAVAILABLE),
            Map.entry(10012, Kind.UNAVAILABLE), Map.entry(10013, Kind.CONTENT_FILTER),
            Map.entry(10014, Kind.CONTENT_FILTER), Map.entry(10015, Kind.AUTH), Map.entry(10016, Kind.AUTH),
            Map.entry(10017, Kind.UNAVAILABLE), Map.entry(10019, Kind.CONTENT_FILTER), Map.entry(10021, Kind.CONTENT_FILTER),
            Map.entry(10110, Kind.UNAVAILABLE),
            Map.entry(10163, Kind.BAD_REQUEST), Map.entry(10222, Kind.UNAVAILABLE),
            Map.entry(10907, Kind.CONTEXT_TOO_LONG), Map.entry(11200, Kind.AUTH), Map.entry(11201, Kind.QUOTA),
            Map.entry(11202, Kind.RATE_LIMIT), Map.entry(11203, Kind.RATE_LIMIT), Map.entry(11500, Kind.AUTH),
            Map.entry(11501, Kind.BAD_REQUEST));

    @Test
    void everyDocumentedCodeHasItsClass() {
        DOCUMENTED.forEach((code, kind) -> assertEquals(kind, SparkErrors.classify(code), "code " + code));
        assertEquals(Kind.UNAVAILABLE, SparkErrors.classify(12345), "an undocumented code may work elsewhere");
    }

    @Test
    void an11200NamingTheTokenTotalIsTheUsedUpAllowanceOtherwiseTheLicence() {
        ProviderFailure exhausted = SparkErrors.fromFrame(11200, "AppIdNoAuthError:(12:17:04.432) tokens.total",
                "cht000b5e72@dx1", CREDENTIAL).failure();
        assertEquals(Kind.QUOTA, exhausted.kind());
        assertEquals("11200", exhausted.vendorCode());
        assertTrue(exhausted.kind().failover());
        assertEquals(Kind.AUTH, SparkErrors.fromFrame(11200, "licc failed", "", CREDENTIAL).failure().kind());
        assertEquals(Kind.AUTH, SparkErrors.classify(11200, "AppIdNoAuthError:(11200)auth no license"));
        assertEquals(Kind.AUTH, SparkErrors.classify(11200, null));
    }

    @Test
    void onlyWhatAnotherChannelCouldServeFailsOver() {
        for (int code : new int[] {10003, 10013, 10907, 10163}) {
            assertFalse(SparkErrors.classify(code).failover(), "code " + code);
        }
        for (int code : new int[] {11200, 11201, 11202, 10110, 10012}) {
            assertTrue(SparkErrors.classify(code).failover(), "code " + code);
        }
    }

    @Test
    void errorFramesKeepSparksCodeAndWordsButNoSecret() {
        ProviderFailure f = SparkErrors.fromFrame(10163, "InvalidParameter: temperature bad, key "
                + CREDENTIAL.apiKey() + " secret " + CREDENTIAL.apiSecret(), "cht000x@dx1", CREDENTIAL).failure();
        assertEquals(Kind.BAD_REQUEST, f.kind());
        assertEquals("10163", f.vendorCode());
        assertEquals(0, f.upstreamStatus());
        assertTrue(f.message().contains("InvalidParameter: temperature bad"), f.message());
        assertTrue(f.message().contains("cht000x@dx1"), "the sid helps support tickets: " + f.message());
        assertFalse(f.message().contains(CREDENTIAL.apiKey()) || f.message().contains(CREDENTIAL.apiSecret()));
    }

    @Test
    void thePerSecondLimitSuggestsTheNextSecond() {
        assertEquals(Duration.ofSeconds(1), SparkErrors.fromFrame(11202, "qps", "", CREDENTIAL).failure().retryAfter());
        assertNull(SparkErrors.fromFrame(11203, "concurrency", "", CREDENTIAL).failure().retryAfter());
    }

    @Test
    void refusedHandshakesAreTheChannelsCredentialOrClock() {
        ProviderFailure unauthorized = SparkErrors.handshake(refused(401)).failure();
        assertEquals(Kind.AUTH, unauthorized.kind());
        assertEquals(401, unauthorized.upstreamStatus());
        assertTrue(unauthorized.message().contains(SparkCredential.FORMAT), unauthorized.message());
        ProviderFailure stale = SparkErrors.handshake(refused(403)).failure();
        assertEquals(Kind.AUTH, stale.kind());
        assertTrue(stale.message().contains("clock"), stale.message());
        ProviderException notFound = refused(404);
        assertSame(notFound, SparkErrors.handshake(notFound), "other refusals keep the transport's classification");
    }

    @Test
    void aMalformedCredentialIsAuthAndNotEchoed() {
        for (String bad : new String[] {"", "app|secret", "app||key", "a|b|c|d"}) {
            ProviderException e = assertThrows(ProviderException.class, () -> SparkCredential.parse(bad));
            assertEquals(Kind.AUTH, e.failure().kind());
        }
        assertEquals(new SparkCredential("a", "s", "k"), SparkCredential.parse(" a|s|k "));
        assertFalse(CREDENTIAL.toString().contains(CREDENTIAL.apiSecret()));
    }

    private static ProviderException refused(int status) {
        return new ProviderException(new ProviderFailure(status == 404 ? Kind.PROTOCOL : Kind.AUTH,
                "WebSocket handshake refused with status " + status, null, status, null));
    }
}
