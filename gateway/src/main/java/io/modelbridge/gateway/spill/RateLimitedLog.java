package io.modelbridge.gateway.spill;

import java.time.Duration;
import org.slf4j.Logger;

/** A warning repeated by a retry loop: logged at most once per interval, with how many were held back meanwhile. */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private long nextAt = System.nanoTime();
    private long suppressed;

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    public synchronized void warn(String format, Object... args) {
        long now = System.nanoTime();
        if (now - nextAt < 0) {
            suppressed++;
            return;
        }
        nextAt = now + intervalNanos;
        if (suppressed > 0) {
            log.warn(format + " (" + suppressed + " similar warnings held back)", args);
        } else {
            log.warn(format, args);
        }
        suppressed = 0;
    }
}
