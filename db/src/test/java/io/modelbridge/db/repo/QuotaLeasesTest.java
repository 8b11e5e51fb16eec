package io.modelbridge.db.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.TestDb;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QuotaLeasesTest {
    private final DSLContext dsl = TestDb.shared().dsl();
    private final QuotaRepository quota = new QuotaRepository(dsl);
    private final QuotaLeaseRepository leases = new QuotaLeaseRepository(dsl);
    private final UsageRepository usage = new UsageRepository(dsl);
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

    /** Rows of the versions before one row per request, as their ledger spill file replays them. */
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

    @Test
    void aCloseChargesExactlyTheCostOfTheUsageRowsChargedToTheLeaseOnce() {
        QuotaLease a = leases.open(alice, "gw-a", dec("3"), dec("3")).orElseThrow();
        usage.insert(List.of(row("r1", "0.5", a.id()), row("r2", "0.25", a.id()), row("free", "0", null)));
        assertEquals(0, dec("10").compareTo(balance()), "nothing is charged while the lease is open");
        assertEquals(0, dec("3").compareTo(leases.held(alice)), "an open lease claims its grant");
        assertEquals(0, dec("0.75").compareTo(leases.close(a.id())));
        assertEquals(0, dec("9.25").compareTo(balance()));
        assertEquals(0, leases.held(alice).signum());
        assertEquals(0, leases.close(a.id()).signum(), "a retried close charges nothing more");
        List<LedgerEntry> rows = quota.recent(alice, 10);
        assertEquals(List.of("charge", "grant"), rows.stream().map(LedgerEntry::kind).toList());
        assertEquals(0, dec("-0.75").compareTo(rows.get(0).amount()));
        assertEquals(0, dec("9.25").compareTo(rows.get(0).balanceAfter()));
    }

    @Test
    void usageRowsWrittenAfterTheLeaseClosedAreChargedOnceWhenTheyArrive() {
        QuotaLease a = leases.open(alice, "gw-a", dec("4"), dec("4")).orElseThrow();
        usage.insert(List.of(row("in-time", "1", a.id())));
        assertEquals(List.of(a.id()), leases.openLeases("gw-a"));
        assertEquals(0, dec("1").compareTo(leases.recover(a.id()).orElseThrow()), "charges the rows it finds");
        assertTrue(leases.recover(a.id()).isEmpty(), "recovering twice changes nothing");
        assertEquals(List.of(), leases.openLeases("gw-a"));

        usage.insert(List.of(row("late", "0.5", a.id()), row("late-2", "0.25", a.id())));
        usage.insert(List.of(row("late", "0.5", a.id()), row("late-2", "0.25", a.id()))); // a spill file replayed
        assertEquals(0, dec("8.25").compareTo(balance()), "the late rows are charged, once");
        assertEquals(0, leases.close(a.id()).signum(), "and a close re-run finds nothing due");
        assertLedgerExplainsBalance();
    }

    /**
     * A usage batch share-locks its leases: a close that starts while the batch is in flight waits for it and
     * charges its rows.
     */
    @Test
    void aCloseWaitsForAUsageBatchInFlightAndChargesItsRows() throws Exception {
        QuotaLease a = leases.open(alice, "gw-a", dec("4"), dec("4")).orElseThrow();
        try (Connection batch = TestDb.shared().dataSource().getConnection(); Statement s = batch.createStatement()) {
            batch.setAutoCommit(false);
            s.executeQuery("select id from quota_leases where id = " + a.id() + " for share").close(); // as insert
            s.executeUpdate("insert into usage_log (request_id, created_at, user_id, cost, status, lease_id) values "
                    + "('in-flight', now(), " + alice + ", 1.5, 200, " + a.id() + ")");
            CompletableFuture<BigDecimal> close = CompletableFuture.supplyAsync(() -> leases.close(a.id()));
            Thread.sleep(500);
            assertFalse(close.isDone(), "the close waits for the batch");
            batch.commit();
            assertEquals(0, dec("1.5").compareTo(close.get(10, TimeUnit.SECONDS)));
        }
        assertEquals(0, dec("8.5").compareTo(balance()));
    }

    /**
     * A close in flight when a usage batch for its lease starts: the batch waits, sees the lease closed, and charges
     * its rows itself; nothing is lost between the two.
     */
    @Test
    void aUsageBatchThatWaitedForACloseChargesItsRowsItself() throws Exception {
        QuotaLease a = leases.open(alice, "gw-a", dec("4"), dec("4")).orElseThrow();
        try (Connection close = TestDb.shared().dataSource().getConnection(); Statement s = close.createStatement()) {
            close.setAutoCommit(false);
            s.executeQuery("select id from quota_leases where id = " + a.id() + " for update").close(); // as close
            s.executeUpdate("update quota_leases set closed_at = now() where id = " + a.id()); // nothing was due
            CompletableFuture<Void> batch = CompletableFuture.runAsync(
                    () -> usage.insert(List.of(row("racing", "2", a.id()))));
            Thread.sleep(500);
            assertFalse(batch.isDone(), "the batch waits for the close");
            close.commit();
            batch.get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, dec("8").compareTo(balance()));
        assertLedgerExplainsBalance();
    }

    private void assertLedgerExplainsBalance() {
        BigDecimal sum = quota.recent(alice, 100).stream().map(LedgerEntry::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, sum.compareTo(balance()), "the ledger explains the balance");
    }

    private UsageRow row(String requestId, String cost, Long lease) {
        return new UsageRow(requestId, Instant.now(), alice, null, "m", "c", "openai", "m", false, 10, 5, false,
                dec(cost), 1, null, 200, null, null, lease);
    }

    private BigDecimal balance() {
        return new UserRepository(dsl).find(alice).orElseThrow().quotaBalance();
    }

    private static BigDecimal dec(String v) {
        return new BigDecimal(v);
    }
}
