package io.modelbridge.gateway.usage;

import io.modelbridge.db.repo.UsageRecord;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.gateway.spill.RateLimitedLog;
import io.modelbridge.gateway.spill.SpillFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes usage rows in batches on one background thread, so no request waits for the database. The queue is
 * bounded. When a write fails, the batch and everything queued after it go to a durable spill file (fsynced, in
 * the data folder) instead of waiting in memory, and the file is written to the database once it answers again,
 * at the latest at the next start; a replay never doubles a row (usage rows are unique by request id). A row is
 * dropped only when both the queue and the spill file are full; each drop is counted and logged.
 * {@link #close()} writes or spills everything still queued.
 */
public final class UsageRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    private static final int BATCH = 500;
    /** The spill file's bound: about 0.5 KB a row, so at most ~500 MB of disk. */
    public static final int MAX_SPILLED = 1_000_000;
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    private final UsageRepository repository;
    private final BlockingQueue<UsageRecord> queue;
    private final SpillFile<UsageRecord> spill;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile int writing; // rows taken from the queue and not yet written or spilled
    private volatile boolean running = true;

    public UsageRecorder(UsageRepository repository, int capacity, Path spillFile) {
        this.repository = repository;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.spill = new SpillFile<>(spillFile, SpillFile.mapper(), UsageRecord.class, MAX_SPILLED);
        this.writer = Thread.ofPlatform().daemon().name("usage-writer").start(this::run);
    }

    public void record(UsageRecord row) {
        if (!queue.offer(row)) {
            long n = dropped.incrementAndGet();
            LOG.error("Usage queue full ({} rows): dropped the row of request {} ({} dropped so far)",
                    queue.size(), row.requestId(), n);
        }
    }

    /** Every row not yet in the database: queued, being written, or in the spill file. */
    public int backlog() {
        return queue.size() + writing + spill.size();
    }

    /** Rows kept in the spill file, waiting for the database. */
    public int spilled() {
        return spill.size();
    }

    public long dropped() {
        return dropped.get();
    }

    private void run() {
        long nextReplay = System.nanoTime();
        while (running || !queue.isEmpty() || spill.size() > 0) {
            try {
                if (spill.size() > 0) { // the database failed: new rows join the file until it is written
                    spillQueued();
                    if (System.nanoTime() - nextReplay >= 0) {
                        nextReplay = System.nanoTime() + RETRY_EVERY.toNanos();
                        if (!replay() && !running) {
                            spillQueued(); // what was queued meanwhile (a stop returns its leases) joins the file
                            return; // stopping with the database down: the rows stay in the file for the next start
                        }
                    } else {
                        Thread.sleep(50);
                    }
                    continue;
                }
                UsageRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<UsageRecord> batch = new ArrayList<>(BATCH);
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                writing = batch.size();
                try {
                    repository.insert(batch);
                } catch (RuntimeException | AssertionError e) { // pgjdbc: AssertionError on a connection cut mid-batch
                    failures.warn("Could not write {} usage rows ({}); keeping them in {} until the database answers",
                            batch.size(), e.getMessage(), spill.path());
                    keep(batch);
                    nextReplay = System.nanoTime() + RETRY_EVERY.toNanos();
                }
                writing = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Writes the spill file to the database (idempotently), then empties it; false if the database failed. */
    private boolean replay() {
        List<UsageRecord> rows = spill.read();
        try {
            for (int i = 0; i < rows.size(); i += BATCH) {
                repository.insert(rows.subList(i, Math.min(rows.size(), i + BATCH)));
            }
            spill.clear();
            LOG.info("Wrote {} usage rows kept in the spill file while the database was unavailable", rows.size());
            return true;
        } catch (RuntimeException | AssertionError e) {
            failures.warn("The database still refuses usage rows ({}); {} wait in {}", e.getMessage(), backlog(),
                    spill.path());
            return false;
        }
    }

    private void spillQueued() {
        List<UsageRecord> rows = new ArrayList<>();
        queue.drainTo(rows);
        writing = rows.size();
        keep(rows);
        writing = 0;
    }

    private void keep(List<UsageRecord> rows) {
        int room = Math.max(0, MAX_SPILLED - spill.size());
        if (rows.size() > room) {
            long n = dropped.addAndGet(rows.size() - room);
            LOG.error("Usage spill file full ({} rows): dropped {} rows ({} dropped so far)", spill.size(),
                    rows.size() - room, n);
            rows = rows.subList(0, room);
        }
        try {
            spill.append(rows);
        } catch (RuntimeException e) {
            long n = dropped.addAndGet(rows.size());
            LOG.error("Could not keep {} usage rows in {}: {} ({} dropped so far)", rows.size(), spill.path(),
                    e.getMessage(), n);
        }
    }

    /** Stops once the queue is written, or kept in the spill file, waiting at most {@code waitMillis}. */
    public void close(long waitMillis) {
        running = false;
        try {
            writer.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            writer.interrupt();
            try {
                writer.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int lost = queue.size() + writing;
        if (lost > 0) {
            LOG.error("{} usage rows could not be written or kept before shutdown", lost);
        }
        if (spill.size() > 0) {
            LOG.warn("{} usage rows wait in {}; they are written at the next start", spill.size(), spill.path());
        } else if (lost == 0) {
            LOG.info("Every usage row is written");
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
