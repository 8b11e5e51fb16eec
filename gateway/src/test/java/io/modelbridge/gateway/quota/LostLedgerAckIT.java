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
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.it.PgProxy;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The usage writer talks to a real PostgreSQL through {@link PgProxy}, which lets the COMMIT of ledger transactions
 * (a lease's close, which charges its usage rows) through but cuts the connection before the acknowledgement
 * reaches the writer. The writer closes the lease again; every request must still be charged exactly once: one
 * charge row per lease, and the balance down by exactly the usage cost (0.18 a request, against a 0.42
 * reservation). Usage batches get the
 * same treatment (their answer dropped after the server committed them): one row per request.
 */
@Tag("it")
@Timeout(120)
class LostLedgerAckIT {
    private static final BigDecimal RESERVED = new BigDecimal("0.42");
    private static final BigDecimal COST = new BigDecimal("0.18");
    private static final int REQUESTS = 12;
    private static final int LOST_ACKS = 4;
    @TempDir
    static Path dir;
    static Database db;
    static PgProxy proxy;
    static Database viaProxy;

    @BeforeAll
    static void start() {
        db = Database.start(DbSettings.embedded(dir.resolve("data")));
        proxy = PgProxy.toServerOf(db.jdbcUrl());
        viaProxy = Database.start(new DbSettings(proxy.jdbcUrl(db.jdbcUrl()), db.user(), db.password(), null, 4, null));
    }

    @AfterAll
    static void stop() {
        viaProxy.close();
        proxy.close();
        db.close();
    }

    /**
     * {@code 0}: the server commits and its answer is dropped. {@code 1500}: the COMMIT is held in the network past
     * the cut and lands while the writer's retry already runs on a new connection.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1500})
    void aLostCommitAcknowledgementNeverChargesTwice(int commitDelayMillis) throws InterruptedException {
        DSLContext dsl = db.dsl();
        String prefix = "lost-ack-" + commitDelayMillis + "-";
        long user = payer(prefix);
        UsageRecorder usage = usageViaProxy(prefix);
        Quotas quotas = quotasViaProxy(prefix, usage);
        int before = proxy.lostAcks();
        proxy.loseCommitAcks(LOST_ACKS, Duration.ofMillis(commitDelayMillis));
        int sent = 0; // until every planned loss happened
        while (sent < REQUESTS || (proxy.lostAcks() - before < LOST_ACKS && sent < 5 * REQUESTS)) {
            quotas.heartbeat(); // renews the leases (not a ledger transaction: the proxy lets it through)
            Reservation r = quotas.reserve(user, prefix + sent, RESERVED);
            quotas.settle(r, row(prefix + sent, user));
            quotas.releaseAll(); // each request's lease closes behind its row: one charge (one commit) per request
            sent++;
            Thread.sleep(250);
        }
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((usage.backlog() > 0 || proxy.lostAcks() - before < LOST_ACKS) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        quotas.close();
        usage.close();

        assertEquals(LOST_ACKS, proxy.lostAcks() - before, "acknowledgements the proxy dropped");
        List<String> doubled = dsl.select(DSL.field("lease_id || ' x' || count(*)", String.class))
                .from("quota_ledger").where(DSL.field("user_id").eq(user)).and(DSL.field("kind").eq("charge"))
                .groupBy(DSL.field("lease_id")).having(DSL.count().gt(1))
                .fetchInto(String.class);
        System.out.printf("LostLedgerAckIT (commit delay %d ms): %d requests, %d acknowledgements lost, "
                + "%d double charges%n", commitDelayMillis, sent, proxy.lostAcks() - before, doubled.size());
        assertEquals(List.of(), doubled, "leases charged twice");
        int rows = dsl.fetchCount(DSL.table("usage_log"), DSL.field("request_id").like(prefix + "%"));
        assertEquals(sent, rows, "one usage row per request");
        BigDecimal charged = dsl.select(DSL.sum(DSL.field("amount", BigDecimal.class))).from("quota_ledger")
                .where(DSL.field("user_id").eq(user)).and(DSL.field("kind").eq("charge")).fetchOne(0, BigDecimal.class);
        assertEquals(0, COST.multiply(BigDecimal.valueOf(sent)).negate().compareTo(charged),
                "charged " + charged);
        BigDecimal balance = dsl.select(DSL.field("quota_balance", BigDecimal.class)).from("users")
                .where(DSL.field("id").eq(user)).fetchOne(0, BigDecimal.class);
        assertEquals(0, new BigDecimal("100").add(charged).compareTo(balance), "balance " + balance);
    }

    /** A user named {@code prefix}payer with a balance of 100. */
    private static long payer(String prefix) {
        long user = new UserRepository(db.dsl()).create(prefix + "payer", null, "user", true).id();
        new QuotaRepository(db.dsl()).post(user, "grant", new BigDecimal("100"), null, "start");
        return user;
    }

    /** The usage writer of instance {@code prefix}instance, which reaches the database through the proxy. */
    private static UsageRecorder usageViaProxy(String prefix) {
        return new UsageRecorder(new UsageRepository(viaProxy.dsl()), new QuotaLeaseRepository(viaProxy.dsl()), 1000,
                dir.resolve(prefix + "usage.jsonl"));
    }

    /** The quotas of instance {@code prefix}instance, through the proxy, with leases of 10 credits. */
    private static Quotas quotasViaProxy(String prefix, UsageRecorder usage) {
        return new Quotas(viaProxy.dsl(), usage, prefix + "instance", BigDecimal.TEN, Clock.systemUTC(),
                dir.resolve(prefix + "ledger.jsonl"));
    }

    private static UsageRow row(String requestId, long user) {
        return new UsageRow(requestId, Instant.now(), user, 1L, "m", "c", "openai", "gpt-4o", false, 10, 20, false,
                COST, 5, null, 200, null, null, null);
    }

    /**
     * A lease open whose COMMIT reached the server but whose acknowledgement was lost: the request gets 503, and the
     * lease is open in the database under this live instance, which does not know it. Its heartbeat renews every
     * open lease of the instance, so no other instance recovers it: before, it held the user's credits until a
     * restart. The recovery closes it now, and the credits are free again within seconds.
     */
    @Test
    void aLeaseOpenWhoseCommitWasNotAcknowledgedGivesTheCreditsBack() throws InterruptedException {
        DSLContext dsl = db.dsl();
        String prefix = "unacked-open-" + System.nanoTime() + "-"; // a rerun in this JVM meets this run's rows
        long user = payer(prefix);
        UsageRecorder usage = usageViaProxy(prefix);
        Quotas quotas = quotasViaProxy(prefix, usage);
        QuotaLeaseRepository leases = new QuotaLeaseRepository(dsl);
        try {
            int before = proxy.lostAcks();
            proxy.loseLeaseGrantAcks(1);
            GatewayException refused = assertThrows(GatewayException.class,
                    () -> quotas.reserve(user, prefix + "1", RESERVED));
            assertEquals(503, refused.error().status(), refused.getMessage());
            assertEquals(1, proxy.lostAcks() - before, "the open's acknowledgement was lost");
            assertEquals(0, BigDecimal.TEN.compareTo(leases.held(user)), "the lease is open in the database");

            long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (leases.held(user).signum() > 0 && System.nanoTime() < end) {
                quotas.heartbeat(); // as the gateway runs them
                quotas.recoverExpired();
                Thread.sleep(250);
            }
            assertEquals(0, leases.held(user).signum(), "credits still held 15 s after the lost acknowledgement");
            Reservation r = quotas.reserve(user, prefix + "2", RESERVED);
            quotas.settle(r, row(prefix + "2", user));
        } finally {
            quotas.close();
            usage.close();
        }
        BigDecimal balance = dsl.select(DSL.field("quota_balance", BigDecimal.class)).from("users")
                .where(DSL.field("id").eq(user)).fetchOne(0, BigDecimal.class);
        assertEquals(0, new BigDecimal("100").subtract(COST).compareTo(balance), "charged once: " + balance);
    }

    /**
     * A lease extension whose COMMIT reached the server but whose acknowledgement was lost: the request gets 503, and
     * the lease holds more of the user's credits than its instance knows of. Before, the extra credits stayed held for
     * as long as the user's requests kept the lease in use. Now the lease goes back at once (its close releases all it
     * holds) and the next request opens a new one.
     */
    @Test
    void aLeaseExtensionWhoseCommitWasNotAcknowledgedGivesTheCreditsBack() throws InterruptedException {
        String prefix = "unacked-extension-" + System.nanoTime() + "-"; // a rerun in this JVM meets this run's rows
        long user = payer(prefix);
        UsageRecorder usage = usageViaProxy(prefix);
        Quotas quotas = quotasViaProxy(prefix, usage);
        QuotaLeaseRepository leases = new QuotaLeaseRepository(db.dsl());
        int sent = 0;
        try {
            Reservation first = quotas.reserve(user, prefix + sent++, RESERVED); // opens a lease of 10
            int before = proxy.lostAcks();
            proxy.loseLeaseGrantAcks(1);
            GatewayException refused = assertThrows(GatewayException.class,
                    () -> quotas.reserve(user, prefix + "big", new BigDecimal("15"))); // needs the lease extended
            assertEquals(503, refused.error().status(), refused.getMessage());
            assertEquals(1, proxy.lostAcks() - before, "the extension's acknowledgement was lost");
            assertEquals(0, new BigDecimal("20").compareTo(leases.held(user)), "the lease holds 20 in the database");
            quotas.settle(first, row(prefix + 0, user));

            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (leases.held(user).compareTo(BigDecimal.TEN) > 0 && System.nanoTime() < end) {
                quotas.heartbeat(); // as the gateway runs them, with the user's requests keeping a lease in use
                quotas.returnIdle();
                Reservation r = quotas.reserve(user, prefix + sent, RESERVED);
                quotas.settle(r, row(prefix + sent++, user));
                Thread.sleep(100);
            }
            assertTrue(leases.held(user).compareTo(BigDecimal.TEN) <= 0,
                    "more than a lease's 10 credits still held 5 s after the lost acknowledgement");
        } finally {
            quotas.close();
            usage.close();
        }
        BigDecimal balance = db.dsl().select(DSL.field("quota_balance", BigDecimal.class)).from("users")
                .where(DSL.field("id").eq(user)).fetchOne(0, BigDecimal.class);
        assertEquals(0, new BigDecimal("100").subtract(COST.multiply(BigDecimal.valueOf(sent))).compareTo(balance),
                sent + " requests charged once: " + balance);
    }

    /** A usage batch the server committed but whose answer was lost is written again: once, not twice. */
    @Test
    void aLostUsageAnswerNeverWritesARowTwice() throws InterruptedException {
        int before = proxy.lostAcks();
        UsageRecorder usage = new UsageRecorder(new UsageRepository(viaProxy.dsl()),
                new QuotaLeaseRepository(viaProxy.dsl()), 1000, dir.resolve("usage.jsonl"));
        proxy.loseUsageAnswers(3);
        for (int i = 0; i < REQUESTS; i++) {
            usage.record(new UsageRow("usage-ack-" + i, Instant.now(), 1L, 1L, "m", "c", "openai", "gpt-4o",
                    false, 10, 20, false, COST, 5, null, 200, null, null, null));
            Thread.sleep(300); // one batch per row
        }
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while ((usage.backlog() > 0 || proxy.lostAcks() - before < 3) && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        usage.close();
        assertEquals(3, proxy.lostAcks() - before, "usage answers the proxy dropped");
        int rows = db.dsl().fetchCount(DSL.table("usage_log"), DSL.field("request_id").like("usage-ack-%"));
        System.out.printf("LostLedgerAckIT (usage): %d answers lost, %d rows for %d requests%n",
                proxy.lostAcks() - before, rows, REQUESTS);
        assertEquals(REQUESTS, rows, "one usage row per request");
        assertEquals(0, usage.dropped());
    }
}
