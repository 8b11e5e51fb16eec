package io.modelbridge.admin.repl;

import io.modelbridge.admin.Invocation;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.Session;
import io.modelbridge.admin.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * The interactive console: every mbctl command with the same grammar, TAB completion (live names from the
 * server), history across sessions with Ctrl-R search, Ctrl-C to drop the line (or stop the running command),
 * {@code clear} to clear the screen, Ctrl-D or {@code exit} to leave.
 */
public final class Console {
    private static final List<String> EXIT = List.of("exit", "quit");
    /** Words the console understands besides the commands, with what they do (for completion). */
    public static final Map<String, String> WORDS = Map.of("clear", "clear the screen", "exit", "leave the console",
            "quit", "leave the console");
    private final Connection connection;
    private final Map<String, String> env;

    public Console(Connection connection, Map<String, String> env) {
        this.connection = connection;
        this.env = Map.copyOf(env);
    }

    /** The history file: $MBCTL_HISTORY, else ~/.mbctl_history. */
    public static Path historyFile(Map<String, String> env) {
        String configured = env.get("MBCTL_HISTORY");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".mbctl_history");
    }

    public int run() {
        try (Terminal terminal = TerminalBuilder.builder().system(true).name("mbctl").build()) {
            return run(terminal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
    }

    public int run(Terminal terminal) {
        Session session = new Session(connection, terminal.writer(), terminal.writer(), terminal::getWidth);
        Invocation invocation = Invocation.of(env, terminal.writer(), terminal.writer(), terminal::getWidth)
                .in(session);
        DefaultParser parser = new DefaultParser().eofOnUnclosedQuote(true); // an open quote continues the line
        LineReader reader = reader(terminal, parser, invocation);
        terminal.writer().println("mbctl console on " + connection.display() + ". TAB completes, 'help' explains,");
        terminal.writer().println("Ctrl-R searches the history, Ctrl-C drops the line, Ctrl-D leaves.");
        String prompt = "mbctl " + connection.display() + "> ";
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C: the line is dropped, the console stays
                }
                for (List<String> words : commands(parser, line)) {
                    if (EXIT.contains(words.getFirst()) && words.size() == 1) {
                        return Mbctl.OK;
                    }
                    if (words.equals(List.of("clear"))) {
                        terminal.puts(Capability.clear_screen);
                        terminal.flush();
                        continue;
                    }
                    execute(terminal, invocation, words);
                }
            }
        } catch (EndOfFileException e) { // Ctrl-D, or the end of piped input
            return Mbctl.OK;
        } finally {
            terminal.writer().flush();
        }
    }

    private LineReader reader(Terminal terminal, Parser parser, Invocation invocation) {
        return LineReaderBuilder.builder().terminal(terminal).appName("mbctl").parser(parser)
                .completer(new CommandCompleter(Mbctl.commandLine(invocation), WORDS))
                .history(new RedactingHistory())
                .variable(LineReader.HISTORY_FILE, historyFile(env))
                .variable(LineReader.HISTORY_FILE_SIZE, 2000)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // '!' in a credential is just a '!'
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .build();
    }

    /** Runs one line on a fresh command tree (picocli objects are never reused between lines). */
    private static void execute(Terminal terminal, Invocation invocation, List<String> words) {
        Thread worker = Thread.currentThread();
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> worker.interrupt());
        try {
            Mbctl.run(words.toArray(String[]::new), invocation);
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
            Thread.interrupted(); // a Ctrl-C that came after the command finished must not hit the next one
            terminal.writer().flush();
        }
    }

    /**
     * The commands in an accepted line: usually one; several when lines were pasted at once. A newline inside
     * quotes belongs to its argument.
     */
    static List<List<String>> commands(Parser parser, String line) {
        List<List<String>> commands = new ArrayList<>();
        String pending = "";
        for (String part : line.split("\n", -1)) {
            pending = pending.isEmpty() ? part : pending + "\n" + part;
            try {
                List<String> words = words(parser.parse(pending, pending.length(), ParseContext.ACCEPT_LINE).words(),
                        pending);
                if (!words.isEmpty()) {
                    commands.add(words);
                }
                pending = "";
            } catch (EOFError unclosedQuote) {
                // the next line continues this one
            }
        }
        return commands;
    }

    /** The parsed words; the empty word after a trailing space is not an argument. */
    static List<String> words(List<String> parsed, String line) {
        List<String> words = new ArrayList<>(parsed);
        if (!words.isEmpty() && words.getLast().isEmpty() && !line.endsWith("\"\"") && !line.endsWith("''")) {
            words.removeLast();
        }
        return words;
    }
}
