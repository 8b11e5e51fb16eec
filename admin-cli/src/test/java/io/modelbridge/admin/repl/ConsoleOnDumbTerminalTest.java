package io.modelbridge.admin.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.admin.TestGateway;
import io.modelbridge.admin.client.Connection;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.SecretLedger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console loop on a piped dumb terminal: lines run in order, errors do not end it, history is written. */
class ConsoleOnDumbTerminalTest {
    @TempDir
    Path dir;

    private String run(String input, Path history) throws IOException {
        Connection connection = Connection.resolve(Optional.of(TestGateway.get().server()),
                Optional.of(RunningGateway.ADMIN_TOKEN), Map.of());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DumbTerminal terminal = new DumbTerminal("test", "dumb",
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, StandardCharsets.UTF_8)) {
            assertEquals(0, new Console(connection, Map.of("MBCTL_HISTORY", history.toString())).run(terminal));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void linesRunUntilExitAndFailuresDoNotEndTheConsole() throws IOException {
        Path history = dir.resolve("history");
        SecretLedger.record("sk-dumb secret-with-space");
        String screen = run("""
                user add dt-amy --email "amy@example.com"
                user show dt-nobody
                user bogus
                chanel list
                -o json user show dt-amy

                channel add dt-c --provider openai --credential 'sk-dumb secret-with-space'
                exit
                user list
                """, history);
        assertTrue(screen.contains("mbctl console on " + TestGateway.get().server()), screen);
        assertTrue(screen.contains("Created user dt-amy (role user, quota 0)."), screen);
        assertTrue(screen.contains("mbctl: No user named 'dt-nobody'."), screen);
        assertTrue(screen.contains("mbctl: Unknown subcommand 'bogus' of 'user'. (see 'help user')"), screen);
        assertTrue(screen.contains("mbctl: Unknown command 'chanel'. Did you mean 'channel'? (see 'help')"), screen);
        assertTrue(!screen.contains("--help"), "the console's hints name its own help: " + screen);
        assertTrue(screen.contains("\"email\" : \"amy@example.com\""), "quotes are removed, json per line: " + screen);
        assertTrue(screen.contains("Created channel dt-c"), screen);
        assertTrue(!screen.contains("NAME  EMAIL"), "nothing runs after exit: " + screen);

        String saved = Files.readString(history);
        assertTrue(saved.contains("user add dt-amy --email \"amy@example.com\""), saved);
        assertTrue(saved.contains("--credential ***"), saved);
        assertTrue(!saved.contains("secret"), "credentials never reach the history file: " + saved);
    }

    @Test
    void anOpenQuoteContinuesOnTheNextLineAndPastedLinesRunOneByOne() throws IOException {
        String screen = run("""
                user add dt-bea --email "bea
                @example.com"
                -o json user show dt-bea
                """, dir.resolve("h3"));
        assertTrue(screen.contains("\"email\" : \"bea\\n@example.com\""), screen);

        DefaultParser parser = new DefaultParser().eofOnUnclosedQuote(true);
        assertEquals(List.of(List.of("user", "list"), List.of("plugin", "list")),
                Console.commands(parser, "user list\nplugin list\n"));
        assertEquals(List.of(List.of("alias", "set", "a", "--description", "two\nlines"), List.of("alias", "list")),
                Console.commands(parser, "alias set a --description 'two\nlines'\nalias list"));
        assertEquals(List.of(List.of("channel", "update", "x", "--base-url", "")),
                Console.commands(parser, "channel update x --base-url \"\""));
    }

    @Test
    void endOfInputLeavesTheConsole() throws IOException {
        String screen = run("plugin list\n", dir.resolve("h2"));
        assertTrue(screen.contains("openai"), screen);
    }
}
