package io.modelbridge.db.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.TestDb;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The binary COPY (issue 16) stores what the text COPY stored, column for column, PostgreSQL's rounding of the
 * timestamp's nanoseconds and of the cost's scale included; and it costs a fraction of the text format's allocation
 * per row (no number, timestamp or string formatted).
 */
class UsageCopyTest {
    private static final Instant AT = Instant.parse("2026-12-05T19:40:01.123456Z");
    private final DSLContext dsl = TestDb.shared().dsl();

    @BeforeEach
    void reset() {
        TestDb.reset(dsl);
    }

    private static List<UsageRow> rows(String prefix) {
        return List.of(
                new UsageRow(prefix + "1", AT, 7L, 9L, "a\tb\nc\rd\\e", "chan \\N", "prov", "模型 ✓", true, 11, 22, 3, 4,
                        true, new BigDecimal("0.000123"), 345, 67, 200, null, "client\\t\t1", 42L, "openai-chat"),
                new UsageRow(prefix + "2", AT.plusNanos(500), null, null, null, null, null, null, false, 0, 0, null, null,
                        false, new BigDecimal("12345678901234.5"), 0, null, 502, "upstream_error", null, null, null),
                new UsageRow(prefix + "3", AT.plusNanos(1500), 1L, 2L, "\\N", "", "p", "m", false, 1, 1, 0, 0,
                        false, BigDecimal.ZERO, 1, 1, 200, null, "", null, ""),
                new UsageRow(prefix + "4", AT.plusNanos(999_999_999), Long.MAX_VALUE, -1L, "ü", "c", "p", "m", true,
                        Integer.MAX_VALUE, 0, null, 7, false, new BigDecimal("0.0000005"), Integer.MAX_VALUE, 0, 599,
                        "e", "x", Long.MIN_VALUE, "anthropic-messages"),
                new UsageRow(prefix + "5", Instant.parse("1999-12-31T23:59:59.999999501Z"), 1L, 1L, "m", "c", "p", "m",
                        false, 1, 2, null, null, false, new BigDecimal("1E+3"), 1, null, 200, null, null, 5L, null),
                new UsageRow(prefix + "6", AT.plusNanos(2_499), 1L, 1L, "m", "c", "p", "m", false, 1, 2, null, null,
                        false, new BigDecimal("-0.0000015"), 1, null, 200, null, null, 5L, null),
                new UsageRow(prefix + "7", AT, 1L, 1L, "m", "c", "p", "m", false, 1, 2, null, null, false,
                        new BigDecimal("10000.000000"), 1, null, 200, null, null, 5L, null),
                new UsageRow(prefix + "8", AT, 1L, 1L, "m", "c", "p", "m", false, 1, 2, null, null, false,
                        new BigDecimal("-98765432109.87654321"), 1, null, 200, null, null, 5L, null),
                new UsageRow(prefix + "9", AT, 1L, 1L, "m", "c", "p", "m", false, 1, 2, null, null, false,
                        new BigDecimal("0.00001"), 1, null, 200, null, null, 5L, null));
    }

    @Test
    void theBinaryFormatStoresWhatTheTextFormatStored() {
        dsl.connection(c -> TextUsageCopy.write(c, rows("text-")));
        dsl.connection(c -> UsageCopy.write(c, rows("binary-")));
        String columns = "created_at, user_id, key_id, alias, channel, provider, upstream_model, stream, prompt_tokens, "
                + "completion_tokens, total_tokens, estimated, cost, latency_ms, ttft_ms, status, error_code, "
                + "client_request_id, lease_id, cached_prompt_tokens, reasoning_tokens, dialect";
        String text = "select split_part(request_id, '-', 2) as n, " + columns + " from usage_log where request_id like "
                + "'text-%' order by 1";
        List<String> stored = dsl.fetch(text).stream().map(Object::toString).toList();
        assertEquals(rows("").size(), stored.size());
        assertEquals(stored, dsl.fetch(text.replace("'text-%'", "'binary-%'")).stream().map(Object::toString).toList());
        String differs = String.join(" or ", java.util.Arrays.stream(columns.split(", "))
                .map(c -> "t." + c + " is distinct from b." + c).toList());
        assertEquals(0, dsl.fetch("select 1 from usage_log t join usage_log b on b.request_id = 'binary-' || "
                + "split_part(t.request_id, '-', 2) where t.request_id like 'text-%' and (" + differs + ")").size());
    }

    /** Warm: the text format formatted each number, the timestamp and the escaped strings, then encoded the text. */
    @Test
    void aRowCostsAFractionOfTheTextFormatsAllocation() {
        List<UsageRow> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(new UsageRow("chatcmpl-" + i + "x7Yq2LmN0pQrStUv", AT.plusNanos(i * 1_234_567L), 1L, 2L, "bench",
                    "fake-upstream", "openai", "bench", false, 9, 8, null, null, false, new BigDecimal("0.000025"), 3,
                    null, 200, null, null, 17L, "openai-chat"));
        }
        long binary = bytesPerRow(batch, () -> UsageCopy.binary(batch).length);
        long text = bytesPerRow(batch, () -> TextUsageCopy.text(batch).getBytes(StandardCharsets.UTF_8).length);
        System.out.printf("bytes allocated per usage row encoded: binary %d, text %d%n", binary, text);
        assertTrue(binary < text * 0.5, "binary " + binary + " bytes per row, text " + text);
    }

    private static long bytesPerRow(List<UsageRow> batch, java.util.function.IntSupplier encode) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int i = 0; i < 2_000; i++) {
            sink += encode.getAsInt();
        }
        int rounds = 1_000;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < rounds; i++) {
            sink += encode.getAsInt();
        }
        assertTrue(sink > 0);
        return (threads.getCurrentThreadAllocatedBytes() - before) / rounds / batch.size();
    }
}
