package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.it.RunningGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the server and token, exit code 3, usage errors, help, and tables fitted to the terminal. */
class ExitCodesTest {
    @TempDir
    Path dataDir;

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void anUnreachableServerExitsThreeInBothModes() throws IOException {
        String server = closedPort();
        Cli cli = Cli.withEnv(Map.of("MB_SERVER", server, "MB_ADMIN_TOKEN", "t"));
        Cli.Result table = cli.run("user", "list").exits(3);
        assertEquals("mbctl: cannot reach the admin API at http://" + server + " (connection refused or timed out); "
                + "is the gateway running? Set --server or MB_SERVER.\n", table.err());
        assertEquals("", table.out());
        assertEquals("unreachable", cli.json("user", "list").exits(3).error().path("code").asText());
    }

    /** docs/mbctl.md: "not a ModelBridge admin API" is exit 3, like an unreachable server. */
    @Test
    void theOpenAiApiPortIsNotAnAdminApiAndExitsThree() {
        String api = TestGateway.get().gateway.api().getAuthority();
        Cli.Result wrong = Cli.gateway().run("--server", api, "user", "list").exits(3);
        assertEquals("mbctl: the server at " + api + " is not a ModelBridge admin API: it answered 'Unknown request "
                + "URL: GET /admin/v1/users.' (the OpenAI API port? The admin API listens on MB_ADMIN_PORT, 8081 by "
                + "default).\n", wrong.err());
        assertEquals("unreachable", Cli.gateway().json("--server", api, "channel", "add", "x", "--provider", "openai",
                "--credential", "k").exits(3).error().path("code").asText());
    }

    @Test
    void aRefusedTokenExitsThreeAndSaysWhereTheTokenCameFrom() {
        Cli.Result wrong = Cli.gateway().env("MB_ADMIN_TOKEN", "not-the-token").run("user", "list").exits(3);
        assertEquals("mbctl: the admin API at " + TestGateway.get().server() + " refused the token from "
                + "MB_ADMIN_TOKEN: Invalid admin token.\n", wrong.err());
        Cli.Result flag = Cli.gateway().json("--token", "also-wrong", "user", "list").exits(3);
        assertEquals("invalid_api_key", flag.error().path("code").asText());

        Cli none = Cli.withEnv(Map.of("MB_SERVER", TestGateway.get().server(), "MB_DATA_DIR", dataDir.toString()));
        assertEquals("mbctl: no admin token: pass --token, set MB_ADMIN_TOKEN, or run where "
                + dataDir.resolve("admin-token") + " is readable\n", none.run("user", "list").exits(3).err());
    }

    @Test
    void withNoFlagsTheTokenFileInTheDataFolderIsUsed() throws IOException {
        Files.writeString(dataDir.resolve("admin-token"), RunningGateway.ADMIN_TOKEN + "\n");
        Cli cli = Cli.withEnv(Map.of("MB_SERVER", "http://" + TestGateway.get().server() + "/",
                "MB_DATA_DIR", dataDir.toString()));
        cli.run("user", "list").ok();
        Cli flags = Cli.withEnv(Map.of("MB_SERVER", closedPort(), "MB_ADMIN_TOKEN", "wrong"));
        flags.run("--server", TestGateway.get().server(), "--token", RunningGateway.ADMIN_TOKEN, "plugin", "list").ok();
    }

    @Test
    void usageErrorsAndHelp() {
        Cli cli = Cli.gateway();
        assertTrue(cli.run("--server", "ftp://x", "user", "list").exits(2).err()
                .startsWith("mbctl: Invalid server address 'ftp://x'"));
        assertEquals("mbctl: Missing command (the console needs a terminal) (see 'mbctl --help')\n",
                cli.run().exits(2).err());
        assertEquals(2, cli.run("frobnicate").exit());
        assertEquals(2, cli.run("--output", "xml", "user", "list").exit());
        assertTrue(cli.run("--help").ok().out().contains("Exit codes: 0 ok, 1 refused by the server, 2 usage error"));
        assertTrue(cli.run("--version").ok().out().startsWith("mbctl "));
        assertTrue(cli.run("help", "user", "add").ok().out().startsWith("Usage: mbctl user add"));
        assertTrue(cli.run("user", "add", "--help").ok().out().contains("--quota=CREDITS"));
        assertTrue(cli.run("help", "nope").exits(2).err().contains("No command 'nope'"));
    }

    /** A number that is not one is a usage error in mbctl's words, not a Java exception's. */
    @Test
    void aCreditOrPriceThatIsNotANumberIsAUsageErrorNamingIt() {
        Cli cli = Cli.gateway();
        assertEquals("mbctl: Invalid value for positional parameter at index 1 (CREDITS): 'NaN' is not a number "
                + "(see 'mbctl quota grant --help')\n", cli.run("quota", "grant", "someone", "NaN").exits(2).err());
        assertEquals("mbctl: Invalid value for option '--input': '1,5' is not a number (see 'mbctl price set --help')\n",
                cli.run("price", "set", "m", "--input", "1,5", "--output", "1").exits(2).err());
        assertEquals("mbctl: Invalid value for option '--quota': 'lots' is not a number (see 'mbctl user add --help')\n",
                cli.run("user", "add", "someone", "--quota", "lots").exits(2).err());
    }

    @Test
    void aMistypedCommandOrOptionSuggestsTheNearestOne() {
        Cli cli = Cli.gateway();
        assertEquals("mbctl: Unknown command 'chanel'. Did you mean 'channel'? (see 'mbctl --help')\n",
                cli.run("chanel", "list").exits(2).err());
        assertEquals("mbctl: Unknown subcommand 'lst' of 'channel'. Did you mean 'list'? (see 'mbctl channel --help')\n",
                cli.run("channel", "lst").exits(2).err());
        assertEquals("mbctl: Unknown command 'frobnicate'. (see 'mbctl --help')\n", cli.run("frobnicate").exits(2).err());
        assertTrue(cli.run("usage", "--limt", "5").exits(2).err().contains("Did you mean '--limit'?"));
        assertEquals("Unknown command 'usr'. Did you mean 'user'?",
                cli.json("usr", "list").exits(2).error().path("message").asText());
    }

    @Test
    void tablesFitTheTerminalWidth() {
        Cli wide = Cli.gateway();
        String key = TestGateway.get().upstream.apiKey();
        wide.run("channel", "add", "cn-a-channel-with-a-rather-long-name", "--provider", "openai", "--credential", key,
                "--base-url", "https://a-very-long-host-name.example.com:8443", "--models",
                "model-one,model-two,model-three,model-four").ok();
        String natural = wide.run("channel", "list").ok().out();
        assertTrue(natural.lines().anyMatch(l -> l.length() > 120), natural);
        String narrow = wide.width(80).run("channel", "list").ok().out();
        narrow.lines().forEach(l -> assertTrue(l.length() <= 80, "wider than 80: " + l));
        assertTrue(narrow.contains("…"), narrow);
        assertTrue(narrow.lines().anyMatch(l -> l.matches("cn-a-\\S*…  .*")), narrow);
    }
}
