package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code channel add|update|list|show|test|enable|disable|remove} with the OpenAI simulator as the vendor. */
class ChannelCommandsTest {
    private static final Cli CLI = Cli.gateway();
    private static final String WRONG_KEY = "sk-wrong-0000000000000000XYZW";
    private static OpenAiSimulator upstream;

    @BeforeAll
    static void start() {
        upstream = TestGateway.get().upstream;
    }

    @AfterEach
    void heal() {
        upstream.reset();
    }

    private static Cli.Result add(String name, String credential, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("channel", "add", name, "--provider", "openai",
                "--credential", credential, "--base-url", upstream.baseUri().toString()));
        args.addAll(List.of(more));
        return CLI.run(args.toArray(String[]::new));
    }

    @Test
    void addListShowNeverShowTheCredential() {
        Cli.Result added = add("ct-main", upstream.apiKey(), "--models", "gpt-4o-mini,gpt-4o", "--priority", "1",
                "--weight", "3").ok();
        assertEquals("Created channel ct-main (openai, credential sk-…cdef). Try it: channel test ct-main\n",
                added.out());
        String list = CLI.run("channel", "list").ok().out();
        assertTrue(list.lines().anyMatch(l -> l.matches(
                "ct-main +openai +gpt-4o-mini,gpt-4o +1 +3 +yes +closed +sk-…cdef +http://127\\.0\\.0\\.1:\\d+")), list);
        String show = CLI.run("channel", "show", "ct-main").ok().out();
        assertTrue(show.contains("credential: sk-…cdef"), show);
        assertTrue(show.contains("models:     gpt-4o-mini,gpt-4o"), show);
        assertTrue(show.contains("breaker:    closed"), show);
        JsonNode json = CLI.json("channel", "show", "ct-main").ok().json();
        assertEquals("channel", json.path("object").asText());
        assertTrue(json.path("credential_set").asBoolean());
        for (String output : List.of(added.out(), list, show, json.toString(), CLI.json("channel", "list").ok().out())) {
            assertFalse(output.contains("0123456789"), output);
        }
    }

    @Test
    void theResponsesApiModeIsSetShownAndChecked() {
        add("ct-resp", upstream.apiKey(), "--models", "gpt-4.1", "--responses-api", "native").ok();
        String show = CLI.run("channel", "show", "ct-resp").ok().out();
        assertTrue(show.lines().anyMatch(l -> l.matches("responses: +native")), show);
        assertEquals("Updated channel ct-resp: responses_api.\n",
                CLI.run("channel", "update", "ct-resp", "--responses-api", "translate").ok().out());
        assertEquals("translate", CLI.json("channel", "show", "ct-resp").ok().json().path("responses_api").asText());
        Cli.Result refused = CLI.run("channel", "update", "ct-resp", "--responses-api", "yes").exits(1);
        assertTrue(refused.err().contains("'responses_api' must be \"native\" or \"translate\"."), refused.err());
    }

    @Test
    void testReportsLatencyOrTheMappedError() {
        add("ct-good", upstream.apiKey(), "--models", "gpt-4o-mini").ok();
        String works = CLI.run("channel", "test", "ct-good").ok().out();
        assertTrue(works.matches("Channel ct-good works: gpt-4o-mini answered in \\d+ ms\\.\n"), works);
        assertEquals("gpt-4o-mini", upstream.lastRequest().json().path("model").asText());

        JsonNode json = CLI.json("channel", "test", "ct-good", "--model", "gpt-4o").ok().json();
        assertTrue(json.path("ok").asBoolean());
        assertEquals("gpt-4o", json.path("model").asText());
        assertTrue(json.path("latency_ms").isIntegralNumber());

        add("ct-bad", WRONG_KEY, "--models", "gpt-4o").ok();
        Cli.Result refused = CLI.run("channel", "test", "ct-bad").exits(1);
        assertTrue(refused.err().startsWith("mbctl: channel ct-bad failed the test with gpt-4o after "), refused.err());
        assertTrue(refused.err().endsWith("(HTTP 502 upstream_auth_failed; the upstream answered HTTP 401)\n"),
                refused.err());
        assertEquals(1, refused.err().lines().count());

        upstream.failNextOverloaded(1);
        Cli.Result down = CLI.json("channel", "test", "ct-good").exits(1);
        assertFalse(down.json().path("ok").asBoolean());
        assertEquals("upstream_unavailable", down.error().path("code").asText());
        assertEquals(1, CLI.run("channel", "test", "ct-nowhere").exits(1).exit());
    }

    @Test
    void enableDisableUpdateRemove() {
        add("ct-life", WRONG_KEY, "--models", "gpt-4o").ok();
        assertEquals("Channel ct-life disabled.\n", CLI.run("channel", "disable", "ct-life").ok().out());
        assertFalse(CLI.json("channel", "show", "ct-life").ok().json().path("enabled").asBoolean());
        assertTrue(CLI.json("channel", "enable", "ct-life").ok().json().path("enabled").asBoolean());

        assertEquals("Updated channel ct-life: credential, priority.\n",
                CLI.run("channel", "update", "ct-life", "--credential", upstream.apiKey(), "--priority", "4").ok().out());
        CLI.run("channel", "test", "ct-life").ok();
        assertEquals(2, CLI.run("channel", "update", "ct-life").exits(2).exit());

        assertEquals("Removed channel ct-life.\n", CLI.run("channel", "remove", "ct-life").ok().out());
        assertEquals("mbctl: No channel named 'ct-life'.\n", CLI.run("channel", "show", "ct-life").exits(1).err());
        assertEquals("not_found", CLI.json("channel", "remove", "ct-life").exits(1).error().path("code").asText());
    }

    @Test
    void theCredentialCanComeFromStandardInput() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream((upstream.apiKey() + "\n").getBytes(StandardCharsets.UTF_8)));
            add("ct-stdin", "-", "--models", "gpt-4o").ok();
        } finally {
            System.setIn(stdin);
        }
        CLI.run("channel", "test", "ct-stdin").ok();
    }

    @Test
    void refusalsAndUsageErrors() {
        Cli.Result provider = CLI.run("channel", "add", "ct-x", "--provider", "nope", "--credential", "k").exits(1);
        assertTrue(provider.err().startsWith("mbctl: No loaded plugin serves provider 'nope'"), provider.err());
        assertEquals("base_url", CLI.json("channel", "add", "ct-x", "--provider", "openai", "--credential", "k",
                "--base-url", "ftp://x").exits(1).error().path("param").asText());
        assertEquals("weight", CLI.json("channel", "add", "ct-x", "--provider", "openai", "--credential", "k",
                "--weight", "0").exits(1).error().path("param").asText());
        assertTrue(CLI.run("channel", "add", "ct-x", "--provider", "openai").exits(2).err().contains("--credential"));
        assertTrue(CLI.run("channel", "add", "ct-x", "--credential", "k").exits(2).err().contains("--provider"));
        assertEquals(2, CLI.run("channel", "add", "ct-x", "--provider", "openai", "--credential", "k",
                "--priority", "high").exit());
    }

    /** The console's history keeps {@code ***} for a credential: a recalled line must not store it as one. */
    @Test
    void theHistoryMaskIsRefusedAsACredential() {
        String refusal = "mbctl: --credential is '***', the mask the console's history keeps in place of a credential,"
                + " not a credential: type the credential itself (the line recalled from the history has lost it).";
        assertTrue(add("ct-masked", "***").exits(2).err().startsWith(refusal), "add");
        CLI.run("channel", "show", "ct-masked").exits(1);
        add("ct-masked", upstream.apiKey(), "--models", "gpt-4o").ok();
        assertTrue(CLI.run("channel", "update", "ct-masked", "--credential=***").exits(2).err().startsWith(refusal));
        CLI.run("channel", "test", "ct-masked").ok(); // the real credential is still the one stored
    }

    /**
     * The README's first-day example: a base URL is the server's address, with or without the /v1 the openai plugin
     * appends (a base that already ends with /v1 is not doubled).
     */
    @Test
    void aBaseUrlWorksWithOrWithoutV1() {
        upstream.clearRequests();
        CLI.run("channel", "add", "ct-base", "--provider", "openai", "--credential", upstream.apiKey(),
                "--base-url", upstream.baseUri().toString(), "--models", "gpt-4o-mini").ok();
        CLI.run("channel", "test", "ct-base").ok();
        CLI.run("channel", "update", "ct-base", "--base-url", upstream.baseUri() + "/v1").ok();
        CLI.run("channel", "test", "ct-base").ok();
        CLI.run("channel", "update", "ct-base", "--base-url", upstream.baseUri() + "/v1/").ok();
        CLI.run("channel", "test", "ct-base").ok();
        assertEquals(List.of("/v1/chat/completions", "/v1/chat/completions", "/v1/chat/completions"),
                upstream.requests().stream().map(r -> r.path()).toList());
    }
}
