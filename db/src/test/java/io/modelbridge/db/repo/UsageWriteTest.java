package io.modelbridge.db.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.db.TestDb;
import io.modelbridge.db.jooq.Tables;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Usage rows go in with COPY (issue 16): what is read back is exactly what was written, and a retry never doubles. */
class UsageWriteTest {
    private final DSLContext dsl = TestDb.shared().dsl();
    private final UsageRepository usage = new UsageRepository(dsl);

    @BeforeEach
    void reset() {
        TestDb.reset(dsl);
    }

    @Test
    void everyColumnReadsBackAsWrittenWithCopysSpecialCharactersAndNulls() {
        Instant at = Instant.parse("2026-12-05T19:40:01.123456Z");
        List<UsageRow> rows = List.of(
                new UsageRow("r-1", at, 7L, 9L, "a\tb\nc\rd\\e", "chan \\N", "prov", "模型 ✓", true, 11, 22, 3, 4,
                        true, new BigDecimal("0.000123"), 345, 67, 200, null, "client\\t\t1", 42L),
                new UsageRow("r-2", at.plusSeconds(1), null, null, null, null, null, null, false, 0, 0, null, null,
                        false, new BigDecimal("12345678901234.5"), 0, null, 502, "upstream_error", null, null),
                new UsageRow("r-3", at.plusSeconds(2), 1L, 2L, "\\N", "", "p", "m", false, 1, 1, null, null,
                        false, BigDecimal.ZERO, 1, 1, 200, null, "", null));
        usage.insert(rows);
        List<UsageRow> read = usage.rows(UsageQuery.all(), 10).stream()
                .sorted(Comparator.comparing(UsageRow::requestId)).toList();
        assertEquals(3, read.size());
        for (int i = 0; i < rows.size(); i++) {
            UsageRow want = rows.get(i);
            UsageRow got = read.get(i);
            assertEquals(0, want.cost().compareTo(got.cost()), want.requestId() + " cost");
            assertEquals(want.withCost(got.cost()), got);
        }
        assertEquals(33, dsl.select(Tables.USAGE_LOG.TOTAL_TOKENS).from(Tables.USAGE_LOG)
                .where(Tables.USAGE_LOG.REQUEST_ID.eq("r-1")).fetchOne().value1());
    }

    @Test
    void aBatchHoldingAnAlreadyStoredRequestIdWritesTheNewRowsAndSkipsTheStoredOne() {
        Instant at = Instant.parse("2026-12-05T19:40:01Z");
        usage.insert(List.of(row("a", at, "0.5")));
        usage.insert(List.of(row("b", at, "1"), row("a", at, "99"), row("c", at, "2")));
        assertEquals(3, dsl.fetchCount(Tables.USAGE_LOG));
        assertEquals(0, new BigDecimal("3.5").compareTo(usage.totals(UsageQuery.all()).cost()));
    }

    /**
     * Issue 16: request_id is the key, so a row writes no sequence value and no id index; what each remaining index
     * serves is in changesets 0012 and 0013. The latest rows of one instant come in request id order.
     */
    @Test
    void aRowIsKeyedByItsRequestIdWithNoSurrogateIdNorItsIndex() {
        assertEquals(List.of("usage_log_created_at_idx", "usage_log_lease_id_idx", "usage_log_pkey",
                        "usage_log_user_id_created_at_idx"),
                dsl.fetch("select indexname from pg_indexes where tablename = 'usage_log' order by 1")
                        .getValues(0, String.class));
        assertEquals("PRIMARY KEY (request_id)", dsl.fetchValue("select pg_get_constraintdef(oid) from pg_constraint "
                + "where conrelid = 'usage_log'::regclass and contype = 'p'", String.class));
        assertEquals(0, dsl.fetch("select 1 from information_schema.columns where table_name = 'usage_log' "
                + "and column_name = 'id'").size());
        Instant at = Instant.parse("2026-12-05T19:40:01Z");
        usage.insert(List.of(row("b", at, "1"), row("c", at, "1"), row("a", at, "1")));
        assertEquals(List.of("c", "b", "a"), usage.rows(UsageQuery.all(), 10).stream().map(UsageRow::requestId).toList());
    }

    private static UsageRow row(String id, Instant at, String cost) {
        return new UsageRow(id, at, 1L, 1L, "m", "c", "p", "m", false, 1, 1, false, new BigDecimal(cost), 1, null,
                200, null, null, null);
    }
}
