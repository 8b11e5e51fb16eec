package io.modelbridge.admin.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.admin.Invocation;
import io.modelbridge.admin.Mbctl;
import io.modelbridge.admin.Session;
import io.modelbridge.admin.TestGateway;
import io.modelbridge.admin.client.Connection;
import io.modelbridge.gateway.it.RunningGateway;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jline.reader.Candidate;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's completion over the picocli model, with live values from the real gateway. */
class CommandCompleterTest {
    private static CommandCompleter completer;

    @BeforeAll
    static void console() {
        TestGateway g = TestGateway.get();
        Connection connection = Connection.resolve(Optional.of(g.server()), Optional.of(RunningGateway.ADMIN_TOKEN),
                Map.of());
        completer = completerFor(connection);
        Mbctl.run(new String[] {"user", "add", "cc-zoe"}, invocation(connection));
        Mbctl.run(new String[] {"channel", "add", "cc-chan", "--provider", "openai", "--credential", "k",
            "--models", "cc-model-a,cc-model-b"}, invocation(connection));
    }

    private static Invocation invocation(Connection connection) {
        PrintWriter sink = new PrintWriter(new StringWriter());
        Session session = new Session(connection, sink, sink, () -> 0);
        return Invocation.of(Map.of(), sink, sink, () -> 0).in(session);
    }

    private static CommandCompleter completerFor(Connection connection) {
        return new CommandCompleter(Mbctl.commandLine(invocation(connection)), Console.WORDS);
    }

    private static List<String> complete(CommandCompleter completer, String line) {
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(null, new DefaultParser().parse(line, line.length(), ParseContext.COMPLETE), candidates);
        return candidates.stream().map(Candidate::value).toList();
    }

    private static List<String> complete(String line) {
        return complete(completer, line);
    }

    @Test
    void commandsAndSubcommandsAtAnyDepth() {
        List<String> top = complete("");
        assertTrue(top.containsAll(List.of("user", "key", "channel", "alias", "limit", "quota", "price", "plugin",
                "usage", "apply", "shell", "help", "exit", "quit", "clear")), top.toString());
        List<String> user = complete("user ");
        assertEquals(6, user.size(), user.toString());
        assertTrue(user.containsAll(List.of("add", "list", "show", "disable", "enable", "remove")), user.toString());
        assertTrue(complete("channel t").contains("test"));
        assertTrue(complete("help channel ").contains("test"), "help completes command names");
        assertTrue(complete("-o json ").contains("user"), "global options before the command");
        assertEquals(List.of("table", "json"), complete("--output "));
    }

    @Test
    void optionsOfTheCommandAtTheCursor() {
        List<String> options = complete("channel add x --");
        assertTrue(options.containsAll(List.of("--provider", "--credential", "--base-url", "--models", "--priority",
                "--weight")), options.toString());
        assertTrue(complete("limit set -").containsAll(List.of("--global", "--user", "--key", "--model", "--rpm")));
    }

    @Test
    void thePortalGroupAndItsInviteSubgroup() {
        assertTrue(complete("").contains("portal"));
        List<String> portal = complete("portal ");
        assertEquals(3, portal.size(), portal.toString());
        assertTrue(portal.containsAll(List.of("show", "set", "invite")), portal.toString());
        List<String> invite = complete("portal invite ");
        assertEquals(3, invite.size(), invite.toString());
        assertTrue(invite.containsAll(List.of("create", "list", "revoke")), invite.toString());
        assertEquals(List.of("open", "closed", "invite"), complete("portal set --registration "));
        assertTrue(complete("portal set -").containsAll(List.of("--registration", "--domains", "--free-quota", "--rpm",
                "--tpm", "--models")));
        assertTrue(complete("portal invite create -").containsAll(List.of("--uses", "--expires")));
        PrintWriter sink = new PrintWriter(new StringWriter());
        Connection connection = Connection.resolve(Optional.of(TestGateway.get().server()),
                Optional.of(RunningGateway.ADMIN_TOKEN), Map.of());
        StringWriter out = new StringWriter();
        Mbctl.run(new String[] {"portal", "invite", "create"},
                Invocation.of(Map.of(), new PrintWriter(out, true), sink, () -> 0).in(
                        new Session(connection, new PrintWriter(out, true), sink, () -> 0)));
        String code = out.toString().lines().toList().getLast();
        assertTrue(complete(completerFor(connection), "portal invite revoke ").contains(code), code);
    }

    @Test
    void liveValuesFromTheServer() {
        assertTrue(complete("user show ").contains("cc-zoe"));
        assertTrue(complete("key create --user ").contains("cc-zoe"));
        assertTrue(complete("key create --label x --user=").contains("--user=cc-zoe"));
        assertTrue(complete("channel test ").contains("cc-chan"));
        assertTrue(complete("alias set a --target ").contains("cc-chan"));
        assertTrue(complete("channel add x --provider ").contains("openai"));
        List<String> models = complete("key create --user cc-zoe --models ");
        assertTrue(models.containsAll(List.of("cc-model-a", "cc-model-b")), models.toString());
        assertFalse(models.contains("gpt-4.1-nano"), "a key names what is served, not a vendor's catalogue: " + models);
        assertFalse(complete("key create --models cc-model-a,").contains("cc-model-a,gpt-4.1-nano"));
        List<String> forAChannel = complete("channel add x --models ");
        assertTrue(forAChannel.indexOf("cc-model-a") < forAChannel.indexOf("gpt-4.1-nano"),
                "a channel's models: the served first, then the catalogue: " + forAChannel);
        assertTrue(complete("key create --models cc-model-a,").contains("cc-model-a,cc-model-b"),
                "after a comma the next value, keeping the first");
        assertTrue(complete("plugin reload ").contains("openai"));
        assertTrue(complete("quota grant ").contains("cc-zoe"));
        assertEquals(List.of(), complete("quota grant cc-zoe "), "CREDITS is free text");
    }

    @Test
    void anUnreachableServerCompletesNothingAndFailsNothing() {
        Connection down = Connection.resolve(Optional.of("127.0.0.1:1"), Optional.of("t"), Map.of());
        CommandCompleter offline = completerFor(down);
        assertEquals(List.of(), complete(offline, "user show "));
        assertTrue(complete(offline, "user ").contains("add"), "the grammar needs no server");
    }
}
