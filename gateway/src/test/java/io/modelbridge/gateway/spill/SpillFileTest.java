package io.modelbridge.gateway.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.repo.UsageRow;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spilled rows come back exactly, survive a new instance (a restart), and a line cut off by a crash is skipped. */
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
}
