package io.modelbridge.gateway.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.github.bucket4j.TimeMeter;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.gateway.auth.Caller;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a request's pass through the rate limits costs when every scope has a limit on both dimensions (the
 * benchmark's governance, issue 16): the limits of a caller are worked out once per limits snapshot, not per request.
 */
class RateLimiterCostTest {
    private static final int CALLS = 20_000;
    private static final Caller CALLER = new Caller(new ApiKey(7, 3, "alice", true, "mb-abc", null, List.of(), List.of(),
            null, true, 1_000_000_000, 2_000_000_000, null, Instant.EPOCH));

    @Test
    void anAdmittedRequestAllocatesLittle() {
        List<RateLimit> limits = List.of(new RateLimit("global", "", 1_000_000_000, 2_000_000_000),
                new RateLimit("user", "alice", 1_000_000_000, 2_000_000_000),
                new RateLimit("key", "7", 1_000_000_000, 2_000_000_000),
                new RateLimit("model", "chat", 1_000_000_000, 2_000_000_000));
        RateLimiter limiter = RateLimiter.local(() -> limits, TimeMeter.SYSTEM_MILLISECONDS);
        Map<String, String> headers = limiter.admit(CALLER, "chat", 20).headers();
        assertEquals("1000000000", headers.get("x-ratelimit-limit-requests"));
        assertEquals(6, headers.size(), headers.toString());
        admit(limiter); // warm-up: the JIT has compiled the path
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long started = System.nanoTime();
        admit(limiter);
        long nanos = System.nanoTime() - started;
        long perRequest = (threads.getCurrentThreadAllocatedBytes() - before) / CALLS;
        System.out.printf("RateLimiterCostTest: %d bytes and %.0f ns per admitted and reconciled request%n",
                perRequest, (double) nanos / CALLS);
        assertTrue(perRequest < 3000, perRequest + " bytes allocated per request (5.9 KB before issue 16)");
    }

    private static void admit(RateLimiter limiter) {
        for (int i = 0; i < CALLS; i++) {
            limiter.admit(CALLER, "chat", 20).reconcile(12);
        }
    }

    @Test
    void resetTimesAreWrittenAsTheDecimalFormattingWroteThem() {
        for (long millis = 0; millis < 4_000_000; millis += millis < 200_000 ? 1 : 997) {
            long nanos = millis * 1_000_000 - (millis % 3 == 0 ? 999_999 : 0);
            assertEquals(reference(nanos), RateHeaders.duration(nanos), "nanos " + nanos);
        }
    }

    /** The formatting before issue 16, with BigDecimal. */
    private static String reference(long nanos) {
        long millis = Math.max(0, (nanos + 999_999) / 1_000_000);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis % 3_600_000 / 60_000;
        String seconds = BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString();
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        return out.append(seconds).append('s').toString();
    }
}
