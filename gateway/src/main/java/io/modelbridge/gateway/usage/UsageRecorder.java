package io.modelbridge.gateway.usage;

import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.spill.RateLimitedLog;
import io.modelbridge.gateway.spill.RowsThenCloses;
import io.modelbridge.gateway.spill.SpillFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes usage rows in batches on one background thread, so no request waits for the database, and closes quota
 * leases in the same order: a lease given back is closed only after the rows charged to it that were queued before
 * (so its close charges them, see {@link QuotaLeaseRepository#close}). Rows that carry no charge are dropped past
 * {@code capacity} queued rows (counted and logged); rows charged to a lease never are: reservations are refused
 * before that ({@link #hasRoom}). When a write fails, the batch and everything queued after it go to a durable spill
 * file (fsynced, in the data folder) instead of waiting in memory, and the lease closes wait in memory behind them;
 * the file is written to the database once it answers again, at the latest at the next start (a lease whose close
 * was lost with the process is closed by the next start's recovery). Rows the spill file cannot take either (a full
 * disk) are held in memory and count in the backlog, so reservations stop at {@code capacity} rather than answers
 * going unbilled; the file is tried again for them every second, and the database takes them once it answers. A
 * replay never doubles a row (usage rows are unique by request id) nor a charge (a lease's charges are computed from
 * its rows). {@link #close()} writes or spills everything still queued. Every row is also in the
 * {@link UsageJournal} from {@link #record} until the database or the spill file has it, so a kill -9 loses none: the
 * next start queues them again.
 */
public final class UsageRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    private static final int BATCH = 500;
    /**
     * How long the oldest queued row may wait for others to join its batch: one commit per ~50 ms instead of one per
     * write (a faster write would otherwise only mean more, smaller commits). A kill -9 then finds the rows of
     * this window and of the write under way only in the journal.
     */
    static final Duration GATHER = Duration.ofMillis(50);
    /** The spill file's bound: about 0.5 KB a row, so at most ~500 MB of disk. */
    public static final int MAX_SPILLED = 1_000_000;
    private static final Duration RETRY_EVERY = Duration.ofSeconds(1);

    /**
     * A queued row, or (row null) a lease to close; {@code at}: when it was queued (System.nanoTime);
     * {@code journaled}: the journal segment holding the row until it is in the database or the spill file (null:
     * not journaled).
     */
    private record Item(UsageRow row, long closeLease, long at, JournalSegment journaled) {
        /** The row is in the database or the spill file: the journal may let go of it. */
        void release() {
            if (journaled != null) {
                journaled.release();
            }
        }
    }

    private final UsageRepository repository;
    private final QuotaLeaseRepository leases;
    private final int capacity;
    private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final SpillFile<UsageRow> spill;
    private final UsageJournal journal;
    /** Lease closes that failed, in order, behind the rows in the spill file; the writer thread's only. */
    private final List<Long> pendingCloses = new ArrayList<>();
    /** Rows neither the database nor the spill file took (a full disk); the writer thread's only. */
    private final List<Item> held = new ArrayList<>();
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final RateLimitedLog spillFailures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final RateLimitedLog drops = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile int pending; // pendingCloses.size(), for other threads
    private volatile int heldCount; // held.size(), for other threads
    private volatile int writing; // items taken from the queue and not yet written or kept
    private volatile long writingSince; // when the oldest item being written was queued
    private volatile long keptSince; // when the oldest item in the spill file, held or pendingCloses was queued
    private volatile boolean running = true;
    /** Every row recorded before it is written and acknowledged (none waits in the spill file); null: not yet. */
    private volatile Instant caughtUpThrough;

    public UsageRecorder(UsageRepository repository, QuotaLeaseRepository leases, int capacity, Path spillFile) {
        this.repository = repository;
        this.leases = leases;
        this.capacity = capacity;
        this.spill = new SpillFile<>(spillFile, SpillFile.mapper(), UsageRow.class, MAX_SPILLED);
        this.keptSince = System.nanoTime(); // rows left by the previous run count from this start
        this.journal = new UsageJournal(journalBeside(spillFile));
        for (JournalSegment segment : journal.leftOver()) {
            segment.rows().forEach(row -> queue.add(new Item(row, 0, keptSince, segment)));
        }
        this.writer = Thread.ofPlatform().daemon().name("usage-writer").start(this::run);
    }

    /** The journal's folder beside the spill file: {@code usage.jsonl}'s is {@code usage-journal}. */
    static Path journalBeside(Path spillFile) {
        return spillFile.resolveSibling(spillFile.getFileName().toString().replaceFirst("\\.jsonl$", "") + "-journal");
    }

    public void record(UsageRow row) {
        if (row.leaseId() == null && queue.size() >= capacity) {
            long n = dropped.incrementAndGet();
            LOG.error("Usage queue full ({} rows): dropped the row of request {} ({} dropped so far)",
                    queue.size(), row.requestId(), n);
            return;
        }
        queue.add(new Item(row, 0, System.nanoTime(), journal.append(row)));
    }

    /** Closes the lease once every row queued before is written. */
    public void closeLease(long leaseId) {
        queue.add(new Item(null, leaseId, System.nanoTime(), null));
    }

    /** Room for the row of one more priced request: false once the backlog reaches the queue's capacity. */
    public boolean hasRoom() {
        return backlog() < capacity && spill.hasRoom(capacity);
    }

    /** Every row and lease close not yet in the database: queued, being written, or kept for a retry. */
    public int backlog() {
        return queue.size() + writing + spill.size() + heldCount + pending;
    }

    /**
     * Every usage row recorded before this instant is in the database, acknowledged; null until the first is (or
     * the writer found nothing to write). The usage retention deletes a row only well before it
     * ({@code QuotaLeaseRepository.markCaughtUp}): a row still in the spill file might be written a second time.
     */
    public Instant caughtUpThrough() {
        return caughtUpThrough;
    }

    /** Rows kept in memory because the spill file refused them too (a full disk). */
    public int held() {
        return heldCount;
    }

    /** Rows kept in the spill file, waiting for the database. */
    public int spilled() {
        return spill.size();
    }

    public long dropped() {
        return dropped.get();
    }

    /**
     * How long the oldest row or lease close not yet in the database has waited (zero when there is none): grows
     * while the writer is stuck on a silent connection or the rows wait in the spill file.
     */
    public Duration backlogAge() {
        long now = System.nanoTime();
        long age = 0;
        Item head = queue.peek();
        if (head != null) {
            age = now - head.at();
        }
        if (writing > 0) {
            age = Math.max(age, now - writingSince);
        }
        if (kept()) {
            age = Math.max(age, now - keptSince);
        }
        return Duration.ofNanos(Math.max(0, age));
    }

    /** Rows kept in the spill file or in memory, or lease closes, waiting for the database. */
    private boolean kept() {
        return spill.size() > 0 || heldCount > 0 || pending > 0;
    }

    private void run() {
        long nextReplay = System.nanoTime();
        while (running || !queue.isEmpty() || kept()) {
            try {
                if (kept()) { // the database failed: keep the order until it is written
                    keepQueued();
                    if (System.nanoTime() - nextReplay >= 0) {
                        nextReplay = System.nanoTime() + RETRY_EVERY.toNanos();
                        if (!replay()) {
                            spillHeld();
                            if (!running) {
                                keepQueued(); // what was queued meanwhile (a stop returns its leases) joins the file
                                spillHeld();
                                return; // stopping with the database down: the rows stay in the file for the next start
                            }
                        }
                    } else {
                        Thread.sleep(50);
                    }
                    continue;
                }
                Instant idleSince = Instant.now();
                Item first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    caughtUpThrough = idleSince; // nothing kept (checked above) and nothing queued meanwhile
                    continue;
                }
                writingSince = first.at();
                writing = 1;
                gatherBehind(first);
                List<Item> batch = new ArrayList<>(BATCH);
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                writing = batch.size();
                long lastQueued = batch.getLast().at(); // read first: written items leave the list
                try {
                    write(batch);
                    // in queue order: every item queued before the batch's last one is written too
                    caughtUpThrough = Instant.now().minusNanos(System.nanoTime() - lastQueued);
                } catch (RuntimeException | AssertionError e) { // pgjdbc: AssertionError on a connection cut mid-batch
                    failures.warn("Could not write {} usage rows and lease closes ({}); keeping them in {} until the "
                            + "database answers", batch.size(), e.getMessage(), spill.path());
                    keep(batch); // what was written already left the list
                    nextReplay = System.nanoTime() + RETRY_EVERY.toNanos();
                }
                writing = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Lets a batch fill until its first item has waited {@link #GATHER}; a stop or an interrupt ends the wait. */
    private void gatherBehind(Item first) {
        long wait = first.at() + GATHER.toNanos() - System.nanoTime();
        if (running && wait > 0 && queue.size() < BATCH - 1) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the batch is written; the next poll ends the thread
            }
        }
    }

    /** Writes each run of rows in one batch and closes leases between runs, in queue order; written items leave. */
    private void write(List<Item> items) {
        RowsThenCloses.write(items, Item::row, rows -> {
            repository.insert(rows);
            items.subList(0, rows.size()).forEach(Item::release); // the run written: the list's front, leaving it next
        }, item -> leases.close(item.closeLease()));
    }

    /** Writes the spill file and the rows held in memory (idempotently), empties both, then the lease closes. */
    private boolean replay() {
        List<UsageRow> rows = spill.read();
        held.forEach(item -> rows.add(item.row()));
        try {
            for (int i = 0; i < rows.size(); i += BATCH) {
                repository.insert(rows.subList(i, Math.min(rows.size(), i + BATCH)));
            }
            spill.clear();
            held.forEach(Item::release);
            held.clear();
            heldCount = 0;
            if (!rows.isEmpty()) {
                LOG.info("Wrote {} usage rows kept while the database was unavailable", rows.size());
            }
            while (!pendingCloses.isEmpty()) {
                leases.close(pendingCloses.getFirst());
                pendingCloses.removeFirst();
                pending = pendingCloses.size();
            }
            return true;
        } catch (RuntimeException | AssertionError e) {
            failures.warn("The database still refuses usage rows ({}); {} wait in {}", e.getMessage(), backlog(),
                    spill.path());
            return false;
        }
    }

    private void keepQueued() {
        List<Item> items = new ArrayList<>();
        queue.drainTo(items);
        if (items.isEmpty()) {
            return;
        }
        writingSince = items.getFirst().at();
        writing = items.size();
        keep(items);
        writing = 0;
    }

    /**
     * Rows to the spill file, lease closes behind them in memory. While rows are held in memory (the file refused
     * them, or is at its bound), new rows join them there: the file is tried again once a second
     * ({@link #spillHeld}).
     */
    private void keep(List<Item> items) {
        if (items.isEmpty()) {
            return;
        }
        if (!kept()) {
            keptSince = items.getFirst().at();
        }
        List<Item> rows = new ArrayList<>();
        for (Item item : items) {
            if (item.row() != null) {
                rows.add(item);
            } else {
                pendingCloses.add(item.closeLease());
            }
        }
        pending = pendingCloses.size();
        if (held.isEmpty() && spill.hasRoom(rows.size())) {
            try {
                spill.append(rows.stream().map(Item::row).toList());
                rows.forEach(Item::release);
                return;
            } catch (RuntimeException e) {
                spillFailures.warn("Could not keep {} usage rows in {} ({}); holding them in memory until the file "
                        + "or the database takes them (requests that reserve quota are refused once {} rows wait)",
                        rows.size(), spill.path(), e.getMessage(), capacity);
            }
        }
        hold(rows);
    }

    /**
     * Keeps rows in memory. Past {@code capacity} rows only rows without a charge are dropped, newest first, as
     * {@link #record} drops them: a charged row's reservation was refused before the backlog got there.
     */
    private void hold(List<Item> rows) {
        held.addAll(rows);
        int over = held.size() - capacity;
        for (int i = held.size() - 1; i >= 0 && over > 0; i--) {
            if (held.get(i).row().leaseId() == null) {
                held.remove(i).release();
                over--;
                drops.warn("Usage rows held in memory past {}: dropping rows without a charge ({} dropped so far)",
                        capacity, dropped.incrementAndGet());
            }
        }
        heldCount = held.size();
    }

    /** Moves the rows held in memory to the spill file, if it takes them now. */
    private void spillHeld() {
        if (held.isEmpty() || !spill.hasRoom(held.size())) {
            return;
        }
        try {
            spill.append(held.stream().map(Item::row).toList());
            held.forEach(Item::release);
            held.clear();
            heldCount = 0;
        } catch (RuntimeException e) {
            spillFailures.warn("Still holding {} usage rows in memory: {} refuses them ({})", held.size(),
                    spill.path(), e.getMessage());
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
        journal.close();
        int lost = queue.size() + writing + heldCount;
        if (lost > 0) {
            LOG.error("{} usage rows could not be written or kept before shutdown; those in the journal {} are "
                    + "written at the next start", lost, journal.folder());
        }
        if (pending > 0) {
            LOG.warn("{} quota lease(s) could not be closed; the next start closes them", pending);
        }
        if (spill.size() > 0) {
            LOG.warn("{} usage rows wait in {}; they are written at the next start", spill.size(), spill.path());
        } else if (lost == 0 && dropped.get() == 0) {
            LOG.info("Every usage row is written");
        }
        if (dropped.get() > 0) {
            LOG.error("{} usage rows were dropped while this gateway ran (logged above)", dropped.get());
        }
    }

    @Override
    public void close() {
        close(10_000);
    }
}
