package io.modelbridge.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.repo.UsageRow;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage journal on a real folder: what a run appended and did not release is read back by the next (a run
 * "killed" here is a journal never closed: its mappings and files are what a killed process leaves), records cut off
 * are skipped, and segments go once their rows are released.
 */
class UsageJournalTest {
    @TempDir
    Path dir;

    @Test
    void rowsAppendedAndNotReleasedAreReadBackByTheNextRunWithTheirFields() throws IOException {
        Path folder = dir.resolve("journal");
        UsageJournal killed = new UsageJournal(folder);
        UsageRow first = row("req-1", 7L);
        UsageRow second = new UsageRow("req-2", Instant.parse("2026-12-07T10:00:00.123456Z"), 3L, 4L, "gpt", "ch",
                "openai", "gpt-4o", true, 10, 20, 5, 2, true, new BigDecimal("0.000123"), 42, 7, 200, null,
                "client \"id\"\n with a newline", null, "anthropic-messages");
        assertNotNull(killed.append(first));
        assertNotNull(killed.append(second));
        // not closed: the process ended here

        List<UsageRow> read = readByANextRun(folder);
        assertEquals(List.of(first, second), read);
    }

    @Test
    void aFullSegmentsFileIsZeroedAndUsedAgainOnceItsRowsAreReleasedAndClosingDeletesEveryFile() throws IOException {
        Path folder = dir.resolve("journal");
        UsageJournal journal = new UsageJournal(folder);
        List<JournalSegment> held = new ArrayList<>();
        int segments = 0;
        while (segments < 3) { // about 8,000 rows a segment; none released
            JournalSegment segment = journal.append(row("held-" + held.size(), null));
            if (held.isEmpty() || segment != held.getLast()) {
                segments++;
            }
            held.add(segment);
        }
        assertEquals(3, segments(folder));
        held.forEach(JournalSegment::release);
        assertEquals(3, segments(folder), "two files zeroed and kept for the next segments, one in use");

        JournalSegment previous = held.getLast();
        List<String> sinceTheLastRoll = new ArrayList<>();
        for (int rolls = 0, i = 0; rolls < 3; i++) { // rows released as they come: the files go round
            String id = "released-" + i;
            JournalSegment segment = journal.append(row(id, null));
            if (segment != previous) {
                rolls++;
                sinceTheLastRoll.clear();
            }
            sinceTheLastRoll.add(id);
            previous = segment;
            segment.release();
        }
        assertEquals(3, segments(folder), "no new file while a zeroed one is there");
        assertEquals(sinceTheLastRoll, readByANextRun(folder).stream().map(UsageRow::requestId).toList(),
                "a file used again holds only its current segment's records");

        JournalSegment last = journal.append(row("last", null));
        journal.close();
        assertEquals(1, segments(folder), "closed: the zeroed files go, the one with a row not released stays");
        last.release();
        assertEquals(0, segments(folder));
        assertNull(journal.append(row("after-close", null)));
    }

    @Test
    void aLeftOverSegmentIsDeletedOnceTheNextRunReleasedItsRows() throws IOException {
        Path folder = dir.resolve("journal");
        UsageJournal killed = new UsageJournal(folder);
        killed.append(row("a", 1L));
        killed.append(row("b", 1L));
        Path leftFile = onlySegment(folder);
        UsageJournal next = new UsageJournal(folder);
        JournalSegment left = next.leftOver().getFirst();
        left.release();
        assertTrue(Files.exists(leftFile));
        left.release();
        assertFalse(Files.exists(leftFile));
    }

    @Test
    void recordsCutOffOrNeverWrittenAreSkippedAndTheOthersRead() throws IOException {
        Path folder = dir.resolve("journal");
        UsageJournal killed = new UsageJournal(folder);
        killed.append(row("before", null));
        Path segment = onlySegment(folder);
        byte[] bytes = Files.readAllBytes(segment);
        int end = endOfRecords(bytes);
        byte[] whole = ("\n" + json(row("after", null))).getBytes(StandardCharsets.UTF_8);
        byte[] cut = ("\n" + json(row("cut", null))).substring(0, 60).getBytes(StandardCharsets.UTF_8);
        // a record cut off by the kill, a range taken and never written (zeros), a whole record, one not of ours
        System.arraycopy(cut, 0, bytes, end, cut.length);
        System.arraycopy(whole, 0, bytes, end + cut.length + 100, whole.length);
        byte[] notOurs = "\n{\"promptTokens\":1}".getBytes(StandardCharsets.UTF_8); // JSON, but no request id
        System.arraycopy(notOurs, 0, bytes, end + cut.length + 100 + whole.length, notOurs.length);
        Files.write(segment, bytes);

        List<String> ids = readByANextRun(folder).stream().map(UsageRow::requestId).toList();
        assertEquals(List.of("before", "after"), ids);
    }

    @Test
    void rowsAppendedFromManyThreadsAreAllReadBack() throws Exception {
        Path folder = dir.resolve("journal");
        UsageJournal killed = new UsageJournal(folder);
        ConcurrentLinkedQueue<String> appended = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            int thread = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2_000; i++) { // 32,000 rows: the segment rolls over under contention
                    String id = "t" + thread + "-" + i;
                    if (killed.append(row(id, null)) != null) {
                        appended.add(id);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(32_000, appended.size());
        assertTrue(segments(folder) >= 3);
        Set<String> read = new TreeSet<>();
        readByANextRun(folder).forEach(r -> read.add(r.requestId()));
        assertEquals(new TreeSet<>(appended), read);
    }

    @Test
    void aFolderThatCannotBeCreatedJournalsNothingAndThrowsNothingUntilItCanBe() throws Exception {
        Path blocked = Files.writeString(dir.resolve("spill"), "a file where the folder's parent should be");
        UsageJournal journal = new UsageJournal(blocked.resolve("journal"));
        assertNull(journal.append(row("x", null)));

        Files.delete(blocked); // room again (the disk was full at start, say)
        long end = System.nanoTime() + 5_000_000_000L;
        JournalSegment segment = null;
        while (segment == null && System.nanoTime() < end) { // tried again once a second
            segment = journal.append(row("y", null));
            Thread.sleep(50);
        }
        assertNotNull(segment, "journaled once the folder can be made");
        assertEquals(List.of("y"), readByANextRun(blocked.resolve("journal")).stream().map(UsageRow::requestId)
                .toList());
        journal.close();
    }

    /** What a next run would read from the folder: read from a copy, so this run's files stay as they are. */
    private List<UsageRow> readByANextRun(Path folder) throws IOException {
        Path copy = Files.createTempDirectory(dir, "next-run");
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        return new UsageJournal(copy).leftOver().stream().flatMap(s -> s.rows().stream()).toList();
    }

    private static long segments(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    private static Path onlySegment(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.findFirst().orElseThrow();
        }
    }

    private static int endOfRecords(byte[] bytes) {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] == 0) {
            end--;
        }
        return end;
    }

    private static String json(UsageRow row) {
        try {
            return io.modelbridge.gateway.spill.SpillFile.mapper().writeValueAsString(row);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static UsageRow row(String id, Long lease) {
        return new UsageRow(id, Instant.parse("2026-12-07T10:00:00Z"), 1L, 2L, "alias", "channel", "openai",
                "model", false, 10, 5, false, new BigDecimal("0.0015"), 12, null, 200, null, "client-" + id, lease);
    }
}
