package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code alias set|list|remove}, {@code limit set|list|clear}, {@code price set|list}. */
class RoutingCommandsTest {
    private static final Cli CLI = Cli.gateway();

    @BeforeAll
    static void channels() {
        String base = TestGateway.get().upstream.baseUri().toString();
        String key = TestGateway.get().upstream.apiKey();
        CLI.run("channel", "add", "rt-a", "--provider", "openai", "--credential", key, "--base-url", base).ok();
        CLI.run("channel", "add", "rt-b", "--provider", "openai", "--credential", key, "--base-url", base).ok();
        CLI.run("user", "add", "rt-user").ok();
    }

    /** Removes what {@link #channels} added, so that surefire's rerun of a failed case can add it again. */
    @AfterAll
    static void removeThem() {
        CLI.run("channel", "remove", "rt-a");
        CLI.run("channel", "remove", "rt-b");
        CLI.run("user", "remove", "rt-user");
    }

    @Test
    void aliasSetRoutesClientsAndReplacesItsTargets() {
        Cli.Result set = CLI.run("alias", "set", "rt-smart", "--target", "rt-a:gpt-4o-mini",
                "--target", "rt-b:gpt-4o,priority=1,weight=3", "--description", "best").ok();
        assertEquals("Alias rt-smart -> rt-a:gpt-4o-mini (p0 w1), rt-b:gpt-4o (p1 w3).\n", set.out());
        String key = CLI.json("key", "create", "--user", "rt-user").ok().json().path("key").asText();
        var answer = GatewayApi.chat(key, "rt-smart", "hello");
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("rt-a", answer.headers().firstValue("x-modelbridge-channel").orElseThrow());
        assertEquals("gpt-4o-mini", answer.headers().firstValue("x-modelbridge-upstream-model").orElseThrow());

        JsonNode replaced = CLI.json("alias", "set", "rt-smart", "--target", "rt-b").ok().json();
        assertEquals(1, replaced.path("targets").size());
        assertTrue(replaced.at("/targets/0/model").isNull(), "no model: the alias name goes upstream");

        String list = CLI.run("alias", "list").ok().out();
        assertTrue(list.lines().anyMatch(l -> l.matches("rt-smart +rt-b \\(p0 w1\\) +best")), list);
        assertEquals("list", CLI.json("alias", "list").ok().json().path("object").asText());
        assertEquals("Removed alias rt-smart.\n", CLI.run("alias", "remove", "rt-smart").ok().out());
        assertEquals(404, GatewayApi.chat(key, "rt-smart", "hello").statusCode());
        assertEquals("mbctl: No alias named 'rt-smart'.\n", CLI.run("alias", "remove", "rt-smart").exits(1).err());
    }

    @Test
    void aliasErrors() {
        assertEquals("mbctl: No channel named 'rt-nowhere'. (field 'targets[1].channel')\n",
                CLI.run("alias", "set", "rt-x", "--target", "rt-a", "--target", "rt-nowhere").exits(1).err());
        assertEquals("targets[0].weight", CLI.json("alias", "set", "rt-x", "--target", "rt-a,weight=0").exits(1)
                .error().path("param").asText());
        assertTrue(CLI.run("alias", "set", "rt-x", "--target", "rt-a,prio=2").exits(2).err()
                .contains("'prio' in 'rt-a,prio=2' is not a target setting"));
        assertTrue(CLI.run("alias", "set", "rt-x", "--target", "rt-a,weight=x").exits(2).err().contains("whole number"));
        assertTrue(CLI.run("alias", "set", "rt-x").exits(2).err().contains("--target"));
    }

    @Test
    void limitsForEveryScope() {
        String keyId = CLI.json("key", "create", "--user", "rt-user").ok().json().path("id").asText();
        assertEquals("Limit global: 600 rpm, no tpm.\n", CLI.run("limit", "set", "--global", "--rpm", "600").ok().out());
        assertEquals("Limit user rt-user: 60 rpm, 100000 tpm.\n",
                CLI.run("limit", "set", "--user", "rt-user", "--rpm", "60", "--tpm", "100000").ok().out());
        JsonNode byKey = CLI.json("limit", "set", "--key", keyId, "--tpm", "5000").ok().json();
        assertEquals("key", byKey.path("scope").asText());
        assertEquals(keyId, byKey.path("subject").asText());
        CLI.run("limit", "set", "--model", "rt-model", "--rpm", "10").ok();

        String list = CLI.run("limit", "list").ok().out();
        assertTrue(list.lines().anyMatch(l -> l.matches("user +rt-user +60 +100000")), list);
        assertTrue(list.lines().anyMatch(l -> l.matches("model +rt-model +10 +-")), list);
        assertTrue(CLI.json("limit", "list").ok().json().path("data").size() >= 4);

        assertEquals("Cleared the limit user rt-user.\n", CLI.run("limit", "clear", "--user", "rt-user").ok().out());
        CLI.run("limit", "clear", "--global").ok();
        CLI.json("limit", "clear", "--key", keyId).ok();
        CLI.run("limit", "clear", "--model", "rt-model").ok();
        assertEquals("mbctl: No rate limit named 'user:rt-user'.\n",
                CLI.run("limit", "clear", "--user", "rt-user").exits(1).err());
    }

    @Test
    void limitErrors() {
        assertTrue(CLI.run("limit", "set", "--global", "--user", "rt-user", "--rpm", "1").exits(2).err()
                .contains("exactly one scope"));
        assertTrue(CLI.run("limit", "set", "--rpm", "1").exits(2).err().contains("exactly one scope"));
        assertTrue(CLI.run("limit", "set", "--global").exits(2).err().contains("--rpm"));
        assertTrue(CLI.run("limit", "clear").exits(2).err().contains("exactly one scope"));
        assertEquals("subject", CLI.json("limit", "set", "--user", "rt-nobody", "--rpm", "1").exits(1).error()
                .path("param").asText());
        assertEquals("rpm", CLI.json("limit", "set", "--global", "--rpm", "-1").exits(1).error().path("param").asText());
    }

    @Test
    void prices() {
        assertEquals("Price of rt-model: 0.5 in, 1.5 out per 1000 tokens.\n",
                CLI.run("price", "set", "rt-model", "--input", "0.5", "--output", "1.5").ok().out());
        JsonNode json = CLI.json("price", "set", "rt-model", "--input", "0.25", "--output", "1").ok().json();
        assertEquals("0.25", json.path("input_per_1k").asText());
        String list = CLI.run("price", "list").ok().out();
        assertTrue(list.lines().anyMatch(l -> l.matches("rt-model +0\\.25 +- +1")), list);
        assertEquals("list", CLI.json("price", "list").ok().json().path("object").asText());
        assertEquals("input_per_1k", CLI.json("price", "set", "rt-model", "--input", "-1", "--output", "1").exits(1)
                .error().path("param").asText());
        assertTrue(CLI.run("price", "set", "rt-model", "--input", "1").exits(2).err().contains("--output"));
    }

    /** The admin API names its field; mbctl also names the option that set it where the two differ. */
    @Test
    void aRefusedPriceNamesTheOptionThatSetIt() {
        String input = CLI.run("price", "set", "rt-model", "--input", "-1", "--output", "1").exits(1).err();
        assertTrue(input.startsWith("mbctl: 'input_per_1k' ") && input.endsWith(" (set by --input)\n"), input);
        String cached = CLI.run("price", "set", "rt-model", "--input", "1", "--cached-input", "0.0000000000001",
                "--output", "1").exits(1).err();
        assertTrue(cached.startsWith("mbctl: 'cached_input_per_1k' ") && cached.endsWith(" (set by --cached-input)\n"),
                cached);
        String rpm = CLI.run("limit", "set", "--global", "--rpm", "0").exits(1).err();
        assertEquals("mbctl: 'rpm' must be greater than 0.\n", rpm);
    }

    @Test
    void aCachedInputPriceIsSetShownAndClearedByLeavingItOut() {
        assertEquals("Price of rt-cached: 2 in, 0.5 cached in, 8 out per 1000 tokens.\n", CLI.run("price", "set",
                "rt-cached", "--input", "2", "--cached-input", "0.5", "--output", "8").ok().out());
        String list = CLI.run("price", "list").ok().out();
        assertTrue(list.lines().findFirst().orElseThrow().matches("MODEL +INPUT/1K +CACHED/1K +OUTPUT/1K"), list);
        assertTrue(list.lines().anyMatch(l -> l.matches("rt-cached +2 +0\\.5 +8")), list);
        assertEquals("cached_input_per_1k", CLI.json("price", "set", "rt-cached", "--input", "2", "--cached-input",
                "-1", "--output", "8").exits(1).error().path("param").asText());
        JsonNode plain = CLI.json("price", "set", "rt-cached", "--input", "2", "--output", "8").ok().json();
        assertTrue(plain.path("cached_input_per_1k").isNull(), "cached tokens cost the input price again: " + plain);
    }
}
