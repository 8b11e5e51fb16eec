package io.modelbridge.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The usage writer on a real embedded PostgreSQL: rows arriving close together share one write (one commit). */
@Timeout(120)
class UsageRecorderTest {
    private static Path dir;
    private static Database db;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("mb-usage-recorder-test");
        db = Database.start(DbSettings.embedded(dir.resolve("db")));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Test
    void rowsArrivingWithinTheGatherWindowAreWrittenInOneTransaction() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) { // an attempt counts when this thread was not descheduled
            String prefix = "gather-" + attempt + "-";
            long took;
            try (UsageRecorder recorder = new UsageRecorder(new UsageRepository(db.dsl()),
                    new QuotaLeaseRepository(db.dsl()), 1_000, dir.resolve("usage-" + attempt + ".jsonl"))) {
                long began = System.nanoTime();
                recorder.record(row(prefix + 0)); // the idle writer takes it at once
                Thread.sleep(10);
                for (int i = 1; i < 10; i++) {
                    recorder.record(row(prefix + i));
                }
                took = System.nanoTime() - began;
            } // close(): writes what is queued
            if (took > UsageRecorder.GATHER.toNanos() * 4 / 5) {
                continue;
            }
            // rows written in one transaction share its id (xmin): without the gather window the first row was a
            // write of its own
            int transactions = db.dsl().fetchOne("select count(distinct xmin::text) from usage_log where request_id "
                    + "like ?", prefix + "%").get(0, Integer.class);
            int written = db.dsl().fetchOne("select count(*) from usage_log where request_id like ?", prefix + "%")
                    .get(0, Integer.class);
            assertEquals(10, written);
            assertEquals(1, transactions, "transactions for 10 rows queued within " + took / 1_000_000 + " ms");
            return;
        }
        fail("this thread was descheduled for too long in every attempt");
    }

    private static UsageRow row(String id) {
        return new UsageRow(id, Instant.now(), 1L, 1L, "m", "c", "openai", "m", false, 1, 1, false, BigDecimal.ONE, 1,
                null, 200, null, null, null);
    }
}
