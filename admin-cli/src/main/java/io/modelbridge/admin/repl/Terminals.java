package io.modelbridge.admin.repl;

import java.io.Console;
import java.io.IOException;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Whether mbctl talks to a person at a terminal, and how wide that terminal is. */
public final class Terminals {
    private Terminals() {}

    /** Standard input and output are both a terminal. */
    public static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try { // Java 22+ returns a Console for redirected streams too and says so here
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a Console exists only on a terminal
        }
    }

    /** Columns for tables: $COLUMNS, else the terminal's width, else 0 (output goes to a file or pipe: no limit). */
    public static int width(Map<String, String> env) {
        String columns = env.get("COLUMNS");
        if (columns != null && columns.strip().matches("\\d{1,4}")) {
            return Integer.parseInt(columns.strip());
        }
        if (!isInteractive()) {
            return 0;
        }
        try (Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return isDumb(terminal) ? 0 : terminal.getWidth();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static boolean isDumb(Terminal terminal) {
        return Terminal.TYPE_DUMB.equals(terminal.getType()) || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
    }
}
