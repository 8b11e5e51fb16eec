package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Instances started at the same moment on an empty database (a compose file, a Kubernetes Deployment) migrate it
 * one after the other: none fails on a table the other has just created ("relation databasechangelog already
 * exists", seen in DeployTopologyIT).
 */
@Timeout(120)
class ConcurrentMigrationTest {
    private static final int INSTANCES = 3;

    @Test
    void instancesStartedTogetherOnAnEmptySchemaAllMigrateIt() throws Exception {
        Database shared = TestDb.shared();
        for (int round = 0; round < 4; round++) {
            String schema = "concurrent_start_" + round + "_" + System.nanoTime();
            CyclicBarrier together = new CyclicBarrier(INSTANCES);
            ExecutorService starts = Executors.newFixedThreadPool(INSTANCES);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int i = 0; i < INSTANCES; i++) {
                    results.add(starts.submit(() -> {
                        together.await();
                        Migrator.migrate(() -> DriverManager.getConnection(shared.jdbcUrl(), shared.user(),
                                shared.password()), schema);
                        return null;
                    }));
                }
                for (Future<?> result : results) {
                    result.get(); // rethrows a failed migration
                }
            } finally {
                starts.shutdownNow();
            }
            try (Connection c = DriverManager.getConnection(shared.jdbcUrl(), shared.user(), shared.password());
                 var q = c.createStatement().executeQuery(
                         "select count(*), count(distinct (id, author, filename)) from " + schema
                                 + ".databasechangelog")) {
                q.next();
                assertTrue(q.getInt(1) > 0, "the schema was migrated");
                assertEquals(q.getInt(2), q.getInt(1), "each changeset ran once");
            }
        }
    }

    @Test
    void aMigrationLockThatAKilledStartLeftTakenDoesNotStopTheNextStart() throws Exception {
        Database shared = TestDb.shared();
        String schema = "killed_start_" + System.nanoTime();
        Migrator.ConnectionOpener open = () -> DriverManager.getConnection(shared.jdbcUrl(), shared.user(),
                shared.password());
        try (Connection c = open.open(); var s = c.createStatement()) { // what a start killed mid-migration leaves
            s.execute("create schema " + schema);
            s.execute("create table " + schema + ".databasechangeloglock (id integer primary key, locked boolean "
                    + "not null, lockgranted timestamp, lockedby varchar(255))");
            s.execute("insert into " + schema + ".databasechangeloglock values (1, true, now(), 'a killed start')");
        }
        // Liquibase waited five minutes for its lock ("Waiting for changelog lock....") and then failed
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Migrator.migrate(open, schema));
        try (Connection c = open.open(); var q = c.createStatement().executeQuery("select (select locked from "
                + schema + ".databasechangeloglock), to_regclass('" + schema + ".usage_log') is not null")) {
            assertTrue(q.next());
            assertEquals(false, q.getBoolean(1), "released after the migration");
            assertTrue(q.getBoolean(2), "the schema was migrated");
        }
    }
}
