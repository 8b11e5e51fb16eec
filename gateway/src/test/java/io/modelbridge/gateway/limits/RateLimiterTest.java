package io.modelbridge.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.TimeMeter;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.GatewayException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Rate-limit math on local buckets with a hand-driven clock. */
class RateLimiterTest {
    private final ManualTime time = new ManualTime();
    private final List<RateLimit> limits = new ArrayList<>();
    private final RateLimiter limiter = RateLimiter.local(() -> limits, time);

    private static Caller caller(Integer keyRpm, Integer keyTpm) {
        return caller(7, keyRpm, keyTpm);
    }

    private static Caller caller(long keyId, Integer keyRpm, Integer keyTpm) {
        return new Caller(new ApiKey(keyId, 3, "alice", true, "mb-abc", null, List.of(), List.of(), null, true,
                keyRpm, keyTpm, null, Instant.EPOCH));
    }

    @Test
    void aBucketAdmitsExactlyItsLimitPerMinuteAndRefillsToFullEachMinute() {
        limits.add(new RateLimit("user", "alice", 5, null));
        limiter.reload();
        for (int i = 4; i >= 0; i--) {
            RateAdmission ok = limiter.admit(caller(null, null), "chat", 10);
            assertEquals(String.valueOf(i), ok.headers().get("x-ratelimit-remaining-requests"));
            assertEquals("5", ok.headers().get("x-ratelimit-limit-requests"));
        }
        time.advance(20);
        GatewayException refused = assertThrows(GatewayException.class, () -> limiter.admit(caller(null, null), "chat", 10));
        assertEquals(429, refused.error().status());
        assertEquals("rate_limit_exceeded", refused.error().code());
        assertEquals("requests", refused.error().type());
        assertEquals("40", refused.headers().get("Retry-After"), "the window refills 60 s after it began");
        assertEquals("40s", refused.headers().get("x-ratelimit-reset-requests"));
        assertTrue(refused.error().message().contains("on user alice: Limit 5, Used 5, Requested 1"),
                refused.error().message());
        time.advance(40);
        assertEquals("4", limiter.admit(caller(null, null), "chat", 10).headers().get("x-ratelimit-remaining-requests"));
    }

    @Test
    void theTightestLimitDecidesAndAKeysOwnLimitCombinesWithAKeyScopeLimit() {
        limits.add(new RateLimit("global", "", 100, null));
        limits.add(new RateLimit("key", "7", 50, null));
        limits.add(new RateLimit("model", "chat", 20, 1000));
        limiter.reload();
        RateAdmission ok = limiter.admit(caller(3, null), "chat", 100);
        assertEquals("3", ok.headers().get("x-ratelimit-limit-requests"), "the key's own rpm 3 is the tightest");
        assertEquals("2", ok.headers().get("x-ratelimit-remaining-requests"));
        assertEquals("1000", ok.headers().get("x-ratelimit-limit-tokens"));
        assertEquals("900", ok.headers().get("x-ratelimit-remaining-tokens"));
        limiter.admit(caller(3, null), "chat", 100);
        limiter.admit(caller(3, null), "chat", 100);
        assertThrows(GatewayException.class, () -> limiter.admit(caller(3, null), "chat", 100));
        assertEquals("96", limiter.admit(caller(8, null, null), "other", 1).headers().get("x-ratelimit-remaining-requests"),
                "another key and model: only the global limit applies, and the refused request took nothing from it");
    }

    @Test
    void tokenBucketsAreCorrectedToTheRealUsage() {
        limits.add(new RateLimit("user", "alice", null, 1000));
        limiter.reload();
        RateAdmission first = limiter.admit(caller(null, null), "chat", 600);
        assertEquals("400", first.headers().get("x-ratelimit-remaining-tokens"));
        assertThrows(GatewayException.class, () -> limiter.admit(caller(null, null), "chat", 600),
                "600 more do not fit while the estimate is held");
        first.reconcile(50); // the request used 50 of the 600 it was admitted for
        assertEquals("350", limiter.admit(caller(null, null), "chat", 600).headers().get("x-ratelimit-remaining-tokens"));
        GatewayException tooLarge = assertThrows(GatewayException.class, () -> limiter.admit(caller(null, null), "chat", 5000));
        assertTrue(tooLarge.error().message().startsWith("Request too large for tokens per min (TPM)"));
        assertEquals("tokens", tooLarge.error().type());
        assertEquals("false", tooLarge.headers().get("x-should-retry"), "no wait fits 5000 into a 1000 TPM bucket");
        assertFalse(tooLarge.headers().containsKey("Retry-After"));
    }

    @Test
    void theSixHeadersGoTogetherADimensionWithoutALimitShowsNothingToWaitFor() {
        limits.add(new RateLimit("user", "alice", 5, null));
        limiter.reload();
        Map<String, String> headers = limiter.admit(caller(null, null), "chat", 10).headers();
        assertEquals("4", headers.get("x-ratelimit-remaining-requests"));
        assertEquals("2147483647", headers.get("x-ratelimit-limit-tokens"));
        assertEquals("2147483647", headers.get("x-ratelimit-remaining-tokens"));
        assertEquals("0s", headers.get("x-ratelimit-reset-tokens"));
        assertEquals(6, headers.size(), headers.toString());
        for (int i = 0; i < 4; i++) {
            limiter.admit(caller(null, null), "chat", 10);
        }
        GatewayException refused = assertThrows(GatewayException.class, () -> limiter.admit(caller(null, null), "chat", 1));
        assertEquals("2147483647", refused.headers().get("x-ratelimit-limit-tokens"), "a refusal carries all six too");
        assertTrue(refused.headers().containsKey("Retry-After"), "a wait fixes this one");
        assertFalse(refused.headers().containsKey("x-should-retry"));
    }

    @Test
    void noLimitsMeansNoHeaders() {
        assertTrue(limiter.admit(caller(null, null), "chat", 10).headers().isEmpty());
    }

    @Test
    void resetTimesUseGoDurationSyntax() {
        assertEquals("0s", RateHeaders.duration(0));
        assertEquals("20ms", RateHeaders.duration(TimeUnit.MILLISECONDS.toNanos(20)));
        assertEquals("1.5s", RateHeaders.duration(TimeUnit.MILLISECONDS.toNanos(1500)));
        assertEquals("6m0s", RateHeaders.duration(TimeUnit.MINUTES.toNanos(6)));
        assertEquals("1h2m3.25s", RateHeaders.duration(TimeUnit.MILLISECONDS.toNanos(3_723_250)));
        assertEquals(1, RateHeaders.retryAfterSeconds(1));
        assertEquals(2, RateHeaders.retryAfterSeconds(TimeUnit.MILLISECONDS.toNanos(1001)));
    }

    /** Milliseconds that pass only when the test says so. */
    private static final class ManualTime implements TimeMeter {
        private long nanos = TimeUnit.DAYS.toNanos(1);

        void advance(long seconds) {
            nanos += TimeUnit.SECONDS.toNanos(seconds);
        }

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    }
}
