package io.modelbridge.gateway.health;

import io.modelbridge.db.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database answers, checked on its own thread on one dedicated connection (so a dead database never
 * holds up the pool or the housekeeping thread), for /readyz and the metrics.
 */
public final class DatabaseHealth implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseHealth.class);
    private final Database db;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("db-health").unstarted(r));
    private Connection probe;
    private volatile boolean up = true;

    public DatabaseHealth(Database db, Duration every) {
        this.db = db;
        timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean up() {
        return up;
    }

    private void check() {
        boolean now;
        try {
            if (probe == null || !probe.isValid(1)) {
                closeProbe();
                probe = db.openDedicatedConnection();
            }
            now = true;
        } catch (SQLException | RuntimeException | Error e) { // an Error too: it would cancel the check for good
            closeProbe();
            now = false;
            if (up) {
                LOG.error("The database is unreachable ({}); not ready until it returns", e.getMessage());
            }
        }
        if (now && !up) {
            LOG.info("The database is reachable again");
        }
        up = now;
    }

    private void closeProbe() {
        if (probe != null) {
            try {
                probe.close();
            } catch (SQLException ignored) {
                // already broken
            }
            probe = null;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeProbe();
    }
}
