package io.modelbridge.gateway.deploy;

import io.modelbridge.db.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server of the compose topology run as a plain process (Debian's binaries), logging to a file; stopped with
 * SIGTERM, then killed if it does not exit within 15 s.
 */
record LocalServer(String name, Process process, Path log) implements AutoCloseable {

    static LocalServer start(String name, List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(k -> k.startsWith("MB_")); // only what the topology sets
            builder.environment().putAll(env);
            return new LocalServer(name, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    /** Runs a command to its end (bounded) and fails with its output unless it exits 0. */
    static void run(String what, List<String> command, Map<String, String> env, Path log) {
        LocalServer step = start(what, command, env, log);
        try {
            if (!step.process.waitFor(60, TimeUnit.SECONDS) || step.process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed: " + step.logText());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            step.process.destroyForcibly();
        }
    }

    /** Waits until the server accepts TCP connections on 127.0.0.1:port. */
    LocalServer awaitPort(int port, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + logText());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return this;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not listen on " + port + " within " + within + ": " + logText());
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
