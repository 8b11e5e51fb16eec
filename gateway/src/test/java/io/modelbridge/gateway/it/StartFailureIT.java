package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway, run as ./modelbridge runs it, exits non-zero with one clear line when it cannot start, so
 * a supervisor restarts it, instead of staying alive serving nothing.
 */
@Tag("it")
@Timeout(240)
class StartFailureIT {
    /** Bounds the wait for an exit that does not come; the JVM alone takes seconds on a busy machine. */
    private static final long EXIT_WITHIN_SECONDS = 90;
    /** The port is checked before the database starts; the pool gives up on a connection after 2 s. */
    private static final double FAILS_WITHIN_SECONDS = 20;
    @TempDir
    Path dataDir;

    @Test
    void aTakenApiPortEndsTheProcessWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Exit exit = run("port", Map.of("MB_PORT", String.valueOf(taken.getLocalPort())));
            assertNotEquals(0, exit.code(), exit.log());
            assertOneClearLine(exit, "The OpenAI API listener could not bind 127.0.0.1:" + taken.getLocalPort()
                    + ": Address already in use");
        }
    }

    @Test
    void aTakenAdminPortEndsTheProcessWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Exit exit = run("admin-port", Map.of("MB_ADMIN_PORT", String.valueOf(taken.getLocalPort())));
            assertNotEquals(0, exit.code(), exit.log());
            assertOneClearLine(exit, "The admin API listener could not bind 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void anUnreachableDatabaseEndsTheProcessWithOneLine() throws Exception {
        int nobody = FreePorts.belowEphemeralRange();
        Exit exit = run("db", Map.of("MB_DB_URL", "postgresql://gw:hunter2@127.0.0.1:" + nobody + "/mb"));
        assertNotEquals(0, exit.code(), exit.log());
        assertOneClearLine(exit, "the database migration failed: Connection to 127.0.0.1:" + nobody + " refused");
        assertFalse(exit.log().contains("hunter2"), exit.log());
    }

    private static void assertOneClearLine(Exit exit, String reason) {
        List<String> lines = exit.log().lines().toList();
        List<String> failures = lines.stream().filter(l -> l.contains("ModelBridge could not start: ")).toList();
        assertEquals(1, failures.size(), exit.log());
        assertTrue(failures.getFirst().contains(reason), exit.log());
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Exception in thread")
                || l.startsWith("Caused by")), "no stack trace:\n" + exit.log());
        assertTrue(exit.seconds() < FAILS_WITHIN_SECONDS, exit.seconds() + " s");
        System.out.printf("StartFailureIT: exit %d after %.1f s: %s%n", exit.code(), exit.seconds(), failures.getFirst());
    }

    private record Exit(int code, double seconds, String log) {}

    /** Runs the jar until it exits on its own (or fails the test after {@link #EXIT_WITHIN_SECONDS}). */
    private Exit run(String name, Map<String, String> env) throws IOException, InterruptedException {
        RunningGateway.copyBundledPlugins(dataDir.resolve("plugins"));
        Path log = Files.createDirectories(Path.of("target", "test-logs")).resolve("StartFailureIT-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "modelbridge-gateway.jar").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> vars = new HashMap<>(Map.of("MB_PORT", String.valueOf(FreePorts.belowEphemeralRange()),
                "MB_ADMIN_PORT", String.valueOf(FreePorts.belowEphemeralRange()), "MB_DATA_DIR", dataDir.toString(),
                "MB_ADMIN_TOKEN", RunningGateway.ADMIN_TOKEN));
        vars.putAll(env);
        builder.environment().putAll(vars);
        long start = System.nanoTime();
        Process process = builder.start();
        try {
            boolean exited = process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(exited, "still running after " + EXIT_WITHIN_SECONDS + " s:\n" + Files.readString(log));
            return new Exit(process.exitValue(), seconds, Files.readString(log));
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
