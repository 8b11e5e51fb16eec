package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first start killed while initdb ran (kill -9 of the process group, an OOM kill, a power cut) leaves a data
 * directory with part of a cluster. Every later start failed: initdb refuses a directory that is not empty, and a
 * half-made cluster has no postgres database ('FATAL: database "postgres" does not exist' after a minute's wait).
 */
class InterruptedFirstStartTest {

    @Test
    void aClusterCutShortDuringInitdbIsMovedAsideAndMadeAgain(@TempDir Path dir) throws Exception {
        Database.start(DbSettings.embedded(dir)).close();
        Path pg = dir.resolve("pg");
        // What initdb leaves when killed in its bootstrap: template1 only, and the bootstrap backend's lock file
        deleteTree(pg.resolve("base/4"));
        deleteTree(pg.resolve("base/5"));
        Files.delete(pg.resolve("postmaster.opts"));
        Files.writeString(pg.resolve("postmaster.pid"), "-4124\n" + pg + "\n");
        assertStartsAndServes(dir);
        assertEquals(1, asideOf(dir).size(), "the unfinished cluster is kept aside: " + asideOf(dir));
    }

    @Test
    void aDirectoryInitdbLeftBeforeItsConfigurationIsMovedAsideToo(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("pg/global"));
        Files.createDirectories(dir.resolve("pg/base"));
        assertStartsAndServes(dir);
        assertEquals(1, asideOf(dir).size(), asideOf(dir).toString());
    }

    @Test
    void aClusterAnotherStartIsMakingIsLeftAlone(@TempDir Path dir) throws Exception {
        Path pg = Files.createDirectories(dir.resolve("pg/global")).getParent();
        // A stand-in for the initdb of a second gateway started on the same folder: a program of that name, on it
        Path initdb = Files.copy(Path.of("/bin/bash"), dir.resolve("initdb"));
        Process running = new ProcessBuilder(initdb.toString(), "-c", "sleep 60; :", "-D", pg.toString()).start();
        try {
            for (int i = 0; i < 100 && !running.info().command().orElse("").endsWith("initdb"); i++) {
                Thread.sleep(20); // until the launcher has become the program
            }
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> Database.start(DbSettings.embedded(dir)).close());
            assertTrue(refused.getMessage().contains("in use by another running gateway"), refused.getMessage());
            assertTrue(Files.isDirectory(pg.resolve("global")), "left where it is");
        } finally {
            running.destroyForcibly().waitFor();
        }
    }

    @Test
    void anEmptyPasswordFileACrashLeftIsWrittenAgain(@TempDir Path dir) throws Exception {
        Database.start(DbSettings.embedded(dir)).close();
        Files.write(dir.resolve("db-secrets/gateway"), new byte[0]); // created, not yet filled, when the power went
        assertStartsAndServes(dir);
        assertEquals(44, Files.readString(dir.resolve("db-secrets/gateway")).length(), "32 bytes in base64, a line");
    }

    @Test
    void aWholeClusterIsNeverMovedAside(@TempDir Path dir) throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir));
             Connection c = db.openDedicatedConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('still here')");
        }
        try (Database db = Database.start(DbSettings.embedded(dir));
             Connection c = db.openDedicatedConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT v FROM kept")) {
            assertTrue(r.next());
            assertEquals("still here", r.getString(1));
        }
        assertEquals(List.of(), asideOf(dir));
    }

    @Test
    void aStartThatFailsLeavesNoPostgresRunning(@TempDir Path dir) throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            Properties superuser = new Properties();
            superuser.setProperty("user", "postgres");
            superuser.setProperty("password", Files.readString(dir.resolve("db-secrets/superuser")).strip());
            try (Connection c = DriverManager.getConnection(db.jdbcUrl().replace("/postgres", "/template1"),
                    superuser); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE postgres WITH ALLOW_CONNECTIONS false"); // the server starts, no login works
            }
        }
        assertThrows(UncheckedIOException.class, () -> EmbeddedServer.start(dir, Duration.ofSeconds(5)).close());
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(dir.resolve("pg").toString())).toList();
        assertEquals(List.of(), left.stream().map(p -> p.info().commandLine().orElse("?")).toList());
    }

    private static void assertStartsAndServes(Path dir) throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir));
             Connection c = db.openDedicatedConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM usage_log")) {
            assertTrue(r.next());
            assertEquals(0, r.getInt(1));
        }
    }

    private static void deleteTree(Path folder) throws Exception {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static List<Path> asideOf(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("pg.unfinished-")).toList();
        }
    }
}
