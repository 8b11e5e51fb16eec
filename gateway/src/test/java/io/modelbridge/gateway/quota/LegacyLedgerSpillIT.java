package io.modelbridge.gateway.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger spill file a version before one row per request left behind (its lines written here as that version
 * wrote them) is written at the next start, in order, and removed: every posting, and the lease close between them.
 */
@Tag("it")
@Timeout(120)
class LegacyLedgerSpillIT {
    @TempDir
    Path dir;

    @Test
    void anEarlierVersionsLedgerSpillFileIsWrittenAtStartInOrderAndRemoved() throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir.resolve("data")))) {
            DSLContext dsl = db.dsl();
            long user = new UserRepository(dsl).create("legacy-payer", null, "user", true).id();
            new QuotaRepository(dsl).post(user, "grant", new BigDecimal("100"), null, "start");
            QuotaLeaseRepository leases = new QuotaLeaseRepository(dsl);
            long lease = leases.open(user, "old-version", BigDecimal.ONE, BigDecimal.ONE).orElseThrow().id();
            Path file = dir.resolve("ledger.jsonl");
            Files.write(file, List.of(settle(user, "legacy-1", "-0.50"), settle(user, "legacy-2", "-0.25"),
                    "{\"post\":null,\"closeLease\":" + lease + "}", settle(user, "legacy-3", "-0.10")));

            try (UsageRecorder usage = new UsageRecorder(new UsageRepository(dsl), leases, 100,
                    dir.resolve("usage.jsonl"))) {
                new Quotas(dsl, usage, "new-version", BigDecimal.TEN, Clock.systemUTC(), file).close();
            }

            List<String> settled = dsl.select(DSL.field("request_id", String.class)).from("quota_ledger")
                    .where(DSL.field("user_id").eq(user)).and(DSL.field("kind").eq("settle"))
                    .orderBy(DSL.field("id")).fetchInto(String.class);
            assertEquals(List.of("legacy-1", "legacy-2", "legacy-3"), settled);
            assertNotNull(dsl.select(DSL.field("closed_at")).from("quota_leases").where(DSL.field("id").eq(lease))
                    .fetchOne(0), "the lease the old version gave back is closed");
            BigDecimal balance = dsl.select(DSL.field("quota_balance", BigDecimal.class)).from("users")
                    .where(DSL.field("id").eq(user)).fetchOne(0, BigDecimal.class);
            assertEquals(0, new BigDecimal("99.15").compareTo(balance), "balance " + balance);
            assertFalse(Files.exists(file), "the spill file is removed once written");
        }
    }

    private static String settle(long user, String requestId, String amount) {
        return "{\"post\":{\"userId\":" + user + ",\"kind\":\"settle\",\"amount\":" + amount + ",\"requestId\":\""
                + requestId + "\",\"leaseId\":null,\"note\":null},\"closeLease\":null}";
    }
}
