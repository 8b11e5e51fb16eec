package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portal show|set}, {@code portal invite create|list|revoke} and the {@code portal} section of apply files.
 * The portal's settings are one row of the shared test gateway: every test here starts from the defaults.
 */
class PortalCommandsTest {
    private static final Cli CLI = Cli.gateway();

    @BeforeEach
    void defaults() {
        CLI.run("portal", "set", "--registration", "open", "--domains", "", "--free-quota", "0", "--rpm", "none",
                "--tpm", "none", "--models", "").ok();
    }

    @Test
    void showPrintsTheSettingsAsATableOrTheApiJson() {
        assertEquals("""
                registration:    open
                allowed domains: any
                free quota:      0
                rpm:             -
                tpm:             -
                models:          all
                """, CLI.run("portal", "show").ok().out());
        JsonNode json = CLI.json("portal", "show").ok().json();
        assertEquals("portal_settings", json.path("object").asText());
        assertTrue(json.path("rpm").isNull());
        assertEquals(0, json.path("allowed_domains").size());
    }

    @Test
    void setSendsOnlyTheOptionsGiven() {
        assertEquals("Portal: registration invite, domains example.com,b.org, free quota 2.5, 30 rpm, no tpm, "
                        + "models all.\n",
                CLI.run("portal", "set", "--registration", "invite", "--domains", "Example.com, b.org",
                        "--free-quota", "2.50", "--rpm", "30").ok().out());
        JsonNode json = CLI.json("portal", "set", "--tpm", "50000", "--models", "gpt-4o-mini,pt-smart").ok().json();
        assertEquals("invite", json.path("registration").asText());
        assertEquals(List.of("example.com", "b.org"), strings(json.path("allowed_domains")));
        assertEquals(30, json.path("rpm").asInt());
        assertEquals(50000, json.path("tpm").asInt());
        assertEquals(List.of("gpt-4o-mini", "pt-smart"), strings(json.path("models")));

        String table = CLI.run("portal", "show").ok().out();
        assertTrue(table.contains("allowed domains: example.com,b.org\n"), table);
        assertTrue(table.contains("models:          gpt-4o-mini,pt-smart\n"), table);

        JsonNode cleared = CLI.json("portal", "set", "--rpm", "none", "--domains", "", "--models", "").ok().json();
        assertTrue(cleared.path("rpm").isNull());
        assertEquals(50000, cleared.path("tpm").asInt());
        assertEquals(0, cleared.path("allowed_domains").size());
        assertEquals(0, cleared.path("models").size());
        assertEquals("2.5", cleared.path("free_quota").asText());
    }

    @Test
    void usageErrorsAndRefusals() {
        assertTrue(CLI.run("portal", "set").exits(2).err().contains("at least one of --registration"));
        assertTrue(CLI.run("portal", "set", "--rpm", "lots").exits(2).err().contains("neither a whole number"));
        assertTrue(CLI.run("portal", "set", "--free-quota", "x").exits(2).err().contains("--free-quota"));
        assertEquals(2, CLI.run("portal").exit());
        assertEquals(2, CLI.run("portal", "invite").exit());
        assertEquals(2, CLI.run("portal", "invite", "create", "--expires", "someday").exit());

        assertEquals("mbctl: 'registration' must be one of: open, closed, invite.\n",
                CLI.run("portal", "set", "--registration", "public").exits(1).err());
        assertEquals("rpm", CLI.json("portal", "set", "--rpm", "0").exits(1).error().path("param").asText());
        assertEquals("allowed_domains",
                CLI.json("portal", "set", "--domains", "a@b.com").exits(1).error().path("param").asText());
        assertEquals("free_quota",
                CLI.json("portal", "set", "--free-quota", "-1").exits(1).error().path("param").asText());
        assertEquals("uses", CLI.json("portal", "invite", "create", "--uses", "0").exits(1).error().path("param")
                .asText());
        assertEquals("open", CLI.json("portal", "show").ok().json().path("registration").asText());
    }

    @Test
    void invitesAreCreatedListedAndRevoked() {
        Cli.Result created = CLI.run("portal", "invite", "create", "--uses", "3", "--expires", "7d").ok();
        List<String> lines = created.out().lines().toList();
        assertEquals(2, lines.size(), created.out());
        assertTrue(lines.get(0).startsWith("Created an invite for 3 sign-ups, until "), lines.get(0));
        String code = lines.get(1);
        assertTrue(code.matches("inv-[A-Za-z0-9_-]{16}"), code);

        JsonNode json = CLI.json("portal", "invite", "create", "--expires", "2099-01-31").ok().json();
        String dated = json.path("code").asText();
        assertEquals(1, json.path("max_uses").asInt());
        assertEquals("2099-01-31T00:00:00Z", json.path("expires_at").asText());
        assertEquals("Created an invite for 1 sign-up:",
                CLI.run("portal", "invite", "create").ok().out().lines().findFirst().orElseThrow());

        String list = CLI.run("portal", "invite", "list").ok().out();
        assertTrue(list.startsWith("CODE"), list);
        String minute = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ";
        assertTrue(list.lines().anyMatch(l -> l.matches(code + " +0/3 +usable +" + minute + " +" + minute)), list);
        assertTrue(list.lines().anyMatch(l -> l.matches(dated + " +0/1 +usable +2099-01-31 00:00Z +.*")), list);
        assertEquals("list", CLI.json("portal", "invite", "list").ok().json().path("object").asText());

        assertEquals("Revoked invite " + code + ".\n", CLI.run("portal", "invite", "revoke", code).ok().out());
        assertFalse(CLI.run("portal", "invite", "list").ok().out().contains(code));
        assertTrue(CLI.json("portal", "invite", "revoke", dated).ok().json().path("deleted").asBoolean());
        Cli.Result again = CLI.json("portal", "invite", "revoke", code).exits(1);
        assertEquals("not_found", again.error().path("code").asText());
    }

    @Test
    void applyFilesMayHaveAPortalSection(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("portal.yaml");
        Files.writeString(file, """
                portal:
                  registration: invite
                  allowed_domains: [Example.com, b.org]
                  free_quota: 5
                  rpm: 20
                  models: [pt-chat]
                """);
        assertEquals(List.of("would update portal settings (registration, allowed_domains, free_quota, rpm, models)",
                "Dry run: 1 change would be made; nothing was changed."),
                CLI.run("apply", "-f", file.toString(), "--dry-run").ok().out().lines().toList());
        assertEquals("open", CLI.json("portal", "show").ok().json().path("registration").asText(),
                "a dry run changes nothing");
        JsonNode dry = CLI.json("apply", "-f", file.toString(), "--dry-run").ok().json();
        assertEquals("portal", dry.at("/changes/0/kind").asText());
        assertEquals("settings", dry.at("/changes/0/name").asText());

        assertEquals("update portal settings (registration, allowed_domains, free_quota, rpm, models)\n"
                + "Applied 1 change.\n", CLI.run("apply", "-f", file.toString()).ok().out());
        JsonNode applied = CLI.json("portal", "show").ok().json();
        assertEquals("invite", applied.path("registration").asText());
        assertEquals(List.of("example.com", "b.org"), strings(applied.path("allowed_domains")));
        assertEquals("5", applied.path("free_quota").asText());
        assertEquals(20, applied.path("rpm").asInt());
        assertTrue(applied.path("tpm").isNull(), "left out: left as it was");
        assertEquals("No changes: the gateway already matches " + file + ".\n",
                CLI.run("apply", "-f", file.toString()).ok().out());

        Files.writeString(file, "portal: {allowed_domains: [], free_quota: 5.000}\n");
        assertEquals("update portal settings (allowed_domains)\nApplied 1 change.\n",
                CLI.run("apply", "-f", file.toString()).ok().out());
        assertEquals(0, CLI.json("portal", "show").ok().json().path("allowed_domains").size());

        Files.writeString(file, "portal: {registration: public}\n");
        assertTrue(CLI.run("apply", "-f", file.toString()).exits(2).err().contains("'portal.registration'"));
        Files.writeString(file, "portal: {captcha: true}\n");
        assertTrue(CLI.run("apply", "-f", file.toString()).exits(2).err().contains("unknown field 'portal.captcha'"));
        Files.writeString(file, "portal: {rpm: 0}\n");
        String refused = CLI.run("apply", "-f", file.toString(), "--dry-run").exits(1).err();
        assertTrue(refused.startsWith("mbctl: update portal settings: "), refused);
        assertEquals(refused, CLI.run("apply", "-f", file.toString()).exits(1).err(),
                "the dry run refuses what the apply would, in the gateway's words");
        assertEquals("rpm", CLI.json("apply", "-f", file.toString()).exits(1).error().path("param").asText());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
