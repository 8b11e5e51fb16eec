package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@code user add|list|show|disable|enable|remove} against the real gateway. */
class UserCommandsTest {
    private final Cli cli = Cli.gateway();

    @Test
    void addShowListInTables() {
        Cli.Result added = cli.run("user", "add", "ut-alice", "--email", "alice@example.com", "--quota", "100000").ok();
        assertEquals("Created user ut-alice (role user, quota 100000).\n", added.out());
        assertEquals("", added.err());

        String shown = cli.run("user", "show", "ut-alice").ok().out();
        assertTrue(shown.matches("(?s)name: +ut-alice\nemail: +alice@example.com\nrole: +user\nenabled: +yes\n"
                + "quota: +100000\ncreated: +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\dZ\nkeys: +0\n"), shown);

        String list = cli.run("user", "list").ok().out();
        assertTrue(list.startsWith("NAME"), list);
        assertTrue(list.lines().anyMatch(l -> l.matches("ut-alice +alice@example.com +user +yes +100000 .*")), list);
    }

    @Test
    void addShowListInJson() {
        JsonNode added = cli.json("user", "add", "ut-bob", "--role", "admin").ok().json();
        assertEquals("user", added.path("object").asText());
        assertEquals("ut-bob", added.path("name").asText());
        assertEquals("admin", added.path("role").asText());
        assertEquals(0, added.path("quota_balance").asInt());

        JsonNode shown = cli.json("user", "show", "ut-bob").ok().json();
        assertEquals(added.path("id"), shown.path("id"));

        JsonNode list = cli.json("user", "list").ok().json();
        assertEquals("list", list.path("object").asText());
        boolean found = false;
        for (JsonNode u : list.path("data")) {
            found |= "ut-bob".equals(u.path("name").asText());
        }
        assertTrue(found, list.toString());
    }

    @Test
    void disableRefusesTheUsersKeysAndEnableLetsThemBack() {
        cli.run("user", "add", "ut-carol").ok();
        String key = cli.json("key", "create", "--user", "ut-carol").ok().json().path("key").asText();
        assertEquals(200, GatewayApi.models(key).statusCode());

        assertEquals("User ut-carol disabled: their keys are refused.\n", cli.run("user", "disable", "ut-carol").ok().out());
        assertEquals(401, GatewayApi.models(key).statusCode());
        assertFalse(cli.json("user", "show", "ut-carol").ok().json().path("enabled").asBoolean());

        JsonNode enabled = cli.json("user", "enable", "ut-carol").ok().json();
        assertTrue(enabled.path("enabled").asBoolean());
        assertEquals(200, GatewayApi.models(key).statusCode());
    }

    @Test
    void removeDeletesTheUserAndTheirKeys() {
        cli.run("user", "add", "ut-dave").ok();
        String key = cli.json("key", "create", "--user", "ut-dave").ok().json().path("key").asText();
        assertEquals("Removed user ut-dave and their keys.\n", cli.run("user", "remove", "ut-dave").ok().out());
        assertEquals(401, GatewayApi.models(key).statusCode());
        JsonNode again = cli.json("user", "remove", "ut-dave").exits(1).error();
        assertEquals("not_found", again.path("code").asText());
    }

    @Test
    void refusalsExitOneWithOneLineNamingTheObjectOrField() {
        cli.run("user", "add", "ut-erin").ok();
        Cli.Result duplicate = cli.run("user", "add", "ut-erin").exits(1);
        assertEquals("mbctl: An object with name 'ut-erin' already exists. (field 'name')\n", duplicate.err());
        assertEquals("", duplicate.out());

        Cli.Result role = cli.run("user", "add", "ut-frank", "--role", "root").exits(1);
        assertEquals("mbctl: 'role' must be one of: user, admin.\n", role.err());

        Cli.Result missing = cli.run("user", "show", "ut-nobody").exits(1);
        assertEquals("mbctl: No user named 'ut-nobody'.\n", missing.err());
        assertEquals(1, cli.run("user", "disable", "ut-nobody").exit());

        JsonNode name = cli.json("user", "add", "has space").exits(1).error();
        assertEquals("name", name.path("param").asText());
        assertEquals("invalid_request_error", name.path("type").asText());
    }

    @Test
    void usageErrorsExitTwo() {
        Cli.Result noName = cli.run("user", "add").exits(2);
        assertEquals("mbctl: Missing required parameter: 'NAME' (see 'mbctl user add --help')\n", noName.err());
        assertEquals(2, cli.run("user").exit());
        assertEquals(2, cli.run("user", "frobnicate").exit());
        assertEquals(2, cli.run("user", "add", "x", "--quota", "lots").exit());
        JsonNode json = cli.json("user", "list", "extra").exits(2).error();
        assertEquals("usage_error", json.path("code").asText());
    }
}
