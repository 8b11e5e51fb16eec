package io.modelbridge.gateway.usage;

import static io.modelbridge.gateway.usage.UsageJournal.NEWLINE;
import static io.modelbridge.gateway.usage.UsageJournal.SEGMENT_BYTES;

import io.modelbridge.db.repo.UsageRow;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One use of a file: its records and how many of its rows are not yet elsewhere. A thread holding a sealed segment
 * can take no range of it, so the file can be used again by the next segment without a stale thread writing in.
 */
final class JournalSegment {
    private final Path file;
    private final JournalFile mapped; // null: left by an earlier run, read only
    private final List<UsageRow> rows; // left by an earlier run; empty for a segment of this run
    private final Consumer<JournalSegment> whenDone;
    private final AtomicLong end = new AtomicLong();
    private final AtomicInteger unreleased = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean sealed;

    /** A segment of this run, in a zeroed file. */
    JournalSegment(JournalFile mapped, Consumer<JournalSegment> whenDone) {
        this.file = mapped.path();
        this.mapped = mapped;
        this.rows = List.of();
        this.whenDone = whenDone;
    }

    /** The rows an earlier run left in {@code file}; sealed. */
    JournalSegment(Path file, List<UsageRow> rows, Consumer<JournalSegment> whenDone) {
        this.file = file;
        this.mapped = null;
        this.rows = rows;
        this.whenDone = whenDone;
        this.unreleased.set(rows.size());
        this.sealed = true;
    }

    /** The rows an earlier run left in it. */
    List<UsageRow> rows() {
        return rows;
    }

    Path file() {
        return file;
    }

    /** Its mapped file; null for a segment an earlier run left. */
    JournalFile mapped() {
        return mapped;
    }

    /** Copies the record in, when it fits; counts its row as unreleased. */
    boolean tryAppend(byte[] record) {
        unreleased.incrementAndGet(); // before the range: the file must not be used again under this copy
        long at = end.getAndAdd(record.length + 1L);
        if (at + record.length + 1 > SEGMENT_BYTES) {
            release();
            return false;
        }
        mapped.map().put((int) at, NEWLINE);
        mapped.map().put((int) at + 1, record);
        return true;
    }

    /** One of its rows is in the database or the spill file. */
    void release() {
        if (unreleased.decrementAndGet() == 0 && sealed) {
            finish();
        }
    }

    /** No more appends: every later range falls past the end. */
    void seal() {
        end.getAndAdd(SEGMENT_BYTES);
        sealed = true;
        if (unreleased.get() == 0) {
            finish();
        }
    }

    private void finish() {
        if (done.compareAndSet(false, true)) {
            whenDone.accept(this);
        }
    }
}
