package io.modelbridge.gateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stops and starts a running gateway's embedded PostgreSQL from a test, with the server's own binary and the
 * exact options it was started with (PostgreSQL keeps them in postmaster.opts), so it returns on the same port.
 */
final class PostgresSwitch implements AutoCloseable {
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final Path directory;
    private final Path binary;
    private final List<String> options;
    private Process restarted;

    private PostgresSwitch(Path directory, Path binary, List<String> options) {
        this.directory = directory;
        this.binary = binary;
        this.options = options;
    }

    /** The server on {@code dataDir/pg} (the gateway's data folder layout). */
    static PostgresSwitch of(Path dataDir) {
        Path directory = dataDir.resolve("pg").toAbsolutePath();
        try {
            String opts = Files.readString(directory.resolve("postmaster.opts")).strip();
            String binary = opts.substring(0, opts.indexOf(' '));
            List<String> options = new ArrayList<>();
            Matcher m = QUOTED.matcher(opts.substring(binary.length()));
            while (m.find()) {
                options.add(m.group(1));
            }
            int d = options.indexOf("-D");
            if (d >= 0) {
                options.remove(d + 1);
                options.remove(d);
            }
            return new PostgresSwitch(directory, Path.of(binary), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fast shutdown (SIGINT): open sessions are cut, as when the database host goes away. */
    void stop() {
        ProcessHandle postmaster = postmaster();
        run(List.of("kill", "-INT", String.valueOf(postmaster.pid())));
        postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
    }

    /**
     * A fast shutdown, and the server's port taken by this test as soon as the server lets it go, so the gateway
     * cannot restart its database (it retries) until the caller closes the returned socket.
     */
    ServerSocket stopAndHoldPort() {
        ProcessHandle postmaster = postmaster();
        run(List.of("kill", "-INT", String.valueOf(postmaster.pid())));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                ServerSocket holder = new ServerSocket(port(), 50, InetAddress.getLoopbackAddress());
                postmaster.onExit().orTimeout(30, TimeUnit.SECONDS).join();
                return holder;
            } catch (IOException stillListening) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("PostgreSQL kept its port " + port(), stillListening);
                }
                Thread.onSpinWait();
            }
        }
    }

    /** Starts the server again as this JVM's child; {@link #close()} stops it if it still runs then. */
    void start() {
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U")); // as zonky does: PostgreSQL refuses to run as root
        }
        command.addAll(List.of(binary.toString(), "-D", directory.toString()));
        command.addAll(options);
        Path log = directory.resolveSibling("pg-restart.log");
        try {
            restarted = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(directory.resolve("postmaster.pid")) || !accepting()) {
                if (!restarted.isAlive() || System.nanoTime() > end) {
                    throw new IllegalStateException("PostgreSQL did not come back: " + command + "\n" + Files.readString(log));
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The port the server listens on. */
    int port() {
        return Integer.parseInt(options.get(options.indexOf("-p") + 1));
    }

    private boolean accepting() {
        int port = port();
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (restarted != null && restarted.isAlive()) {
            run(List.of("kill", "-INT", String.valueOf(restarted.pid())));
            restarted.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    private ProcessHandle postmaster() {
        try {
            long pid = Long.parseLong(Files.readAllLines(directory.resolve("postmaster.pid")).get(0).strip());
            return ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no postmaster " + pid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
