package io.modelbridge.db.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.db.TestDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Usage rows past the retention go; what every user is charged does not change. A lease is charged the sum of its
 * rows' costs, so without the lease's pruned sums the close of a lease whose rows were pruned, or a row arriving
 * after that, would refund what the pruned rows cost.
 */
class UsageRetentionTest {
    private static final Instant NOW = Instant.now();
    private static final Instant OLD = NOW.minus(Duration.ofDays(40));
    private static final Instant CUTOFF = NOW.minus(Duration.ofDays(30));
    private final DSLContext dsl = TestDb.shared().dsl();
    private final QuotaRepository quota = new QuotaRepository(dsl);
    private final QuotaLeaseRepository leases = new QuotaLeaseRepository(dsl);
    private final UsageRepository usage = new UsageRepository(dsl);
    private final UsageRetention retention = new UsageRetention(dsl);
    private final UserRepository users = new UserRepository(dsl);
    private long alice;

    @BeforeEach
    void reset() {
        TestDb.reset(dsl);
        alice = users.create("alice", null, "user", true).id();
        quota.post(alice, "grant", dec("10"), null, null);
    }

    @Test
    void pruningAnOpenLeasesRowsChangesNeitherTheQuotaLeftNorItsCharge() {
        QuotaLease a = leases.open(alice, "gw-a", dec("5"), dec("5")).orElseThrow();
        usage.insert(List.of(row("old-1", OLD, "1.5", a.id()), row("old-2", OLD, "0.25", a.id()),
                row("old-free", OLD, "0", null), row("new", NOW, "0.5", a.id())));
        assertEquals(0, dec("7.75").compareTo(quotaLeft()));
        leases.markCaughtUp("gw-a", NOW);

        assertEquals(3, retention.prune(CUTOFF));
        assertEquals(0, retention.prune(CUTOFF), "nothing older is left");
        assertEquals(List.of("new"), requestIds());
        assertEquals(0, dec("7.75").compareTo(quotaLeft()), "the pruned rows still count while the lease is open");

        assertEquals(0, dec("2.25").compareTo(leases.close(a.id())), "charged every row, pruned or not");
        assertEquals(0, dec("7.75").compareTo(balance()));
        assertEquals("lease returned by instance gw-a (lease " + a.id() + ": 3 usage rows, cost 2.25)",
                quota.recent(alice, 1).get(0).note());
    }

    @Test
    void aRowArrivingAfterItsClosedLeaseWasPrunedIsChargedAloneAndOnce() {
        QuotaLease a = leases.open(alice, "gw-a", dec("5"), dec("5")).orElseThrow();
        usage.insert(List.of(row("old", OLD, "2", a.id())));
        assertEquals(0, dec("2").compareTo(leases.close(a.id())));
        leases.markCaughtUp("gw-a", NOW);
        assertEquals(1, retention.prune(CUTOFF));

        usage.insert(List.of(row("late", NOW, "0.5", a.id()))); // a spill file replayed after the close
        assertEquals(0, dec("7.5").compareTo(balance()), "the late row is charged, and the pruned one not refunded");
        assertEquals(0, leases.close(a.id()).signum(), "a close re-run finds nothing due");
        assertEquals(0, dec("7.5").compareTo(quotaLeft()));
    }

    @Test
    void aLargeBacklogGoesInBoundedBatchesOldestFirst() {
        QuotaLease a = leases.open(alice, "gw-a", dec("5"), dec("5")).orElseThrow();
        List<UsageRow> rows = new ArrayList<>();
        for (int i = 0; i < UsageRetention.BATCH + 10; i++) {
            rows.add(row("r" + i, OLD.plusSeconds(i), "0.001", a.id()));
        }
        usage.insert(rows);
        leases.markCaughtUp("gw-a", NOW);
        assertEquals(UsageRetention.BATCH, retention.prune(CUTOFF));
        assertEquals(List.of("r1000", "r1001", "r1002", "r1003", "r1004", "r1005", "r1006", "r1007", "r1008", "r1009"),
                requestIds(), "the oldest went first");
        assertEquals(10, retention.prune(CUTOFF));
        assertEquals(0, dec("1.01").compareTo(leases.close(a.id())));
        assertEquals(0, dec("8.99").compareTo(balance()));
    }

    /**
     * A row whose commit was not acknowledged waits in its instance's spill file and is written again later, skipped
     * as already stored. Deleted meanwhile, it would be written and charged twice: a leased row goes only once its
     * holder has marked every row it recorded until a day after that row began as written.
     */
    @Test
    void aRowItsHolderHasNotMarkedWrittenStaysSoItsSecondWriteIsNotChargedAgain() {
        QuotaLease a = leases.open(alice, "gw-a", dec("5"), dec("5")).orElseThrow();
        usage.insert(List.of(row("acked-late", OLD, "2", a.id()), row("free", OLD, "0", null)));
        assertEquals(1, retention.prune(CUTOFF), "the row without a charge goes");
        leases.markCaughtUp("gw-a", OLD.plus(Duration.ofHours(12)));
        assertEquals(0, retention.prune(CUTOFF), "a mark less than a day after the row began is not enough");
        assertEquals(List.of("acked-late"), requestIds());

        usage.insert(List.of(row("acked-late", OLD, "2", a.id()))); // the spill file written again
        assertEquals(0, dec("2").compareTo(leases.close(a.id())), "charged once");
        leases.markCaughtUp("gw-a", NOW);
        assertEquals(1, retention.prune(CUTOFF));
        assertEquals(0, dec("8").compareTo(balance()));
    }

    /**
     * A lease another instance recovered while its holder was away: its rows stay until the holder is back and has
     * written everything it kept; the holder marks the lease until the mark is a day past the close.
     */
    @Test
    void aRecoveredLeasesRowsGoOnceItsHolderIsBackAndCaughtUp() {
        QuotaLease a = leases.open(alice, "gw-a", dec("5"), dec("5")).orElseThrow();
        usage.insert(List.of(row("old", OLD, "1", a.id())));
        leases.markCaughtUp("gw-a", OLD.plus(Duration.ofMinutes(1))); // the last mark before it went away
        assertEquals(0, dec("1").compareTo(leases.recover(a.id()).orElseThrow()));
        assertEquals(0, retention.prune(CUTOFF));

        assertEquals(1, leases.markCaughtUp("gw-a", NOW), "back, with nothing left to write");
        assertEquals(1, retention.prune(CUTOFF));
        assertEquals(1, leases.markCaughtUp("gw-a", NOW.plus(Duration.ofDays(2))), "marked until a day past the close");
        assertEquals(0, leases.markCaughtUp("gw-a", NOW.plus(Duration.ofDays(3))), "then left alone");
        assertEquals(0, dec("9").compareTo(balance()));
    }

    private List<String> requestIds() {
        return usage.rows(UsageQuery.all(), 100).stream()
                .map(UsageRow::requestId).sorted().toList();
    }

    private UsageRow row(String requestId, Instant at, String cost, Long lease) {
        return new UsageRow(requestId, at, alice, null, "m", "c", "openai", "m", false, 10, 5, false,
                dec(cost), 1, null, 200, null, null, lease);
    }

    private BigDecimal balance() {
        return users.find(alice).orElseThrow().quotaBalance();
    }

    private BigDecimal quotaLeft() {
        return users.find(alice).orElseThrow().quotaLeft();
    }

    private static BigDecimal dec(String v) {
        return new BigDecimal(v);
    }
}
