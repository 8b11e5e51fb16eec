package io.modelbridge.admin.repl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * A tmux server of our own (its own socket), each session a real pseudo-terminal running a command: keys go in
 * with send-keys, the screen comes back with capture-pane.
 */
final class Tmux implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final String socket = "mbctl-test-" + ProcessHandle.current().pid();

    /** tmux, installed with apt-get if missing; the test is skipped only when neither is possible. */
    static Tmux start() {
        if (!available()) {
            boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
            Assumptions.assumeTrue(apt, "tmux is not installed and apt-get is not available to install it");
            run(Duration.ofMinutes(5), "apt-get", "install", "-y", "-qq", "tmux");
            Assumptions.assumeTrue(available(), "tmux is not installed and 'apt-get install -y tmux' failed");
        }
        return new Tmux();
    }

    private static boolean available() {
        try {
            return run(Duration.ofSeconds(10), "tmux", "-V").startsWith("tmux");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Starts {@code command} (one shell line) in a new session of the given size. */
    void open(String session, int columns, int rows, String command) {
        tmux("new-session", "-d", "-s", session, "-x", String.valueOf(columns), "-y", String.valueOf(rows), command);
    }

    /** Keys as tmux names them: text, or {@code Tab}, {@code Enter}, {@code Up}, {@code C-c}, {@code C-d}... */
    void keys(String session, String... keys) {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** Literal text (no key names), e.g. a line with spaces. */
    void type(String session, String text) {
        tmux("send-keys", "-t", session, "-l", text);
    }

    String screen(String session) {
        return tmux("capture-pane", "-p", "-J", "-t", session);
    }

    boolean alive(String session) {
        try {
            tmux("has-session", "-t", session);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Polls the screen until the condition holds; fails with the last screen after a minute. */
    String await(String session, String what, Predicate<String> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            if (!alive(session)) {
                throw new AssertionError("the session ended while waiting for " + what + "; last screen:\n" + screen);
            }
            screen = screen(session);
            if (condition.test(screen)) {
                return screen;
            }
            sleep(100);
        }
        throw new AssertionError("waited " + WAIT.toSeconds() + " s for " + what + "; screen:\n" + screen);
    }

    void awaitGone(String session) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (alive(session)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("session " + session + " did not end; screen:\n" + screen(session));
            }
            sleep(100);
        }
    }

    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (RuntimeException e) {
            // no session left: the server is already gone
        }
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(List.of(args));
        return run(Duration.ofSeconds(20), command.toArray(String[]::new));
    }

    private static String run(Duration timeout, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
