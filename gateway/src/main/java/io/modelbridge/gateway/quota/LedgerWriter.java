package io.modelbridge.gateway.quota;

import io.modelbridge.db.repo.LedgerPosting;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the gateway's ledger rows (reserve, settle, refund) in batches on one background thread, in the order
 * they were queued, so no request waits for the database. A lease is closed only after every row queued before
 * its close, so its claim on the balance ends when its rows are in. When the database is down rows wait and are
 * retried; {@link #close()} writes everything still queued.
 */
final class LedgerWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
    private static final int BATCH = 500;
    /** Past this backlog new reservations are refused rather than queue rows the database cannot take. */
    static final int MAX_BACKLOG = 200_000;

    private sealed interface Item permits Post, Close {}

    private record Post(LedgerPosting row) implements Item {}

    private record Close(long leaseId) implements Item {}

    private final QuotaRepository ledger;
    private final QuotaLeaseRepository leases;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    LedgerWriter(QuotaRepository ledger, QuotaLeaseRepository leases) {
        this.ledger = ledger;
        this.leases = leases;
        this.writer = Thread.ofPlatform().daemon().name("ledger-writer").start(this::run);
    }

    void post(LedgerPosting row) {
        queue.add(new Post(row));
    }

    void closeLease(long leaseId) {
        queue.add(new Close(leaseId));
    }

    boolean hasRoom() {
        return queue.size() < MAX_BACKLOG;
    }

    int backlog() {
        return queue.size();
    }

    private void run() {
        List<Item> items = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty() || !items.isEmpty()) {
            try {
                if (items.isEmpty()) {
                    Item first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    items.add(first);
                    queue.drainTo(items, BATCH - 1);
                }
                write(items);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("Could not write {} quota ledger items, retrying: {}", items.size(), e.getMessage());
                pause();
            }
        }
    }

    /**
     * Posts each run of rows in one transaction and closes leases between runs, in queue order; what is committed
     * leaves {@code items}, so a retry after a failure never writes a row twice.
     */
    private void write(List<Item> items) {
        while (!items.isEmpty()) {
            List<LedgerPosting> rows = new ArrayList<>();
            for (int i = 0; i < items.size() && items.get(i) instanceof Post p; i++) {
                rows.add(p.row());
            }
            if (!rows.isEmpty()) {
                ledger.postAll(rows);
                items.subList(0, rows.size()).clear();
            } else if (items.getFirst() instanceof Close c) {
                leases.close(c.leaseId());
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

    /** Writes what is queued, waiting at most {@code waitMillis}. */
    void close(long waitMillis) {
        running = false;
        try {
            writer.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("{} quota ledger items could not be written before shutdown", queue.size());
            writer.interrupt();
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
