package io.modelbridge.gateway.usage;

import io.modelbridge.db.repo.UsageRetention;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MB_USAGE_RETENTION_DAYS: deletes the usage rows older than the retention, from the gateway's sweeps thread. A sweep
 * a minute of at most {@link #BATCHES} batches, or another at the next tick while a sweep still finds its bound's
 * worth: a backlog (the first sweep after the setting is turned on) drains without holding the thread long.
 */
public final class UsageSweep {
    private static final Logger LOG = LoggerFactory.getLogger(UsageSweep.class);
    static final int BATCHES = 10;
    private final UsageRetention rows;
    private final Duration retention;
    private final Clock clock;
    private long next = System.nanoTime();
    private long removedSinceLog;
    private long nextLog = System.nanoTime();

    public UsageSweep(UsageRetention rows, Duration retention, Clock clock) {
        this.rows = rows;
        this.retention = retention;
        this.clock = clock;
    }

    /** Sweeps when one is due; nothing when the retention is zero (every row is kept). */
    public void tick() {
        if (retention.isZero() || System.nanoTime() - next < 0) {
            return;
        }
        next = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        int removed = 0;
        int batch;
        int batches = 0;
        do {
            batch = rows.prune(clock.instant().minus(retention));
            removed += batch;
        } while (batch == UsageRetention.BATCH && ++batches < BATCHES);
        boolean more = batch == UsageRetention.BATCH;
        if (more) {
            next = System.nanoTime();
        }
        removedSinceLog += removed;
        // a backlog (the first sweeps after the setting is turned on) is logged once a minute, not once a sweep
        if (removedSinceLog > 0 && (!more || System.nanoTime() - nextLog >= 0)) {
            LOG.info("Removed {} usage row(s) older than MB_USAGE_RETENTION_DAYS ({}){}", removedSinceLog,
                    retention.toDays(), more ? "; more to go" : "");
            removedSinceLog = 0;
            nextLog = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        }
    }
}
