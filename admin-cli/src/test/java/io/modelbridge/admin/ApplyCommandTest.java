package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apply -f}: creates what is missing, updates what differs, and a second run changes nothing. */
class ApplyCommandTest {
    private static final String ROTATED = "sk-rotated-0000000000000000ABCD";
    @TempDir
    Path dir;

    private Path file(String prefix, String extra) throws IOException {
        String yaml = """
                users:    [{name: %1$s-alice, email: a@example.com, role: user, quota: 100000}]
                channels:
                  - name: %1$s-ds
                    provider: openai
                    credential: ${%1$s_KEY}
                    base_url: %2$s
                    models: [gpt-4o-mini]
                    priority: 0
                    weight: 1
                aliases:  [{name: %1$s-chat, targets: [{channel: %1$s-ds, model: gpt-4o-mini, priority: 0, weight: 1}]}]
                limits:
                  - {scope: user, name: %1$s-alice, rpm: 60, tpm: 100000}
                  - {scope: model, name: %1$s-chat, rpm: 100}
                prices:   [{model: %1$s-chat, input: 0.5, output: 1.5}]
                keys:     [{user: %1$s-alice, label: laptop, models: [%1$s-chat]}]
                """.formatted(prefix, TestGateway.get().upstream.baseUri()) + extra;
        Path file = dir.resolve(prefix + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static Cli cli(String prefix, String key) {
        return Cli.gateway().env(prefix + "_KEY", key);
    }

    @Test
    void dryRunThenApplyThenNothingLeftToDo() throws IOException {
        Path file = file("ap1", "");
        Cli cli = cli("ap1", TestGateway.get().upstream.apiKey());

        Cli.Result dry = cli.run("apply", "-f", file.toString(), "--dry-run").ok();
        assertEquals(List.of("would create user ap1-alice", "would create channel ap1-ds",
                "would create alias ap1-chat (checked when applied: it needs channel ap1-ds, which this file creates)",
                "would create limit user ap1-alice (checked when applied: it needs user ap1-alice, which this file "
                        + "creates)", "would create limit model ap1-chat", "would create price ap1-chat",
                "would create key ap1-alice/laptop (checked when applied: it needs user ap1-alice, which this file "
                        + "creates)", "Dry run: 7 changes would be made; nothing was changed."),
                dry.out().lines().toList());
        assertEquals(1, cli.run("user", "show", "ap1-alice").exit(), "a dry run changes nothing");
        assertEquals(1, cli.run("channel", "show", "ap1-ds").exit());

        Cli.Result applied = cli.run("apply", "-f", file.toString()).ok();
        List<String> lines = applied.out().lines().toList();
        assertEquals("create user ap1-alice", lines.get(0));
        assertEquals("create key ap1-alice/laptop", lines.get(7 - 1));
        assertTrue(lines.get(7).matches("  key \\d+, its secret shown only now: mb-[A-Za-z0-9_-]{43}"), lines.get(7));
        assertEquals("Applied 7 changes.", lines.get(8));
        assertEquals("100000", cli.json("user", "show", "ap1-alice").ok().json().path("quota_balance").asText());
        String secret = lines.get(7).substring(lines.get(7).lastIndexOf(' ') + 1);
        var answer = GatewayApi.chat(secret, "ap1-chat", "provisioned");
        assertEquals(200, answer.statusCode(), answer.body());

        Cli.Result again = cli.run("apply", "-f", file.toString()).ok();
        assertEquals("No changes: the gateway already matches " + file + ".\n", again.out());
        JsonNode json = cli.json("apply", "-f", file.toString()).ok().json();
        assertEquals("apply", json.path("object").asText());
        assertTrue(json.path("changes").isArray());
        assertEquals(0, json.path("changes").size());
        assertEquals(1, cli.json("key", "list", "--user", "ap1-alice").ok().json().path("data").size(),
                "the key was not created twice");
    }

    @Test
    void changesInTheFileOrTheEnvironmentAreUpdates() throws IOException {
        Path file = file("ap2", "");
        cli("ap2", TestGateway.get().upstream.apiKey()).json("apply", "-f", file.toString()).ok();
        Path changed = file("ap2", "");
        Files.writeString(changed, Files.readString(changed).replace("input: 0.5", "input: 0.75")
                .replace("rpm: 100}", "rpm: 200}"));
        Cli rotated = cli("ap2", ROTATED);

        JsonNode dry = rotated.json("apply", "-f", changed.toString(), "--dry-run").ok().json();
        assertTrue(dry.path("dry_run").asBoolean());
        assertEquals("[{\"action\":\"update\",\"kind\":\"channel\",\"name\":\"ap2-ds\",\"fields\":[\"credential\"]},"
                + "{\"action\":\"update\",\"kind\":\"limit\",\"name\":\"model ap2-chat\",\"fields\":[\"rpm\"]},"
                + "{\"action\":\"update\",\"kind\":\"price\",\"name\":\"ap2-chat\",\"fields\":[\"input\"]}]",
                dry.path("changes").toString());
        assertFalse(dry.toString().contains(ROTATED), "the credential is named, never shown");
        assertEquals("sk-…cdef", rotated.json("channel", "show", "ap2-ds").ok().json().path("credential_hint").asText());

        assertEquals(3, rotated.json("apply", "-f", changed.toString()).ok().json().path("changes").size());
        assertEquals("sk-…ABCD", rotated.json("channel", "show", "ap2-ds").ok().json().path("credential_hint").asText());
        assertEquals(0, rotated.json("apply", "-f", changed.toString()).ok().json().path("changes").size());
    }

    @Test
    void aCachedInputPriceIsAppliedComparedAndCleared() throws IOException {
        Cli cli = cli("ap6", TestGateway.get().upstream.apiKey());
        Path cached = file("ap6", "");
        Files.writeString(cached, Files.readString(cached).replace("input: 0.5,", "input: 0.5, cached_input: 0.125,"));
        cli.json("apply", "-f", cached.toString()).ok();
        JsonNode price = priceOf(cli, "ap6-chat");
        assertEquals("0.125", price.path("cached_input_per_1k").asText(), price.toString());
        assertEquals(0, cli.json("apply", "-f", cached.toString()).ok().json().path("changes").size());

        Files.writeString(cached, Files.readString(cached).replace("cached_input: 0.125", "cached_input: 0.25"));
        assertEquals("[{\"action\":\"update\",\"kind\":\"price\",\"name\":\"ap6-chat\",\"fields\":[\"cached_input\"]}]",
                cli.json("apply", "-f", cached.toString()).ok().json().path("changes").toString());
        assertEquals("0.25", priceOf(cli, "ap6-chat").path("cached_input_per_1k").asText());

        Path plain = file("ap6", ""); // no cached_input: cached tokens cost the input price again
        assertEquals("[{\"action\":\"update\",\"kind\":\"price\",\"name\":\"ap6-chat\",\"fields\":[\"cached_input\"]}]",
                cli.json("apply", "-f", plain.toString()).ok().json().path("changes").toString());
        assertTrue(priceOf(cli, "ap6-chat").path("cached_input_per_1k").isNull());
    }

    @Test
    void aChannelsResponsesApiModeIsAppliedAndCompared() throws IOException {
        Cli cli = cli("ap8", TestGateway.get().upstream.apiKey());
        Path manifest = Files.createTempFile("ap8", ".yaml");
        Files.writeString(manifest, "channels: [{name: ap8-c, provider: openai, base_url: '"
                + TestGateway.get().upstream.baseUri() + "', responses_api: native}]\n");
        cli.json("apply", "-f", manifest.toString()).ok();
        assertEquals("native", cli.json("channel", "show", "ap8-c").ok().json().path("responses_api").asText());
        assertEquals(0, cli.json("apply", "-f", manifest.toString()).ok().json().path("changes").size());
        Files.writeString(manifest, Files.readString(manifest).replace("native", "translate"));
        assertEquals("[{\"action\":\"update\",\"kind\":\"channel\",\"name\":\"ap8-c\",\"fields\":[\"responses_api\"]}]",
                cli.json("apply", "-f", manifest.toString()).ok().json().path("changes").toString());
        assertEquals("translate", cli.json("channel", "show", "ap8-c").ok().json().path("responses_api").asText());
    }

    private static JsonNode priceOf(Cli cli, String model) {
        for (JsonNode price : cli.json("price", "list").ok().json().path("data")) {
            if (price.path("model").asText().equals(model)) {
                return price;
            }
        }
        throw new AssertionError("no price for " + model);
    }

    @Test
    void anEmptyListOfAliasesForAKeyIsAnUpdateThatClearsThem() throws IOException {
        Cli cli = cli("ap5", TestGateway.get().upstream.apiKey());
        cli.json("apply", "-f", file("ap5", "").toString()).ok();
        Path cleared = file("ap5", "");
        Files.writeString(cleared, Files.readString(cleared).replace("models: [ap5-chat]}]", "models: []}]"));

        JsonNode dry = cli.json("apply", "-f", cleared.toString(), "--dry-run").ok().json();
        assertEquals("[{\"action\":\"update\",\"kind\":\"key\",\"name\":\"ap5-alice/laptop\","
                + "\"fields\":[\"models\"]}]", dry.path("changes").toString());
        cli.json("apply", "-f", cleared.toString()).ok();
        JsonNode key = cli.json("key", "list", "--user", "ap5-alice").ok().json().path("data").get(0);
        assertEquals(0, key.path("models").size(), "the key may call every alias again: " + key);
        assertEquals(0, cli.json("apply", "-f", cleared.toString()).ok().json().path("changes").size());
    }

    @Test
    void invalidFilesAreUsageErrorsNamingTheField() throws IOException {
        Cli cli = cli("ap3", "k");
        Path typo = file("ap3", "");
        Files.writeString(typo, Files.readString(typo).replace("base_url:", "bse_url:"));
        Cli.Result unknown = cli.run("apply", "-f", typo.toString()).exits(2);
        assertTrue(unknown.err().contains("unknown field 'channels[0].bse_url'"), unknown.err());

        Cli.Result unset = Cli.gateway().run("apply", "-f", file("ap3", "").toString()).exits(2);
        assertEquals("mbctl: apply file: 'channels[0].credential' uses ${ap3_KEY}, but the environment variable "
                + "ap3_KEY is not set.\n", unset.err());

        Path keyWithoutLabel = file("ap3", "");
        Files.writeString(keyWithoutLabel, Files.readString(keyWithoutLabel).replace("label: laptop, ", ""));
        assertTrue(cli.run("apply", "-f", keyWithoutLabel.toString()).exits(2).err().contains("'keys[0].label'"));

        Path wrongType = dir.resolve("type.yaml");
        Files.writeString(wrongType, "users: [{name: x, quota: lots}]\n");
        assertTrue(cli.run("apply", "-f", wrongType.toString()).exits(2).err().contains("'users[0].quota'"));

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "users: [{name: x\n");
        assertTrue(cli.run("apply", "-f", broken.toString()).exits(2).err().contains("not valid YAML"));
        assertTrue(cli.json("apply", "-f", dir.resolve("missing.yaml").toString()).exits(2).error()
                .path("message").asText().contains("does not exist"));
        assertTrue(cli.run("apply").exits(2).err().contains("--file"));
    }

    @Test
    void aRefusalComesBeforeAnyChange() throws IOException {
        Path file = dir.resolve("partial.yaml");
        Files.writeString(file, """
                users: [{name: ap4-alice}]
                channels: [{name: ap4-c, provider: no-such-plugin}]
                """);
        Cli.Result refused = Cli.gateway().json("apply", "-f", file.toString()).exits(1);
        JsonNode report = refused.json();
        assertFalse(report.path("complete").asBoolean());
        assertEquals(0, report.path("changes").size(), "the gateway checked every change first");
        assertEquals("provider", refused.error().path("param").asText());
        Cli.gateway().run("user", "show", "ap4-alice").exits(1);
    }

    /**
     * A dry run is the gateway's own check of each change (its rules, its database, rolled back): it refuses what the
     * apply would refuse, in the same words, and the apply refuses it before any change.
     */
    @Test
    void aDryRunRefusesWhatTheApplyWouldRefuse() throws IOException {
        Path file = dir.resolve("eve.yaml");
        Files.writeString(file, "users: [{name: ap7-bob}, {name: ap7-eve, quota: -5}]\n");
        String refusal = "mbctl: create user ap7-eve: 'quota' must be between 0 and 99999999999999 with at most 6 "
                + "decimals.\n";
        assertEquals(refusal, Cli.gateway().run("apply", "-f", file.toString(), "--dry-run").exits(1).err());
        assertEquals(refusal, Cli.gateway().run("apply", "-f", file.toString()).exits(1).err());
        Cli.gateway().run("user", "show", "ap7-bob").exits(1); // refused as a whole: nothing was made
        assertTrue(Cli.gateway().run("user", "add", "ap7-eve", "--quota", "-5").exits(1).err()
                .startsWith("mbctl: 'quota' must be between 0 and 99999999999999 with at most 6 decimals."),
                "the gateway's own rule, in the same words");

        for (String[] bad : new String[][] {
            {"users: [{name: ap7-x, role: root}]", "create user ap7-x: "},
            {"users: [{name: 'ap7 x'}]", "create user ap7 x: "},
            {"prices: [{model: ap7-m, input: 0.0000001, output: 1}]", "create price ap7-m: "},
            {"channels: [{name: ap7-c, provider: openai, weight: 0}]", "create channel ap7-c: "},
            {"channels: [{name: ap7-c, provider: openai, base_url: 'ftp://x'}]", "create channel ap7-c: "},
            {"channels: [{name: ap7-c, provider: no-such-plugin}]", "create channel ap7-c: "},
            {"limits: [{scope: global, rpm: 0}]", "create limit global: "},
            {"portal: {free_quota: -1}", "update portal settings: "}}) {
            Files.writeString(file, bad[0] + "\n");
            String dry = Cli.gateway().run("apply", "-f", file.toString(), "--dry-run").exits(1).err();
            assertTrue(dry.startsWith("mbctl: " + bad[1]), bad[0] + " -> " + dry);
            assertEquals(dry, Cli.gateway().run("apply", "-f", file.toString()).exits(1).err(), bad[0]);
        }
        for (String[] bad : new String[][] {
            {"channels: [{name: ap7-c, provider: openai, credential: '***'}]", "the console history's mask"},
            {"keys: [{user: ap7-nobody, label: x}]", "'keys[0].user': no user named 'ap7-nobody' on the gateway or in"},
            {"aliases: [{name: ap7-a, targets: [{channel: ap7-none}]}]", "'aliases[0].targets[0].channel': no channel"}}) {
            Files.writeString(file, bad[0] + "\n");
            String err = Cli.gateway().run("apply", "-f", file.toString(), "--dry-run").exits(2).err();
            assertTrue(err.contains(bad[1]), bad[0] + " -> " + err);
        }
        Files.writeString(file, "users: [{name: ap7-carol, quota: 0.000001}]\nkeys: [{user: ap7-carol, label: x}]\n");
        assertEquals(List.of("would create user ap7-carol", "would create key ap7-carol/x (checked when applied: it "
                + "needs user ap7-carol, which this file creates)",
                "Dry run: 2 changes would be made; nothing was changed."),
                Cli.gateway().run("apply", "-f", file.toString(), "--dry-run").ok().out().lines().toList());
        Cli.gateway().run("user", "show", "ap7-carol").exits(1);
    }

    /** An update is checked by the gateway too, and the change it refuses is named. */
    @Test
    void anUpdateTheGatewayRefusesIsRefusedByTheDryRun() throws IOException {
        Path file = dir.resolve("update.yaml");
        Files.writeString(file, "users: [{name: ap8-dora}]\nkeys: [{user: ap8-dora, label: ci}]\n");
        Cli.gateway().run("apply", "-f", file.toString()).ok();
        Files.writeString(file, "users: [{name: ap8-dora}]\nkeys: [{user: ap8-dora, label: ci, rpm: -1}]\n");
        String dry = Cli.gateway().run("apply", "-f", file.toString(), "--dry-run").exits(1).err();
        assertTrue(dry.startsWith("mbctl: update key ap8-dora/ci: "), dry);
        assertEquals(dry, Cli.gateway().run("apply", "-f", file.toString()).exits(1).err());
    }
}
