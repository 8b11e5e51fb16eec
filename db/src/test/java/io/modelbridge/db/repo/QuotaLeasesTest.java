package io.modelbridge.db.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.TestDb;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QuotaLeasesTest {
    private final DSLContext dsl = TestDb.shared().dsl();
    private final QuotaRepository quota = new QuotaRepository(dsl);
    private final QuotaLeaseRepository leases = new QuotaLeaseRepository(dsl);
    private long alice;

    @BeforeEach
    void reset() {
        TestDb.reset(dsl);
        alice = new UserRepository(dsl).create("alice", null, "user", true).id();
        quota.post(alice, "grant", dec("10"), null, null);
    }

    @Test
    void leasesNeverClaimMoreThanTheBalanceHasLeft() {
        QuotaLease a = leases.open(alice, "gw-a", dec("2"), dec("4")).orElseThrow();
        assertEquals(0, dec("4").compareTo(a.granted()), "the preferred size when the balance allows it");
        assertTrue(leases.open(alice, "gw-b", dec("7"), dec("1")).isEmpty(), "only 6 are free");
        QuotaLease b = leases.open(alice, "gw-b", dec("5"), dec("8")).orElseThrow();
        assertEquals(0, dec("6").compareTo(b.granted()), "capped at what is free");
        assertTrue(leases.extend(a.id(), alice, dec("0.000001"), dec("1")).isEmpty(), "nothing left");
        assertEquals(0, dec("10").compareTo(leases.held(alice)));
    }

    @Test
    void postedRowsMoveTheBalanceAndShrinkTheLeaseClaimEqually() {
        QuotaLease a = leases.open(alice, "gw-a", dec("3"), dec("3")).orElseThrow();
        quota.postAll(List.of(
                new LedgerPosting(alice, "reserve", dec("-3"), "r1", a.id(), null),
                new LedgerPosting(alice, "settle", dec("2.5"), "r1", a.id(), null)));
        assertEquals(0, dec("9.5").compareTo(balance()));
        assertEquals(0, dec("2.5").compareTo(leases.held(alice)), "3 granted, 0.5 spent");
        List<LedgerEntry> rows = quota.recent(alice, 10);
        assertEquals(List.of("settle", "reserve", "grant"), rows.stream().map(LedgerEntry::kind).toList());
        assertEquals(0, dec("9.5").compareTo(rows.get(0).balanceAfter()));
        leases.close(a.id());
        assertEquals(0, leases.held(alice).signum());
    }

    /**
     * A ledger batch locks its users, then updates their leases; a recovery of one of those leases at the same time
     * (an instance's start recovers its old leases while its writer replays the spill file) must wait for the
     * batch, not deadlock with it.
     */
    @Test
    void recoveryWaitsForALedgerBatchOfTheSameUserInsteadOfDeadlocking() throws Exception {
        QuotaLease a = leases.open(alice, "gw-a", dec("4"), dec("4")).orElseThrow();
        quota.postAll(List.of(new LedgerPosting(alice, "reserve", dec("-1"), "open", a.id(), null)));
        try (java.sql.Connection batch = TestDb.shared().dataSource().getConnection();
             java.sql.Statement s = batch.createStatement()) {
            batch.setAutoCommit(false);
            s.executeQuery("select id from users where id = " + alice + " for update").close(); // as postAll does
            java.util.concurrent.CompletableFuture<List<LedgerEntry>> recovery =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> leases.recover(a.id()));
            Thread.sleep(500); // the recovery now waits for a lock
            s.executeUpdate("update quota_leases set posted = posted where id = " + a.id()); // as postAll does
            Thread.sleep(1500); // past PostgreSQL's deadlock_timeout (1 s): a cycle would be broken by now
            batch.commit();
            assertEquals(1, recovery.get(10, java.util.concurrent.TimeUnit.SECONDS).size(), "one refund");
        }
    }

    @Test
    void recoveryRefundsOpenReservationsClosesTheLeaseAndChargesLateSettlesInFull() {
        QuotaLease a = leases.open(alice, "gw-a", dec("4"), dec("4")).orElseThrow();
        quota.postAll(List.of(
                new LedgerPosting(alice, "reserve", dec("-1"), "done", a.id(), null),
                new LedgerPosting(alice, "settle", dec("0.4"), "done", a.id(), null),
                new LedgerPosting(alice, "reserve", dec("-2"), "open", a.id(), null)));
        assertEquals(List.of(), leases.expiredLeases(Duration.ofMinutes(1)), "renewed just now");
        assertEquals(List.of(a.id()), leases.openLeases("gw-a"));
        List<LedgerEntry> refunds = leases.recover(a.id());
        assertEquals(1, refunds.size());
        assertEquals("open", refunds.get(0).requestId());
        assertEquals(0, dec("2").compareTo(refunds.get(0).amount()));
        assertEquals(0, dec("9.4").compareTo(balance()), "only the settled request cost anything");
        assertEquals(List.of(), leases.openLeases("gw-a"));
        assertEquals(List.of(), leases.recover(a.id()), "recovering twice changes nothing");

        quota.postAll(List.of(new LedgerPosting(alice, "settle", dec("1.5"), "open", a.id(), null)));
        assertEquals(0, dec("8.9").compareTo(balance()), "the late settle charges the 0.5 the request cost");
        BigDecimal sum = quota.recent(alice, 100).stream().map(LedgerEntry::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, sum.compareTo(balance()), "the ledger explains the balance");
    }

    private BigDecimal balance() {
        return new UserRepository(dsl).find(alice).orElseThrow().quotaBalance();
    }

    private static BigDecimal dec(String v) {
        return new BigDecimal(v);
    }
}
