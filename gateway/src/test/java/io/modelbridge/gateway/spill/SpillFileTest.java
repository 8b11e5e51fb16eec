package io.modelbridge.gateway.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.it.SmallDisk;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spilled rows come back exactly, survive a new instance (a restart), a line cut off by a crash is skipped, and an
 * append that a full disk stops is cut back off.
 */
class SpillFileTest {
    @TempDir
    Path dir;

    private static UsageRow row(String id) {
        return new UsageRow(id, Instant.parse("2026-12-05T10:00:00.123456Z"), 7L, null, "gpt-4o", "sim", "openai",
                "gpt-4o", true, 12, 34, false, new BigDecimal("0.000123"), 56, null, 200, null, "client-" + id, null);
    }

    @Test
    void cachedAndReasoningTokenCountsSurviveAndOldLinesReadAsNotReported() throws Exception {
        Path file = dir.resolve("usage.jsonl");
        UsageRow detailed = new UsageRow("x", Instant.parse("2026-12-05T10:00:00Z"), 7L, null, "ds", "sim", "deepseek",
                "deepseek-reasoner", false, 10, 23, 5, 12, false, new BigDecimal("0.1925"), 56, null, 200, null, null, 3L);
        new SpillFile<>(file, SpillFile.mapper(), UsageRow.class, 10).append(List.of(detailed, row("a")));
        assertEquals(List.of(detailed, row("a")), new SpillFile<>(file, SpillFile.mapper(), UsageRow.class, 10).read());

        Path old = dir.resolve("old.jsonl"); // a line written before the two counts existed
        Files.writeString(old, SpillFile.mapper().writeValueAsString(row("b"))
                .replace(",\"cachedPromptTokens\":null", "").replace(",\"reasoningTokens\":null", "") + "\n");
        assertFalse(Files.readString(old).contains("reasoningTokens"));
        assertEquals(List.of(row("b")), new SpillFile<>(old, SpillFile.mapper(), UsageRow.class, 10).read());
    }

    @Test
    void rowsSurviveARestartAndATornLastLine() throws Exception {
        Path file = dir.resolve("spill/usage.jsonl");
        SpillFile<UsageRow> spill = new SpillFile<>(file, SpillFile.mapper(), UsageRow.class, 10);
        spill.append(List.of(row("a"), row("b")));
        spill.append(List.of(row("c")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Files.writeString(file, "{\"requestId\":\"d\",\"at\":\"2026-", StandardOpenOption.APPEND); // crash mid-append

        SpillFile<UsageRow> reopened = new SpillFile<>(file, SpillFile.mapper(), UsageRow.class, 10);
        assertEquals(3, reopened.size());
        assertEquals(List.of(row("a"), row("b"), row("c")), reopened.read());
        reopened.append(List.of(row("e"))); // after the torn line, not glued to it
        assertEquals(List.of(row("a"), row("b"), row("c"), row("e")),
                new SpillFile<>(file, SpillFile.mapper(), UsageRow.class, 10).read());
        assertTrue(reopened.hasRoom(6));
        assertFalse(reopened.hasRoom(7));
        reopened.clear();
        assertEquals(0, reopened.size());
        assertFalse(Files.exists(file));
    }

    /**
     * A full disk: the append fails part-way (its first rows written, the last one cut), and the next append, once
     * there is room, must not be glued to that cut line (it would be skipped as damaged, its row lost). Needs a
     * small file system of its own: a tmpfs, which only root may mount; skipped elsewhere.
     */
    @Test
    void anAppendAFullDiskStopsLeavesNothingBehindAndTheNextAppendReadsBack() throws Exception {
        try (SmallDisk small = SmallDisk.mount(dir.resolve("disk"), "1m")) {
            Path disk = small.folder();
            Path file = disk.resolve("usage.jsonl");
            SpillFile<UsageRow> spill = new SpillFile<>(file, SpillFile.mapper(), UsageRow.class, 100_000);
            spill.append(List.of(row("first")));
            Path filler = Files.write(disk.resolve("filler"), new byte[1024 * 1024 - 8192]);
            List<UsageRow> many = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                many.add(row("many-" + i));
            }
            assertThrows(RuntimeException.class, () -> spill.append(many));
            assertEquals(1, spill.size());

            Files.delete(filler);
            spill.append(List.of(row("after")));
            assertEquals(List.of("first", "after"), new SpillFile<>(file, SpillFile.mapper(), UsageRow.class, 100_000)
                    .read().stream().map(UsageRow::requestId).toList());
        }
    }
}
