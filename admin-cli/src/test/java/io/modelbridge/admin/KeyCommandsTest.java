package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code key create|list|show|revoke}: the secret is shown once and works; listings show only prefixes. */
class KeyCommandsTest {
    private static final Cli CLI = Cli.gateway();

    @BeforeAll
    static void users() {
        CLI.run("user", "add", "kt-alice").ok();
        CLI.run("user", "add", "kt-bob").ok();
    }

    /** So that surefire's rerun of a failed case can add them again (see RoutingCommandsTest). */
    @AfterAll
    static void removeThem() {
        CLI.run("user", "remove", "kt-alice");
        CLI.run("user", "remove", "kt-bob");
    }

    @Test
    void createPrintsTheSecretOnceAndItWorks() {
        Cli.Result created = CLI.run("key", "create", "--user", "kt-alice", "--label", "laptop").ok();
        List<String> lines = created.out().lines().toList();
        assertEquals(2, lines.size(), created.out());
        assertTrue(lines.get(0).matches("Created key \\d+ for kt-alice\\. Its secret, shown only now:"), lines.get(0));
        String secret = lines.get(1);
        assertTrue(secret.matches("mb-[A-Za-z0-9_-]{43}"), secret);
        assertEquals(200, GatewayApi.models(secret).statusCode());

        String id = lines.get(0).replaceAll("\\D+", " ").strip();
        for (String listing : List.of(CLI.run("key", "list").ok().out(), CLI.run("key", "show", id).ok().out(),
                CLI.json("key", "list").ok().out(), CLI.json("key", "show", id).ok().out())) {
            assertFalse(listing.contains(secret.substring(11)), "only the prefix may show: " + listing);
        }
        assertTrue(CLI.run("key", "list").out().contains(secret.substring(0, 11) + "…"));
    }

    @Test
    void createInJsonHasTheSecretInFieldKeyAndTheSettings() {
        Instant before = Instant.now();
        JsonNode key = CLI.json("key", "create", "--user", "kt-bob", "--label", "ci", "--models", "gpt-4o,gpt-4o-mini",
                "--expires", "30d", "--rpm", "60", "--tpm", "100000").ok().json();
        assertEquals("api_key", key.path("object").asText());
        assertTrue(key.path("key").asText().startsWith(key.path("prefix").asText()));
        assertEquals("[\"gpt-4o\",\"gpt-4o-mini\"]", key.path("models").toString());
        assertEquals(60, key.path("rpm").asInt());
        assertEquals(100000, key.path("tpm").asInt());
        Duration expiresIn = Duration.between(before, Instant.parse(key.path("expires_at").asText()));
        assertTrue(expiresIn.compareTo(Duration.ofDays(30).minusMinutes(1)) > 0 && expiresIn.compareTo(Duration.ofDays(30).plusMinutes(1)) < 0);

        JsonNode dated = CLI.json("key", "create", "--user", "kt-bob", "--expires", "2099-01-31").ok().json();
        assertEquals("2099-01-31T00:00:00Z", dated.path("expires_at").asText());
    }

    @Test
    void theResponseProfileIsSetAtCreationChangedByUpdateAndShown() {
        JsonNode key = CLI.json("key", "create", "--user", "kt-bob", "--profile", "classic").ok().json();
        assertEquals("classic", key.path("response_profile").asText());
        String id = key.path("id").asText();
        assertTrue(CLI.run("key", "show", id).ok().out().contains("classic"));
        assertEquals("full", CLI.json("key", "update", id, "--profile", "full").ok().json().path("response_profile").asText());
        Cli.Result reset = CLI.run("key", "update", id, "--profile", "default").ok();
        assertTrue(reset.out().contains("default profile"), reset.out());
        assertTrue(CLI.json("key", "show", id).ok().json().path("response_profile").isNull());
        assertEquals(2, CLI.run("key", "update", id, "--profile", "strict").exit());
    }

    @Test
    void listFiltersByUserInBothModes() {
        CLI.run("key", "create", "--user", "kt-alice", "--label", "filtered").ok();
        JsonNode bobs = CLI.json("key", "list", "--user", "kt-bob").ok().json();
        bobs.path("data").forEach(k -> assertEquals("kt-bob", k.path("user").asText()));
        String table = CLI.run("key", "list", "--user", "kt-alice").ok().out();
        assertTrue(table.startsWith("ID"), table);
        assertTrue(table.contains("filtered"), table);
        assertFalse(table.contains("kt-bob"), table);
        assertEquals("mbctl: No user named 'kt-nobody'.\n", CLI.run("key", "list", "--user", "kt-nobody").exits(1).err());
    }

    @Test
    void revokeRefusesTheKeyForGood() {
        JsonNode key = CLI.json("key", "create", "--user", "kt-alice", "--label", "doomed").ok().json();
        String id = key.path("id").asText();
        Cli.Result revoked = CLI.run("key", "revoke", id).ok();
        assertEquals("Revoked key " + id + " (" + key.path("prefix").asText() + "…) of kt-alice.\n", revoked.out());
        assertEquals(401, GatewayApi.models(key.path("key").asText()).statusCode());
        assertTrue(CLI.run("key", "show", id).ok().out().contains("revoked"));
        assertTrue(CLI.json("key", "revoke", id).ok().json().path("revoked").asBoolean(), "revoking twice is fine");
    }

    @Test
    void errorsNameWhatIsWrong() {
        assertEquals("mbctl: No user named 'kt-nobody'. (field 'user')\n",
                CLI.run("key", "create", "--user", "kt-nobody").exits(1).err());
        assertEquals("rpm", CLI.json("key", "create", "--user", "kt-alice", "--rpm", "0").exits(1).error()
                .path("param").asText());
        assertEquals("mbctl: No API key with id '999999'.\n", CLI.run("key", "revoke", "999999").exits(1).err());
        assertTrue(CLI.run("key", "create", "--user", "kt-alice", "--expires", "soon").exits(2).err()
                .contains("'--expires'"));
        assertEquals("mbctl: 'expires_at' must be in the future. (set by --expires)\n",
                CLI.run("key", "create", "--user", "kt-alice", "--expires", "2000-01-31").exits(1).err());
        assertTrue(CLI.run("key", "create").exits(2).err().contains("--user"));
        assertTrue(CLI.run("key", "revoke", "abc").exits(2).err().contains("ID"));
    }
}
