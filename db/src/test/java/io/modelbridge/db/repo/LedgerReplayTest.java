package io.modelbridge.db.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.db.TestDb;
import java.math.BigDecimal;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A ledger batch replayed from the spill file after a commit whose answer was lost is not posted twice. */
class LedgerReplayTest {
    private final DSLContext dsl = TestDb.shared().dsl();

    @BeforeEach
    void empty() {
        TestDb.reset(dsl);
    }

    @Test
    void aReplayedBatchPostsOnlyTheRowsNotYetInTheLedger() {
        long user = new UserRepository(dsl).create("payer", null, "user", true).id();
        QuotaRepository ledger = new QuotaRepository(dsl);
        ledger.post(user, "grant", new BigDecimal("10"), null, "start");
        LedgerPosting reserve = new LedgerPosting(user, "reserve", new BigDecimal("-1"), "req-1", null, null);
        LedgerPosting settle = new LedgerPosting(user, "settle", new BigDecimal("0.75"), "req-1", null, null);
        LedgerPosting other = new LedgerPosting(user, "reserve", new BigDecimal("-2"), "req-2", null, null);
        ledger.postAll(List.of(reserve, settle)); // committed, but the writer saw an error and spilled the batch

        ledger.postAll(List.of(reserve, settle, other));
        ledger.postAll(List.of(reserve, settle, other));

        List<LedgerEntry> rows = ledger.recent(user, 100);
        assertEquals(4, rows.size(), rows.toString());
        assertEquals(0, new BigDecimal("7.75").compareTo(rows.getFirst().balanceAfter()), rows.toString());
    }
}
