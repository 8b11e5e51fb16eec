package io.modelbridge.gateway.quota;

import io.modelbridge.db.repo.LedgerPosting;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.gateway.spill.RateLimitedLog;
import io.modelbridge.gateway.spill.SpillFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the gateway's ledger rows (reserve, settle, refund) in batches on one background thread, in the order
 * they were queued, so no request waits for the database. A lease is closed only after every row queued before
 * its close, so its claim on the balance ends when its rows are in. When a write fails, the items and everything
 * queued after them go, in order, to a durable spill file (fsynced, in the data folder), written to the database
 * once it answers again (at the latest at the next start). Every write is idempotent: a row already in the ledger
 * (same request and kind: the commit went through but its answer was lost) is not posted twice.
 */
final class LedgerWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
    private static final int BATCH = 500;
    /** Past this backlog (queue and spill file) new reservations are refused rather than queue rows. */
    static final int MAX_BACKLOG = 200_000;
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    /** A queued item; one of the two fields is set. Also the spill file's line format. */
    record Item(LedgerPosting post, Long closeLease) {}

    /** An item in the in-memory queue, with when it was queued (System.nanoTime) for the backlog's age. */
    private record Queued(Item item, long at) {}

    private final QuotaRepository ledger;
    private final QuotaLeaseRepository leases;
    private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
    private final SpillFile<Item> spill;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final Thread writer;
    private volatile int writing;
    private volatile long writingSince; // when the oldest item being written was queued
    private volatile long spilledSince; // when the oldest item in the spill file was queued
    private volatile boolean running = true;

    LedgerWriter(QuotaRepository ledger, QuotaLeaseRepository leases, Path spillFile) {
        this.ledger = ledger;
        this.leases = leases;
        this.spill = new SpillFile<>(spillFile, SpillFile.mapper(), Item.class, MAX_BACKLOG);
        this.spilledSince = System.nanoTime(); // rows left by the previous run count from this start
        this.writer = Thread.ofPlatform().daemon().name("ledger-writer").start(this::run);
    }

    void post(LedgerPosting row) {
        queue.add(new Queued(new Item(row, null), System.nanoTime()));
    }

    void closeLease(long leaseId) {
        queue.add(new Queued(new Item(null, leaseId), System.nanoTime()));
    }

    boolean hasRoom() {
        return backlog() < MAX_BACKLOG;
    }

    /** Every item not yet in the database: queued, being written, or in the spill file. */
    int backlog() {
        return queue.size() + writing + spill.size();
    }

    /**
     * How long the oldest item not yet in the database has waited (zero when there is none): grows while the
     * writer is stuck on a silent connection or the rows wait in the spill file.
     */
    Duration backlogAge() {
        long now = System.nanoTime();
        long age = 0;
        Queued head = queue.peek();
        if (head != null) {
            age = now - head.at();
        }
        if (writing > 0) {
            age = Math.max(age, now - writingSince);
        }
        if (spill.size() > 0) {
            age = Math.max(age, now - spilledSince);
        }
        return Duration.ofNanos(Math.max(0, age));
    }

    private void run() {
        long nextReplay = System.nanoTime();
        while (running || !queue.isEmpty() || spill.size() > 0) {
            try {
                if (spill.size() > 0) { // keep the order: nothing passes the rows in the file
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
                Queued first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Queued> taken = new ArrayList<>(BATCH);
                taken.add(first);
                queue.drainTo(taken, BATCH - 1);
                List<Item> items = new ArrayList<>(taken.stream().map(Queued::item).toList());
                writingSince = first.at();
                writing = items.size();
                try {
                    write(items);
                } catch (RuntimeException | AssertionError e) { // pgjdbc: AssertionError on a connection cut mid-batch
                    failures.warn("Could not write {} quota ledger items ({}); keeping them in {} until the database "
                            + "answers", items.size(), e.getMessage(), spill.path());
                    keep(items, first.at()); // what was committed already left the list
                    nextReplay = System.nanoTime() + RETRY_EVERY.toNanos();
                }
                writing = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) { // the spill file itself failed: keep the items in memory and retry
                LOG.error("Could not keep quota ledger items in {}: {}", spill.path(), e.getMessage());
                pause();
            }
        }
    }

    private boolean replay() {
        List<Item> items = spill.read();
        int count = items.size();
        try {
            write(items);
            spill.clear();
            LOG.info("Wrote {} quota ledger items kept in the spill file while the database was unavailable", count);
            return true;
        } catch (RuntimeException | AssertionError e) {
            failures.warn("The database still refuses quota ledger items ({}); {} wait in {}", e.getMessage(),
                    backlog(), spill.path());
            return false;
        }
    }

    private void spillQueued() {
        List<Queued> taken = new ArrayList<>();
        queue.drainTo(taken);
        if (taken.isEmpty()) {
            return;
        }
        writingSince = taken.getFirst().at();
        writing = taken.size();
        keep(taken.stream().map(Queued::item).toList(), taken.getFirst().at());
        writing = 0;
    }

    private void keep(List<Item> items, long queuedAt) {
        if (spill.size() == 0) {
            spilledSince = queuedAt;
        }
        spill.append(items);
    }

    /**
     * Posts each run of rows in one transaction and closes leases between runs, in queue order; what is committed
     * leaves {@code items}, so a retry after a failure never writes a row twice.
     */
    private void write(List<Item> items) {
        while (!items.isEmpty()) {
            List<LedgerPosting> rows = new ArrayList<>();
            for (int i = 0; i < items.size() && items.get(i).post() != null; i++) {
                rows.add(items.get(i).post());
            }
            if (!rows.isEmpty()) {
                ledger.postAll(rows); // idempotent: a row already in (its commit's answer was lost) is skipped
                items.subList(0, rows.size()).clear();
            } else {
                leases.close(items.getFirst().closeLease());
                items.removeFirst();
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(running ? 1000 : 200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued, or keeps it in the spill file, waiting at most {@code waitMillis}. */
    void close(long waitMillis) {
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
            LOG.error("{} quota ledger items could not be written or kept before shutdown", lost);
        }
        if (spill.size() > 0) {
            LOG.warn("{} quota ledger items wait in {}; they are written at the next start", spill.size(),
                    spill.path());
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
