package io.modelbridge.gateway.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.spill.RateLimitedLog;
import io.modelbridge.gateway.spill.SpillFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage rows on local disk from the moment they are recorded (a request is settled before its answer goes out) until
 * the database or the spill file holds them, so a killed gateway (kill -9, the kernel's out-of-memory killer) loses
 * no answered request's row: the next start of the same data folder queues the rows its journal holds again
 * ({@link #leftOver}); the usage log skips a request id it has, so a row written just before the kill is not doubled.
 *
 * <p>Rows go into memory-mapped segment files. An append takes no lock and makes no system call: a range taken from the
 * current segment with {@code getAndAdd}, then a copy into the mapping (disjoint ranges, so threads do not meet).
 * What reached the mapping is in the kernel's page cache, which outlives the process; a power cut can still lose it
 * (an fsync per request would cost more than the request). Segments are filled with zeros by real writes before they
 * are mapped, never by setting the file's length: a store into a sparse mapping that the disk cannot back is a
 * SIGBUS, which ends the JVM. Once a segment is full and every row in it released, its file is zeroed and used again
 * (a few are kept; the others are deleted): Java 21 has no way to unmap a file but the garbage collector, and the
 * disk space of a deleted file stays taken while it is mapped.
 *
 * <p>A record is a newline and the row as JSON (which holds no raw newline nor NUL). A record cut off by the kill, or a
 * range taken and never written, reads as a line that is not a JSON object (zeros are trimmed) and is skipped.
 *
 * <p>Where the folder cannot be written (a full disk, a read-only mount), rows are not journaled (logged; tried again
 * once a second): they are as safe as before the journal, in the writer's queue and the spill file.
 */
final class UsageJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);
    static final int SEGMENT_BYTES = 4 << 20;
    /** A record longer than this is not journaled (a row is about 500 bytes; the headers that feed it are bounded). */
    private static final int MAX_RECORD = 64 << 10;
    private static final String SUFFIX = ".journal";
    static final byte NEWLINE = '\n';
    private static final long RETRY_EVERY = Duration.ofSeconds(1).toNanos();
    /** Zeroed files kept for the next segments; past it a file whose rows were all released is deleted. */
    private static final int SPARE_FILES = 4;

    private final Path folder;
    private final ObjectMapper json = SpillFile.mapper();
    private final ObjectWriter rowWriter = rowWriter();
    private final ReentrantLock rolling = new ReentrantLock();
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final List<JournalSegment> leftOver = new ArrayList<>();
    private final Queue<JournalFile> spare = new ConcurrentLinkedQueue<>();
    private volatile JournalSegment current;
    private volatile boolean closed;
    private long nextNumber;
    private long retryAt = System.nanoTime();

    /** Opens the journal in {@code folder}, reading what an earlier run left there ({@link #leftOver}). */
    UsageJournal(Path folder) {
        this.folder = folder;
        try {
            createFolder();
            readLeftOver();
            roll(null); // the first segment's file is written now, not on a request
        } catch (IOException | RuntimeException e) {
            failures.warn("Cannot use the usage journal {} ({}); usage rows are not journaled until it can be",
                    folder, e.toString());
        }
    }

    /** The folder, {@code 0700}, when it is missing (the data folder's first start, or a start that could not). */
    private void createFolder() throws IOException {
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(folder.getParent());
            Files.createDirectory(folder,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    Path folder() {
        return folder;
    }

    /**
     * The rows an earlier run left, by segment: each segment is deleted once all its rows are released, as if
     * appended by this run.
     */
    List<JournalSegment> leftOver() {
        return leftOver;
    }

    private void readLeftOver() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
            for (Path file : files) {
                nextNumber = Math.max(nextNumber, number(file) + 1);
                JournalSegment segment = new JournalSegment(file, read(file), this::done);
                if (segment.rows().isEmpty()) {
                    segment.seal();
                } else {
                    leftOver.add(segment);
                }
            }
        }
        int rows = leftOver.stream().mapToInt(s -> s.rows().size()).sum();
        if (rows > 0) {
            LOG.warn("A run that did not stop cleanly left {} usage rows in the journal {}; writing those the usage "
                    + "log does not have yet", rows, folder);
        }
    }

    private static long number(Path file) {
        String name = file.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The rows of a segment file; records cut off or never written are skipped. */
    private List<UsageRow> read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<UsageRow> rows = new ArrayList<>();
        int damaged = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != NEWLINE) {
                end++;
            }
            int last = end;
            while (last > start && bytes[last - 1] == 0) {
                last--;
            }
            if (last > start) {
                try {
                    UsageRow row = json.readValue(bytes, start, last - start, UsageRow.class);
                    if (row.requestId() != null && row.at() != null) {
                        rows.add(row);
                    } else {
                        damaged++; // not a record of ours: it would fail every batch it joined
                    }
                } catch (IOException e) {
                    damaged++;
                }
            }
            start = end + 1;
        }
        if (damaged > 0) {
            LOG.warn("Skipped {} records of the usage journal {} cut off by a crash", damaged, file);
        }
        return rows;
    }

    /** Writes a row as {@link SpillFile#mapper()} does, but field by field ({@link UsageRowSerializer}). */
    static ObjectWriter rowWriter() {
        return SpillFile.mapper().registerModule(new SimpleModule("journal-rows")
                .addSerializer(UsageRow.class, new UsageRowSerializer())).writerFor(UsageRow.class);
    }

    /**
     * Appends the row; returns the segment holding it, to {@link JournalSegment#release} once the row is in the
     * database or the spill file, or null when it could not be journaled.
     */
    JournalSegment append(UsageRow row) {
        byte[] record;
        try {
            record = rowWriter.writeValueAsBytes(row);
        } catch (JsonProcessingException e) {
            failures.warn("Cannot journal the usage row of request {} ({})", row.requestId(), e.getMessage());
            return null;
        }
        if (record.length + 1 > MAX_RECORD) {
            failures.warn("Not journaling the usage row of request {}: {} bytes", row.requestId(), record.length);
            return null;
        }
        while (!closed) {
            JournalSegment segment = current;
            if (segment == null) {
                segment = roll(null);
                if (segment == null) {
                    return null;
                }
            }
            if (segment.tryAppend(record)) {
                return segment;
            }
            roll(segment);
        }
        return null;
    }

    /** Seals {@code full} (when it is still the current segment) and opens the next; null when none can be opened. */
    private JournalSegment roll(JournalSegment full) {
        rolling.lock();
        try {
            if (current != full || closed) {
                return current;
            }
            if (full != null) {
                full.seal();
                current = null;
            } else if (System.nanoTime() - retryAt < 0) {
                return null;
            }
            try {
                JournalFile file = spare.poll();
                if (file == null) {
                    createFolder();
                    file = JournalFile.create(folder.resolve(String.format("%019d", nextNumber++) + SUFFIX));
                }
                current = new JournalSegment(file, this::done);
            } catch (IOException | RuntimeException e) {
                retryAt = System.nanoTime() + RETRY_EVERY;
                failures.warn("Cannot open a usage journal segment in {} ({}); usage rows are not journaled until "
                        + "one opens", folder, e.toString());
            }
            return current;
        } finally {
            rolling.unlock();
        }
    }

    /** Every row of the segment is released: its file is zeroed for a next segment, or deleted. */
    private void done(JournalSegment segment) {
        if (segment.mapped() != null && !closed && spare.size() < SPARE_FILES) {
            segment.mapped().zero();
            spare.add(segment.mapped());
        } else {
            delete(segment.file());
        }
    }

    /** No more appends; the current segment is deleted once its rows are released (at once when they are). */
    @Override
    public void close() {
        rolling.lock();
        try {
            closed = true;
            if (current != null) {
                current.seal();
                current = null;
            }
            for (JournalFile file = spare.poll(); file != null; file = spare.poll()) {
                delete(file.path());
            }
        } finally {
            rolling.unlock();
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete the usage journal file {} ({}); its rows would be written again, skipped as "
                    + "known, at the next start", file, e.toString());
        }
    }
}
