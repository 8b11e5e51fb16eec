package io.modelbridge.gateway.health;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness of the quota ledger: not ready while its oldest row not yet in the database is older than
 * {@link #STALE_AFTER} (the writer is stuck, e.g. on a connection gone silent, or the rows wait in the spill file
 * for the database), so a load balancer sends the traffic to instances whose charges reach the database. The
 * change is logged once each way.
 */
public final class LedgerBacklog {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerBacklog.class);
    /** Shorter than the database socket timeout (45 s), so a writer hung on a silent connection shows first. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(15);
    private final Supplier<Duration> oldest;
    private final Supplier<Integer> rows;
    private volatile boolean stale;

    public LedgerBacklog(Supplier<Duration> oldest, Supplier<Integer> rows) {
        this.oldest = oldest;
        this.rows = rows;
    }

    /** False while the oldest unwritten ledger row is older than {@link #STALE_AFTER}. */
    public boolean fresh() {
        Duration age = oldest.get();
        boolean now = age.compareTo(STALE_AFTER) > 0;
        if (now != stale) {
            stale = now;
            if (now) {
                LOG.error("The usage writer (quota charges) is behind: {} rows wait, the oldest for {} s; not ready "
                        + "until they are written", rows.get(), age.toSeconds());
            } else {
                LOG.info("The usage writer's backlog (quota charges) is written; ready again");
            }
        }
        return !now;
    }

    public Duration age() {
        return oldest.get();
    }
}
