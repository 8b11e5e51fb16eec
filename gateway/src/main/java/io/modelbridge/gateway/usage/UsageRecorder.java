package io.modelbridge.gateway.usage;

import io.modelbridge.db.repo.UsageRecord;
import io.modelbridge.db.repo.UsageRepository;
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
 * bounded; when the database is down, rows wait in it and are written when it returns (a row is only dropped when
 * the queue is full, and each drop is counted and logged). {@link #close()} writes everything still queued.
 */
public final class UsageRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    private static final int BATCH = 500;
    private final UsageRepository repository;
    private final BlockingQueue<UsageRecord> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    public UsageRecorder(UsageRepository repository, int capacity) {
        this.repository = repository;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = Thread.ofPlatform().daemon().name("usage-writer").start(this::run);
    }

    public void record(UsageRecord row) {
        if (!queue.offer(row)) {
            long n = dropped.incrementAndGet();
            LOG.error("Usage queue full ({} rows): dropped the row of request {} ({} dropped so far)",
                    queue.size(), row.requestId(), n);
        }
    }

    public int backlog() {
        return queue.size();
    }

    public long dropped() {
        return dropped.get();
    }

    private void run() {
        List<UsageRecord> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    UsageRecord first = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                queue.drainTo(batch, BATCH - batch.size());
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write(List<UsageRecord> batch) throws InterruptedException {
        try {
            repository.insert(batch);
            batch.clear();
        } catch (RuntimeException e) {
            LOG.warn("Could not write {} usage rows, retrying in 1 s: {}", batch.size(), e.getMessage());
            if (running) {
                Thread.sleep(1000);
            } else {
                Thread.sleep(200);
            }
        }
    }

    /** Stops taking the queue once it is written, waiting at most {@code waitMillis}. */
    public void close(long waitMillis) {
        running = false;
        try {
            writer.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("{} usage rows could not be written before shutdown", queue.size());
            writer.interrupt();
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
