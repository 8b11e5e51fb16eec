package io.modelbridge.admin.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.admin.Invocation;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.TestGateway;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console as a person meets it: {@code mbctl} with no command, in a child JVM on a real pseudo-terminal
 * (tmux), typed at with real keys. Completion of a command, an option and a live user name; history recalled
 * by a new console (a recalled masked credential refused); {@code clear}; Ctrl-C drops the line; Ctrl-D leaves;
 * tables fit the terminal.
 */
class ConsoleInTmuxTest {
    private static final int COLUMNS = 100;
    @TempDir
    static Path dir;
    private static Tmux tmux;
    private static Path history;

    @BeforeAll
    static void start() {
        tmux = Tmux.start();
        history = dir.resolve("mbctl_history");
        mbctl("user", "add", "tm-zoe");
        mbctl("channel", "add", "tm-slow", "--provider", "openai", "--credential", TestGateway.get().upstream.apiKey(),
                "--base-url", TestGateway.get().upstream.baseUri().toString(), "--models", "gpt-4o");
        mbctl("channel", "add", "tm-a-channel-with-a-long-name", "--provider", "openai", "--credential", "k",
                "--base-url", "https://an-upstream-with-a-long-host-name.example.com:8443", "--models",
                "model-one,model-two,model-three,model-four,model-five");
    }

    /** Also removes what {@link #start} added, so that surefire's rerun of a failed run can add it again. */
    @AfterAll
    static void stop() {
        if (tmux != null) {
            tmux.close();
        }
        Map<String, String> env = Map.of("MB_SERVER", TestGateway.get().server(), "MB_ADMIN_TOKEN",
                RunningGateway.ADMIN_TOKEN);
        PrintWriter ignored = new PrintWriter(new StringWriter(), true);
        for (String[] args : List.of(new String[] {"user", "remove", "tm-zoe"}, new String[] {"channel", "remove",
                "tm-slow"}, new String[] {"channel", "remove", "tm-a-channel-with-a-long-name"})) {
            Mbctl.run(args, Invocation.of(env, ignored, ignored, () -> 0));
        }
    }

    private static void mbctl(String... args) {
        StringWriter sink = new StringWriter();
        PrintWriter out = new PrintWriter(sink, true);
        assertEquals(0, Mbctl.run(args, Invocation.of(Map.of("MB_SERVER", TestGateway.get().server(),
                "MB_ADMIN_TOKEN", RunningGateway.ADMIN_TOKEN), out, out, () -> 0)), sink.toString());
    }

    /** {@code mbctl} with no arguments, as ./mbctl runs it, in a new tmux session; waits for the prompt. */
    private static String console(String session) throws IOException {
        String classpath = System.getProperty("mbctl.classes") + ":"
                + Files.readString(Path.of(System.getProperty("mbctl.runtime.classpath"))).strip();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        tmux.open(session, COLUMNS, 40, "env MB_SERVER=" + TestGateway.get().server() + " MB_ADMIN_TOKEN="
                + RunningGateway.ADMIN_TOKEN + " MBCTL_HISTORY=" + history + " " + java
                + " --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -Xshare:auto -cp " + classpath
                + " io.modelbridge.admin.AdminMain");
        tmux.await(session, "the prompt", s -> s.contains(prompt()));
        return session;
    }

    private static String prompt() {
        return "mbctl " + TestGateway.get().server() + "> ";
    }

    /** The line the cursor is on (the last prompt line on the screen), without trailing blanks. */
    private static String promptLine(String screen) {
        List<String> lines = screen.lines().filter(l -> l.startsWith(prompt())).toList();
        // tmux drops trailing blanks, JLine's redraw may leave some: compare without them
        return lines.isEmpty() ? "" : lines.getLast().substring(prompt().length()).stripTrailing();
    }

    /**
     * One person's day: a first console (completion, a table, a command stopped and a line dropped with Ctrl-C, a
     * credential typed, Ctrl-D), then a second console that finds the history.
     */
    @Test
    void completionTablesCtrlCAndHistoryRecalledInANewConsole() throws IOException, InterruptedException {
        String first = console("first");
        tabCompletesACommandAnOptionAndALiveUserName(first);
        tablesFitTheTerminal(first);
        tmux.type(first, "clear");
        tmux.keys(first, "Enter");
        tmux.await(first, "a cleared screen: only the prompt", screen -> screen.strip().equals(prompt().strip()));
        ctrlCStopsARunningCommand(first);
        SecretLedger.record("sk-typed-in-the-console-99");
        tmux.type(first, "channel update tm-a-channel-with-a-long-name --credential sk-typed-in-the-console-99");
        tmux.keys(first, "Enter");
        tmux.await(first, "the update", screen -> screen.contains("Updated channel"));
        tmux.type(first, "user remove tm-zoe");
        // Ctrl-C makes the terminal drop input not yet read: send it once the whole line is on the screen
        tmux.await(first, "the line typed", screen -> promptLine(screen).equals("user remove tm-zoe"));
        tmux.keys(first, "C-c");
        tmux.await(first, "an empty prompt after Ctrl-C", screen -> promptLine(screen).isEmpty()
                && screen.contains("user remove tm-zoe"));
        tmux.keys(first, "C-d");
        tmux.awaitGone(first);
        mbctl("user", "show", "tm-zoe"); // Ctrl-C dropped the line: zoe is still there

        String saved = Files.readString(history);
        assertTrue(saved.contains("channel list"), saved);
        assertFalse(saved.contains("sk-typed"), saved);
        assertFalse(saved.contains("user remove"), saved);

        String second = console("second");
        tmux.keys(second, "Up");
        tmux.await(second, "the last line recalled", screen -> promptLine(screen)
                .equals("channel update tm-a-channel-with-a-long-name --credential ***"));
        tmux.keys(second, "Enter"); // the recalled line has lost its credential: refused, never stored as one
        tmux.await(second, "the mask refused", screen -> screen.contains("mbctl: --credential is '***', the mask"));
        tmux.keys(second, "Up", "Up"); // the refused line (not remembered twice), then the one before
        tmux.await(second, "the line before", screen -> promptLine(screen).equals("channel test tm-slow"));
        tmux.keys(second, "C-u", "C-r");
        tmux.type(second, "user sh");
        tmux.await(second, "Ctrl-R search", screen -> screen.contains("user show tm-zoe") && screen.contains("search"));
        tmux.keys(second, "Enter");
        tmux.await(second, "the found line run", screen -> screen.lines().anyMatch(l -> l.matches("name: +tm-zoe")));
        tmux.keys(second, "C-d");
        tmux.awaitGone(second);
    }

    private static void tabCompletesACommandAnOptionAndALiveUserName(String s) {
        tmux.type(s, "chan");
        tmux.keys(s, "Tab");
        tmux.await(s, "'chan' completed", screen -> promptLine(screen).equals("channel"));

        tmux.keys(s, "C-u");
        tmux.type(s, "user add tm-yves --em");
        tmux.keys(s, "Tab");
        tmux.await(s, "'--em' completed", screen -> promptLine(screen).equals("user add tm-yves --email"));

        tmux.keys(s, "C-u");
        tmux.type(s, "user show tm-z");
        tmux.keys(s, "Tab");
        tmux.await(s, "the user name completed", screen -> promptLine(screen).equals("user show tm-zoe"));
        tmux.keys(s, "Enter");
        String shown = tmux.await(s, "user show output", screen -> screen.contains("keys:"));
        assertTrue(shown.lines().anyMatch(l -> l.matches("name: +tm-zoe")), shown);
    }

    /** The upstream hangs; once the call has reached it, Ctrl-C gives the prompt back. */
    private static void ctrlCStopsARunningCommand(String s) throws InterruptedException {
        OpenAiSimulator upstream = TestGateway.get().upstream;
        upstream.clearRequests();
        upstream.hangBeforeHeaders(Duration.ofSeconds(30));
        try {
            tmux.type(s, "channel test tm-slow");
            tmux.keys(s, "Enter");
            for (int i = 0; i < 600 && upstream.requests().isEmpty(); i++) {
                Thread.sleep(50);
            }
            tmux.keys(s, "C-c");
            tmux.await(s, "the command cancelled", screen -> screen.contains("mbctl: cancelled")
                    && promptLine(screen).isEmpty());
        } finally {
            upstream.reset();
        }
    }

    private static void tablesFitTheTerminal(String s) {
        tmux.type(s, "channel list");
        tmux.keys(s, "Enter");
        String table = tmux.await(s, "the channel table", screen -> screen.contains("tm-a-chan"));
        table.lines().filter(l -> l.startsWith("NAME ") || l.contains(" openai "))
                .forEach(l -> assertTrue(l.length() <= COLUMNS, "wider than the terminal: " + l));
        assertTrue(table.contains("…"), table);
    }
}
