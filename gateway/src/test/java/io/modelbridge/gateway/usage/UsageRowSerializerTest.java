package io.modelbridge.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.spill.SpillFile;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The journal's hand-written encoding is the spill files' record encoding, field for field. */
class UsageRowSerializerTest {
    private static final ObjectMapper SPILL = SpillFile.mapper();

    @Test
    void everyFieldSetIsWrittenAsTheRecordSerializerWritesIt() throws Exception {
        UsageRow row = new UsageRow("req-1", Instant.parse("2026-12-07T17:20:01.123456789Z"), 7L, 9L, "gpt \"q\"",
                "ch\nannel", "openai", "gpt-4o-mini", true, 12, 34, 5, 6, true, new BigDecimal("0.000123400"), 456,
                78, 200, "rate_limited", "client-\u00e9-1", 42L, "anthropic-messages");
        assertSame(row);
    }

    @Test
    void nullsAreWrittenAsTheRecordSerializerWritesThem() throws Exception {
        assertSame(new UsageRow("req-2", Instant.EPOCH, null, null, null, null, null, null, false, 0, 0, null, null,
                false, BigDecimal.ZERO, 0, null, 500, null, null, null, null));
    }

    private static void assertSame(UsageRow row) throws Exception {
        byte[] journaled = UsageJournal.rowWriter().writeValueAsBytes(row);
        assertEquals(SPILL.readTree(SPILL.writeValueAsBytes(row)), SPILL.readTree(journaled));
        assertEquals(row, SPILL.readValue(journaled, UsageRow.class));
    }
}
