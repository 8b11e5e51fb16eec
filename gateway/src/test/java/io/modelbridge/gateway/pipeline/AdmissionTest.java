package io.modelbridge.gateway.pipeline;

import static io.modelbridge.db.jooq.Tables.USAGE_LOG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.bucket4j.TimeMeter;
import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.jooq.tables.records.UsageLogRecord;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.ModelPrice;
import io.modelbridge.db.repo.PriceRepository;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.RateLimiter;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.quota.PriceBook;
import io.modelbridge.gateway.quota.Quotas;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Admission over its real parts (local rate limits, the price book and quota leases on an embedded PostgreSQL):
 * what it refuses and when it counts tokens, and that a ticket settles once, billing what was delivered.
 */
@Timeout(120)
class AdmissionTest {
    private static final String MODEL = "priced-model";
    @TempDir
    static Path dir;
    static Database db;
    private final List<RateLimit> limits = new CopyOnWriteArrayList<>();
    private final AtomicInteger prompts = new AtomicInteger();
    private UsageRecorder usage;
    private Quotas quotas;
    private RateLimiter limiter;
    private GatewayMetrics metrics;
    private Admission admission;
    private Caller caller;

    @BeforeAll
    static void start() {
        db = Database.start(DbSettings.embedded(dir.resolve("data")));
        // 1 credit per 1k prompt tokens, 2 per 1k completion tokens
        new PriceRepository(db.dsl()).put(new ModelPrice(MODEL, BigDecimal.ONE, new BigDecimal("2")));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void admission(org.junit.jupiter.api.TestInfo test) {
        DSLContext dsl = db.dsl();
        String name = test.getTestMethod().orElseThrow().getName();
        long user = new UserRepository(dsl).create(name, null, "user", true).id();
        new QuotaRepository(dsl).post(user, "grant", new BigDecimal("10"), null, "start");
        caller = new Caller(new ApiKey(user, user, name, true, "mb-" + user, "test", List.of(), List.of(), null, true,
                null, null, null, Instant.now()));
        usage = new UsageRecorder(new UsageRepository(dsl), new QuotaLeaseRepository(dsl), 1000,
                dir.resolve(name + "-usage.jsonl"));
        quotas = new Quotas(dsl, usage, name, new BigDecimal("5"), Clock.systemUTC(), dir.resolve(name + "-ledger.jsonl"));
        limiter = RateLimiter.local(() -> limits, TimeMeter.SYSTEM_MILLISECONDS);
        metrics = new GatewayMetrics();
        admission = new Admission(limiter, new PriceBook(new PriceRepository(dsl)), quotas, usage, 1000, metrics);
    }

    @AfterEach
    void close() throws Exception {
        quotas.close();
        usage.close();
        limiter.close();
        metrics.close();
    }

    @Test
    void aRequestRateLimitRefusesBeforeAnyTokenIsCounted() {
        limits.add(new RateLimit("global", "", 1, null));
        limiter.reload();
        admission.admit(caller, MODEL, "req-1", this::countPrompt, Optional.of(10)).settle(row("req-1", 0, 0));

        GatewayException refused = assertThrows(GatewayException.class,
                () -> admission.admit(caller, MODEL, "req-2", this::countPrompt, Optional.of(10)));

        assertEquals(429, refused.error().status());
        assertEquals(1, prompts.get(), "the refused request's prompt was never counted");
        assertTrue(refused.headers().keySet().stream().anyMatch(h -> h.startsWith("x-ratelimit")), refused.headers().toString());
    }

    @Test
    void aReservationTheQuotaCannotCoverIsInsufficientQuota() {
        // worst case: 1000 prompt tokens at 1/1k + 9000 completion tokens at 2/1k = 19 credits, of 10
        GatewayException refused = assertThrows(GatewayException.class,
                () -> admission.admit(caller, MODEL, "req-big", () -> 1000, Optional.of(9000)));

        assertEquals(429, refused.error().status());
        assertEquals("insufficient_quota", refused.error().code());
    }

    @Test
    void aTicketBillsTheDeliveredTokensOnceAtTheModelsPriceOnItsLease() throws InterruptedException {
        Admission.Ticket ticket = admission.admit(caller, MODEL, "req-billed", () -> 1000, Optional.of(500));
        assertEquals(1000, ticket.promptTokens());

        ticket.settle(row("req-billed", 1000, 500)); // 1 + 1 credits
        ticket.settle(row("req-billed", 1000, 500)); // a second settle bills nothing more
        quotas.releaseAll();

        UsageLogRecord written = awaitRow("req-billed");
        assertEquals(0, new BigDecimal("2").compareTo(written.getCost()), written.getCost().toString());
        assertNotNull(written.getLeaseId(), "charged to the reservation's lease");
        assertEquals(1, db.dsl().fetchCount(USAGE_LOG, USAGE_LOG.REQUEST_ID.eq("req-billed")), "billed once");
    }

    @Test
    void aRequestRefusedBeforeAdmissionLeavesItsRowUnpriced() throws InterruptedException {
        admission.refused(row("req-refused", 0, 0));

        UsageLogRecord written = awaitRow("req-refused");
        assertEquals(0, BigDecimal.ZERO.compareTo(written.getCost()));
        assertEquals(null, written.getLeaseId());
    }

    private int countPrompt() {
        prompts.incrementAndGet();
        return 10;
    }

    private UsageRow row(String requestId, int prompt, int completion) {
        return new UsageRow(requestId, Instant.now(), caller.userId(), caller.keyId(), MODEL, null, null, null, false,
                prompt, completion, false, BigDecimal.ZERO, 5, null, 200, null, null, null);
    }

    private static UsageLogRecord awaitRow(String requestId) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            UsageLogRecord row = db.dsl().selectFrom(USAGE_LOG).where(USAGE_LOG.REQUEST_ID.eq(requestId)).fetchOne();
            if (row != null) {
                return row;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no usage row for " + requestId);
    }
}
