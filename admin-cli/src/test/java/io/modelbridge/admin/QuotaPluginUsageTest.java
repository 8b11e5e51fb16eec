package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code quota grant|show}, {@code plugin list|reload}, {@code usage}. */
class QuotaPluginUsageTest {
    private static final Cli CLI = Cli.gateway();

    @Test
    void quotaGrantAndShow() {
        CLI.run("user", "add", "qt-alice", "--quota", "100").ok();
        assertEquals("Granted 50 credits to qt-alice; balance 150.\n",
                CLI.run("quota", "grant", "qt-alice", "50", "--note", "top-up").ok().out());
        assertEquals("Took 20 credits from qt-alice; balance 130.\n",
                CLI.run("quota", "grant", "qt-alice", "-20").ok().out());
        String shown = CLI.run("quota", "show", "qt-alice").ok().out();
        assertTrue(shown.startsWith("qt-alice: balance 130 credits\nWHEN"), shown);
        assertTrue(shown.lines().anyMatch(l -> l.matches(".* grant +50 +150 +- +top-up")), shown);
        assertTrue(shown.lines().anyMatch(l -> l.matches(".* adjust +-20 +130 +- +-")), shown);
        JsonNode json = CLI.json("quota", "show", "qt-alice").ok().json();
        assertEquals(130, json.path("balance").asInt());
        assertEquals(3, json.path("ledger").size());
        assertEquals(180, CLI.json("quota", "grant", "qt-alice", "50").ok().json().path("balance").asInt());

        assertEquals("mbctl: No user named 'qt-nobody'.\n", CLI.run("quota", "show", "qt-nobody").exits(1).err());
        assertEquals("credits", CLI.json("quota", "grant", "qt-alice", "0").exits(1).error().path("param").asText());
        assertEquals(2, CLI.run("quota", "grant", "qt-alice").exit());
    }

    @Test
    void aGrantSentTwiceWithItsIdempotencyKeyIsRecordedOnce() {
        CLI.run("user", "add", "qt-dave").ok();
        String[] grant = {"quota", "grant", "qt-dave", "25", "--idempotency-key", "invoice-2026-12-0042"};
        assertEquals("Granted 25 credits to qt-dave; balance 25.\n", CLI.run(grant).ok().out());
        assertEquals("Granted 25 credits to qt-dave already, under this key; balance 25.\n",
                CLI.run(grant).ok().out());
        assertEquals(1, CLI.json("quota", "show", "qt-dave").ok().json().path("ledger").size());
        assertEquals("idempotency_key_reused", CLI.json("quota", "grant", "qt-dave", "26", "--idempotency-key",
                "invoice-2026-12-0042").exits(1).error().path("code").asText());
    }

    @Test
    void pluginListAndReload() {
        String list = CLI.run("plugin", "list").ok().out();
        assertTrue(list.lines().anyMatch(l -> l.matches("openai +\\S+ +STARTED +openai .*")), list);
        JsonNode json = CLI.json("plugin", "list").ok().json();
        assertEquals("openai", json.at("/data/0/id").asText());
        assertTrue(CLI.run("plugin", "reload", "openai").ok().out().matches("Reloaded plugin openai \\S+: STARTED\\.\n"));
        assertEquals("STARTED", CLI.json("plugin", "reload", "openai").ok().json().path("state").asText());
        assertEquals("mbctl: No plugin named 'nope'.\n", CLI.run("plugin", "reload", "nope").exits(1).err());
    }

    @Test
    void usageShowsTotalsRowsAndGroups() throws InterruptedException {
        TestGateway g = TestGateway.get();
        CLI.run("channel", "add", "qt-sim", "--provider", "openai", "--credential", g.upstream.apiKey(),
                "--base-url", g.upstream.baseUri().toString()).ok();
        CLI.run("alias", "set", "qt-model", "--target", "qt-sim:gpt-4o-mini").ok();
        CLI.run("user", "add", "qt-bob").ok();
        String key = CLI.json("key", "create", "--user", "qt-bob").ok().json().path("key").asText();
        assertEquals(200, GatewayApi.chat(key, "qt-model", "count me").statusCode());
        assertEquals(200, GatewayApi.chat(key, "qt-model", "and me").statusCode());

        JsonNode json = awaitRequests("qt-bob", 2);
        assertEquals(2, json.path("data").size());
        assertEquals("qt-sim", json.at("/data/0/channel").asText());

        String table = CLI.run("usage", "--user", "qt-bob", "--since", "1h").ok().out();
        assertTrue(table.startsWith("Since "), table);
        assertTrue(table.lines().findFirst().orElseThrow().contains(": 2 requests, "), table);
        assertTrue(table.lines().filter(l -> l.contains("qt-model") && l.contains("qt-sim") && l.contains(" 200 "))
                .count() == 2, table);

        JsonNode byModel = CLI.json("usage", "--user", "qt-bob", "--by", "model").ok().json();
        assertEquals("qt-model", byModel.at("/groups/0/group").asText());
        assertEquals(2, byModel.at("/groups/0/requests").asInt());
        String grouped = CLI.run("usage", "--channel", "qt-sim", "--by", "channel").ok().out();
        assertTrue(grouped.lines().anyMatch(l -> l.matches("qt-sim +2 .*")), grouped);

        String future = Instant.now().plus(Duration.ofDays(1)).toString();
        assertEquals(0, CLI.json("usage", "--user", "qt-bob", "--since", future).ok().json()
                .at("/totals/requests").asInt());
        assertEquals("by", CLI.json("usage", "--by", "colour").exits(1).error().path("param").asText());
        assertEquals("since", CLI.json("usage", "--since", "yesterday").exits(1).error().path("param").asText());
        assertEquals("mbctl: No user named 'qt-nobody'.\n", CLI.run("usage", "--user", "qt-nobody").exits(1).err());
    }

    @Test
    void usageShowsCachedPromptAndReasoningTokens() throws InterruptedException {
        try (DeepSeekSimulator deepseek = DeepSeekSimulator.start()) {
            deepseek.cacheHits(true); // half of every prompt is a cache hit
            CLI.run("channel", "add", "qt-ds", "--provider", "openai", "--credential", deepseek.apiKey(),
                    "--base-url", deepseek.baseUri().toString()).ok();
            CLI.run("alias", "set", "qt-think", "--target", "qt-ds:deepseek-reasoner").ok();
            CLI.run("user", "add", "qt-carol").ok();
            String key = CLI.json("key", "create", "--user", "qt-carol").ok().json().path("key").asText();
            assertEquals(200, GatewayApi.chat(key, "qt-think", "one two three four five six").statusCode());

            JsonNode json = awaitRequests("qt-carol", 1);
            assertEquals(3, json.at("/data/0/cached_prompt_tokens").asInt(), json.toString());
            int reasoning = json.at("/data/0/reasoning_tokens").asInt();
            assertTrue(reasoning > 0, json.toString());
            assertEquals(3, json.at("/totals/cached_prompt_tokens").asInt(), json.toString());

            String table = CLI.run("usage", "--user", "qt-carol").ok().out();
            assertTrue(table.lines().findFirst().orElseThrow().contains(" prompt (3 cached) + "), table);
            assertTrue(table.lines().findFirst().orElseThrow().contains(" completion (" + reasoning + " reasoning) "),
                    table);
            assertTrue(table.lines().anyMatch(l -> l.matches(".*PROMPT +CACHED +COMPLETION +REASONING +COST.*")), table);
            assertTrue(table.lines().anyMatch(l -> l.matches(".* 200 +6 +3 +\\d+ +" + reasoning + " .*")), table);
            String grouped = CLI.run("usage", "--user", "qt-carol", "--by", "model").ok().out();
            assertTrue(grouped.lines().anyMatch(l -> l.matches("qt-think +1 +6 +3 +\\d+ +" + reasoning + " .*")), grouped);
        }
    }

    @Test
    void usageGroupsByTheClientApiEachRequestCameThrough() throws InterruptedException {
        TestGateway g = TestGateway.get();
        CLI.run("channel", "add", "qt-dialects", "--provider", "openai", "--credential", g.upstream.apiKey(),
                "--base-url", g.upstream.baseUri().toString()).ok();
        CLI.run("alias", "set", "qt-dialect-model", "--target", "qt-dialects:gpt-4o-mini").ok();
        CLI.run("user", "add", "qt-dan").ok();
        String key = CLI.json("key", "create", "--user", "qt-dan").ok().json().path("key").asText();
        assertEquals(200, GatewayApi.chat(key, "qt-dialect-model", "as openai").statusCode());
        HttpResponse<String> messages = GatewayApi.messages(key, "qt-dialect-model", "as anthropic");
        assertEquals(200, messages.statusCode(), messages.body());
        assertEquals(2, awaitRequests("qt-dan", 2).path("data").size());

        JsonNode rows = CLI.json("usage", "--user", "qt-dan").ok().json();
        assertEquals(java.util.Set.of("openai-chat", "anthropic-messages"), java.util.Set.of(
                rows.at("/data/0/dialect").asText(), rows.at("/data/1/dialect").asText()), rows.toString());
        String grouped = CLI.run("usage", "--user", "qt-dan", "--by", "dialect").ok().out();
        assertTrue(grouped.lines().findFirst().orElseThrow().contains(": 2 requests, "), grouped);
        assertTrue(grouped.lines().anyMatch(l -> l.matches("openai-chat +1 .*")), grouped);
        assertTrue(grouped.lines().anyMatch(l -> l.matches("anthropic-messages +1 .*")), grouped);
    }

    /** Usage rows are written behind the answer; wait (bounded) until they are there. */
    private static JsonNode awaitRequests(String user, int count) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            JsonNode usage = CLI.json("usage", "--user", user).ok().json();
            if (usage.at("/totals/requests").asInt() >= count) {
                return usage;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("usage rows did not appear within 5 s");
    }
}
