package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.repo.UserRepository;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database keeps its data across restarts, and survives a gateway that was killed. */
class RestartPersistenceTest {

    @Test
    void dataSurvivesARestartOnTheSameDirectory(@TempDir Path dir) throws Exception {
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            new UserRepository(db.dsl()).create("alice", "a@example.com", "admin", true);
        }
        // A pid file whose process is gone must not block the start either.
        Files.writeString(dir.resolve("pg/postmaster.pid"), "999999999\n");
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            assertEquals("a@example.com", new UserRepository(db.dsl()).find("alice").orElseThrow().email());
            assertTrue(db.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:"));
        }
    }

    @Test
    void startsAfterTheGatewayThatOwnedTheDirectoryWasKilled(@TempDir Path dir) throws Exception {
        Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledGateway.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.equals(KilledGateway.READY)) {
                // skip the child's log lines
            }
            gateway.destroyForcibly(); // SIGKILL: no shutdown hook, its postgres keeps running
            assertTrue(gateway.waitFor(10, TimeUnit.SECONDS));
        }
        assertTrue(Files.exists(dir.resolve("pg/postmaster.pid")), "the killed gateway left its server behind");
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            assertEquals(List.of("bob"), new UserRepository(db.dsl()).list().stream().map(u -> u.name()).toList());
        }
    }

    @Test
    void closeStopsTheServerEvenWhenItsFolderWasDeletedUnderIt(@TempDir Path dir) throws Exception {
        Database db = Database.start(DbSettings.embedded(dir));
        long pid = Long.parseLong(Files.readAllLines(dir.resolve("pg/postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        try (var files = Files.walk(dir)) { // pg_ctl can no longer find the server
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }

        db.close();

        boolean outlived = postmaster.isAlive();
        postmaster.destroyForcibly(); // a failed run leaves no server behind
        assertFalse(outlived, "the postmaster outlived the close");
    }

    /**
     * A JVM that exits (System.exit, an unhandled SIGHUP) runs its shutdown hooks while its threads carry on. zonky's own
     * hook stopped the server then, the database's watchdog found it dead within half a second and started another,
     * and zonky, which registers a shutdown hook after it starts a postmaster, threw (no hook can be added during
     * shutdown) and forgot that server: it outlived the JVM. The control ITs' shared gateway, closed by a hook of its
     * own, left such servers on the CI machine.
     */
    @Test
    void aJvmThatExitsWithTheServerOpenLeavesNoServerBehind(@TempDir Path dir) throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ExitingGateway.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile())
                .start();
        assertTrue(jvm.waitFor(90, TimeUnit.SECONDS), "the JVM exited");
        assertEquals(0, jvm.exitValue());
        Path pidFile = dir.resolve("pg/postmaster.pid");
        Optional<ProcessHandle> left = Files.exists(pidFile)
                ? ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).strip()))
                        .filter(ProcessHandle::isAlive)
                : Optional.empty();
        left.ifPresent(ProcessHandle::destroyForcibly); // a failed run leaves no server behind
        assertTrue(left.isEmpty(), "a postmaster outlived the JVM: " + left);
    }

    /**
     * A process for the test above: starts the database and exits without closing it, its exit held for a while by a
     * shutdown hook (as a gateway closing itself in one is), while the watchdog runs.
     */
    public static final class ExitingGateway {
        public static void main(String[] args) throws Exception {
            Database.start(DbSettings.embedded(Path.of(args[0])));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(4_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.exit(0);
        }
    }

    /**
     * A gateway process for {@code startsAfterTheGatewayThatOwnedTheDirectoryWasKilled}: starts, writes a user, says
     * READY and waits to be killed.
     */
    public static final class KilledGateway {
        static final String READY = "READY";

        public static void main(String[] args) throws Exception {
            Database db = Database.start(DbSettings.embedded(Path.of(args[0])));
            new UserRepository(db.dsl()).create("bob", null, "user", true);
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
