package io.modelbridge.gateway.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a user's balance shows of the quota leases, on a real embedded PostgreSQL with the real usage writer: a
 * request is charged what it cost, never what it reserved; what is reserved cannot be spent twice; a balance that
 * cannot cover a request is 429 insufficient_quota, leases that could not be renewed are 503 quota_unavailable; an
 * idle lease goes back, and a crashed run's lease is charged for exactly its usage rows at the next start.
 */
@Timeout(120)
class QuotasTest {
    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
    private static final AtomicLong NEXT = new AtomicLong();
    private static Path dir;
    private static Database db;
    private static UserRepository users;
    private static QuotaRepository ledger;
    private final MovableClock clock = new MovableClock();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("mb-quotas-test");
        db = Database.start(DbSettings.embedded(dir.resolve("db")));
        users = new UserRepository(db.dsl());
        ledger = new QuotaRepository(db.dsl());
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void aRequestIsChargedWhatItCostNotWhatItReserved() {
        long user = userWith("10");
        Instance gw = instance("charge");
        Reservation r = gw.quotas().reserve(user, "req-1", new BigDecimal("4"));
        assertEquals(0, new BigDecimal("10").compareTo(balance(user)), "a reservation is in memory only");
        gw.quotas().settle(r, row("req-1", user, "1.5"));
        gw.quotas().releaseAll(); // the lease's close charges its rows
        awaitEquals(new BigDecimal("8.5"), () -> balance(user), "the balance after the lease's close");
        assertEquals(List.of(new BigDecimal("-1.5")), charges(user), "one charge: the row's cost");
    }

    @Test
    void aBalanceThatCannotCoverTheWorstCaseIs429InsufficientQuota() {
        long user = userWith("5");
        Instance gw = instance("short");
        GatewayException e = assertThrows(GatewayException.class,
                () -> gw.quotas().reserve(user, "req-1", new BigDecimal("5.000001")));
        assertError(e, 429, "insufficient_quota");
        assertEquals(null, e.headers().get("Retry-After"), "waiting does not refill a balance");
        assertEquals("false", e.headers().get("x-should-retry"));
        gw.quotas().reserve(user, "req-2", new BigDecimal("5")); // exactly the balance is fine
    }

    @Test
    void whatIsReservedCannotBeSpentTwiceAndWhatIsLeftOverComesBack() {
        long user = userWith("10");
        Instance gw = instance("concurrent");
        Reservation first = gw.quotas().reserve(user, "req-1", new BigDecimal("6"));
        assertError(assertThrows(GatewayException.class,
                () -> gw.quotas().reserve(user, "req-2", new BigDecimal("6"))), 429, "insufficient_quota");
        gw.quotas().settle(first, row("req-1", user, "1"));
        Reservation second = gw.quotas().reserve(user, "req-3", new BigDecimal("6")); // 9 left
        gw.quotas().settle(second, row("req-3", user, "2"));
        gw.quotas().releaseAll();
        awaitEquals(new BigDecimal("7"), () -> balance(user), "charged 1 + 2");
    }

    @Test
    void twoInstancesLeasingOneUserNeverHandOutMoreThanTheBalance() {
        long user = userWith("10");
        Instance a = instance("lease-a");
        Instance b = instance("lease-b");
        a.quotas().reserve(user, "a-1", new BigDecimal("7"));
        assertError(assertThrows(GatewayException.class,
                () -> b.quotas().reserve(user, "b-1", new BigDecimal("7"))), 429, "insufficient_quota");
        b.quotas().reserve(user, "b-2", new BigDecimal("3"));
    }

    @Test
    void leasesNotRenewedForFifteenSecondsRefuse503UntilTheNextRenewal() {
        long user = userWith("10");
        Instance gw = instance("stale");
        clock.advance(Quotas.STALE_AFTER.plusSeconds(1)); // no heartbeat meanwhile (the database did not answer)
        GatewayException e = assertThrows(GatewayException.class,
                () -> gw.quotas().reserve(user, "req-1", BigDecimal.ONE));
        assertError(e, 503, "quota_unavailable");
        assertEquals("1", e.headers().get("Retry-After"));
        gw.quotas().heartbeat();
        gw.quotas().reserve(user, "req-2", BigDecimal.ONE);
    }

    @Test
    void anIdleLeaseGoesBackAfterTwoSecondsChargingItsRows() {
        long user = userWith("10");
        Instance gw = instance("idle");
        Reservation r = gw.quotas().reserve(user, "req-1", new BigDecimal("4"));
        gw.quotas().settle(r, row("req-1", user, "0.25"));
        gw.quotas().returnIdle();
        assertEquals(1, openLeases(user), "still in use");
        clock.advance(Quotas.IDLE);
        gw.quotas().returnIdle();
        awaitEquals(new BigDecimal("9.75"), () -> balance(user), "charged at the idle lease's close");
        assertEquals(0, openLeases(user));
    }

    @Test
    void aCrashedRunsLeaseIsChargedForExactlyItsRowsAtTheNextStart() {
        long user = userWith("10");
        Instance crashed = instance("crashing");
        Reservation r = crashed.quotas().reserve(user, "req-1", new BigDecimal("4"));
        crashed.quotas().settle(r, row("req-1", user, "2"));
        awaitEquals(0, crashed.usage()::backlog, "the row written, the lease still open");
        open.remove(crashed.quotas()); // the process dies: its leases are never given back
        assertEquals(1, openLeases(user));

        Instance restarted = instance("crashing");
        assertEquals(1, restarted.quotas().recoverOwn(), "the lease of the previous run");
        assertEquals(0, new BigDecimal("8").compareTo(balance(user)), "charged its one row: " + balance(user));
        assertEquals(0, openLeases(user));
    }

    /** One gateway instance's quota stage: its leases and its usage writer. */
    private record Instance(Quotas quotas, UsageRecorder usage) {}

    private Instance instance(String id) {
        String run = id + "-" + NEXT.incrementAndGet();
        UsageRecorder recorder = new UsageRecorder(new UsageRepository(db.dsl()), new QuotaLeaseRepository(db.dsl()),
                1000, dir.resolve(run + "-usage.jsonl"));
        open.add(recorder);
        Quotas quotas = new Quotas(db.dsl(), recorder, id, BigDecimal.ONE, clock, dir.resolve(run + "-ledger.jsonl"));
        open.add(quotas);
        return new Instance(quotas, recorder);
    }

    private static long userWith(String credits) {
        long id = users.create("payer-" + NEXT.incrementAndGet(), null, "user", true).id();
        ledger.post(id, "grant", new BigDecimal(credits), null, "test");
        return id;
    }

    private static BigDecimal balance(long user) {
        return users.find(user).orElseThrow().quotaBalance();
    }

    private static List<BigDecimal> charges(long user) {
        return db.dsl().select(DSL.field("amount", BigDecimal.class)).from("quota_ledger")
                .where(DSL.field("user_id").eq(user)).and(DSL.field("kind").eq("charge"))
                .fetch(0, BigDecimal.class).stream().map(BigDecimal::stripTrailingZeros).toList();
    }

    private static int openLeases(long user) {
        return db.dsl().fetchCount(DSL.table("quota_leases"), DSL.field("user_id").eq(user)
                .and(DSL.field("closed_at").isNull()));
    }

    private static UsageRow row(String requestId, long user, String cost) {
        return new UsageRow(requestId + "-" + user + "-" + NEXT.incrementAndGet(), START, user, null, "priced", "c", "openai", "gpt-4o", false, 10,
                20, false, new BigDecimal(cost), 5, null, 200, null, null, null);
    }

    private static void assertError(GatewayException e, int status, String code) {
        ApiError error = e.error();
        assertEquals(status, error.status(), error.toString());
        assertEquals(code, error.code(), error.toString());
    }

    /** Waits for what the usage writer does behind the request (bounded: a loaded machine). */
    private static <T> void awaitEquals(T expected, Supplier<T> actual, String what) {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!same(expected, actual.get())) {
            assertTrue(System.nanoTime() < end, what + ": expected " + expected + ", got " + actual.get());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static boolean same(Object expected, Object actual) {
        return expected instanceof BigDecimal e && actual instanceof BigDecimal a ? e.compareTo(a) == 0
                : expected.equals(actual);
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now = START;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
