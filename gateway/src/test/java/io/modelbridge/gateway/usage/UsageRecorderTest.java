package io.modelbridge.gateway.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The usage writer on a real embedded PostgreSQL: rows arriving close together share one write (one commit); with the
 * database and the spill file's disk both refusing, charged rows wait in memory and stop reservations.
 */
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

    @Test
    void withTheDatabaseDownAndTheDiskFullChargedRowsWaitInMemoryAndStopReservationsUntilTheyAreWritten()
            throws Exception {
        AtomicBoolean databaseDown = new AtomicBoolean(true);
        Path fullDisk = Files.writeString(dir.resolve("full-disk"), "a file where the spill folder should be");
        String prefix = "full-disk-";
        try (UsageRecorder recorder = new UsageRecorder(new UsageRepository(switchable(databaseDown)),
                new QuotaLeaseRepository(switchable(databaseDown)), 100, fullDisk.resolve("spill/usage.jsonl"))) {
            awaitTrue(() -> recorder.caughtUpThrough() != null, () -> "an idle writer is caught up");
            Instant beforeTheRows = Instant.now();
            for (int i = 0; i < 100; i++) {
                recorder.record(row(prefix + i, 4242L)); // charged to a lease: its reservation was admitted
            }
            for (int i = 0; i < 50; i++) {
                recorder.record(row(prefix + "free-" + i, null)); // no charge: may be dropped past the capacity
            }
            // held, not just counted in the backlog: the writer may not have taken a row yet when all 150 are queued
            awaitTrue(() -> recorder.held() == 100 && recorder.backlog() == 100 && recorder.dropped() == 50,
                    () -> "every charged row is held, the 50 without a charge are dropped: held " + recorder.held()
                            + ", backlog " + recorder.backlog() + ", dropped " + recorder.dropped());
            assertFalse(recorder.hasRoom(), "no reservation while 100 charged rows wait");
            assertEquals(0, recorder.spilled());

            Files.delete(fullDisk); // room on the disk again: the rows go to the spill file
            // the rows count twice for the moment between the append and the held count's reset (the safe side)
            awaitTrue(() -> recorder.spilled() == 100 && recorder.held() == 0,
                    () -> "held rows spilled: " + recorder.spilled() + ", still held: " + recorder.held());
            assertEquals(100, recorder.backlog());

            assertTrue(recorder.caughtUpThrough().isBefore(beforeTheRows),
                    "not caught up while rows wait: the retention must not delete a row that may be written again");

            databaseDown.set(false);
            awaitTrue(() -> recorder.backlog() == 0, () -> "backlog written: " + recorder.backlog());
            assertTrue(recorder.hasRoom());
            Instant written = Instant.now();
            awaitTrue(() -> recorder.caughtUpThrough().isAfter(written), () -> "caught up once written: "
                    + recorder.caughtUpThrough());
        }
        int written = db.dsl().fetchOne("select count(*) from usage_log where request_id like ?", prefix + "%")
                .get(0, Integer.class);
        assertEquals(100, written, "every charged row is in the usage log");
    }

    @Test
    void rowsAKilledRunLeftInItsJournalAreWrittenOnceByTheNextStartWhichThenDeletesThem() throws Exception {
        Path spillFile = dir.resolve("killed/usage.jsonl");
        Path journalFolder = UsageRecorder.journalBeside(spillFile);
        assertEquals(dir.resolve("killed/usage-journal"), journalFolder);
        String prefix = "killed-";
        UsageJournal killed = new UsageJournal(journalFolder); // never closed: the process was killed
        List<UsageRow> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(row(prefix + i));
            killed.append(rows.getLast());
        }
        new UsageRepository(db.dsl()).insert(rows.subList(0, 4)); // written just before the kill

        try (UsageRecorder next = new UsageRecorder(new UsageRepository(db.dsl()),
                new QuotaLeaseRepository(db.dsl()), 1_000, spillFile)) {
            awaitTrue(() -> next.backlog() == 0, () -> "the journal's rows written: " + next.backlog());
        }
        int written = db.dsl().fetchOne("select count(*) from usage_log where request_id like ?", prefix + "%")
                .get(0, Integer.class);
        assertEquals(10, written, "each of the journal's rows once");
        try (Stream<Path> left = Files.list(journalFolder)) {
            assertEquals(List.of(), left.toList(), "the journal is empty after a clean stop");
        }
    }

    /** The test database, or none while {@code down}: a connection refused as when PostgreSQL is unreachable. */
    private static DSLContext switchable(AtomicBoolean down) {
        DataSource real = db.dataSource();
        DataSource dataSource = (DataSource) Proxy.newProxyInstance(UsageRecorderTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && down.get()) {
                        throw new SQLException("connection refused (the test's database is down)", "08001");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return DSL.using(db.dsl().configuration().derive(dataSource));
    }

    private static void awaitTrue(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, () -> "timed out: " + what.get());
            Thread.sleep(50);
        }
    }

    private static UsageRow row(String id) {
        return row(id, null);
    }

    private static UsageRow row(String id, Long leaseId) {
        return new UsageRow(id, Instant.now(), 1L, 1L, "m", "c", "openai", "m", false, 1, 1, false, BigDecimal.ONE, 1,
                null, 200, null, null, leaseId);
    }
}
