package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.control.Setup.alias;
import static io.modelbridge.gateway.control.Setup.channel;
import static io.modelbridge.gateway.control.Setup.header;
import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.db.repo.QuotaLease;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.config.ControlConfig;
import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway instances on one PostgreSQL (the first one's embedded database), rate limits in distributed mode:
 * changes made through one are in force on the other within a second, and limits and quotas hold across both;
 * further instances on the same database are drained under load and restarted after a crash.
 */
@Tag("it")
@Timeout(120) // every test and set-up, so a hang fails instead of stalling the build
@Tag("alone")
class ClusterIT {
    static final UnaryOperator<GatewayConfig> DISTRIBUTED =
            c -> RunningGateway.exposingRouting(c.withControl(ControlConfig.defaults().withDistributedLimits(true)));
    @TempDir
    static Path dirA;
    @TempDir
    static Path dirB;
    static OpenAiSimulator upstream;
    static RunningGateway a;
    static RunningGateway b;
    static ApiCalls apiA;
    static ApiCalls apiB;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        a = RunningGateway.start(dirA, DISTRIBUTED);
        b = a.sibling(dirB, DISTRIBUTED);
        apiA = new ApiCalls(a.api());
        apiB = new ApiCalls(b.api());
        channel(a, "sim", upstream, 10_000);
        channel(a, "sim-2", upstream, 10_000);
        alias(a, "chat", "sim", 0, 1);
        a.admin("PUT", "/prices/paid", "{\"input_per_1k\":1,\"output_per_1k\":1}");
        alias(a, "paid", "sim", 0, 1);
    }

    @AfterAll
    static void stop() {
        b.close();
        a.close();
        upstream.close();
    }

    @AfterEach
    void heal() {
        upstream.reset();
    }

    private static String key(RunningGateway via, String user, BigDecimal quota) {
        via.admin("POST", "/users", JSON.createObjectNode().put("name", user).put("quota", quota));
        return via.admin("POST", "/keys", JSON.createObjectNode().put("user", user)).get("key").asText();
    }

    /** Polls until the answer satisfies the condition; returns how long that took, in milliseconds. */
    private static long millisUntil(java.util.function.Supplier<HttpResponse<String>> call,
                                    Predicate<HttpResponse<String>> condition) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
            if (condition.test(call.get())) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Setup.sleep(20);
        }
        throw new AssertionError("not within 5 s");
    }

    @Test
    void aKeyRevokedThroughOneInstanceIsRefusedByTheOtherWithinOneSecond() {
        JsonNode created = a.admin("POST", "/keys", JSON.createObjectNode().put("user",
                a.admin("POST", "/users", JSON.createObjectNode().put("name", "leaver")).get("name").asText()));
        String secret = created.get("key").asText();
        assertEquals(200, apiB.post("/v1/chat/completions", secret, chat("chat", "hi", false)).statusCode(),
                "instance B has the key cached as valid");
        a.admin("POST", "/keys/" + created.get("id").asLong() + "/revoke", null);
        long millis = millisUntil(() -> apiB.post("/v1/chat/completions", secret, chat("chat", "hi", false)),
                r -> r.statusCode() == 401);
        assertTrue(millis < 1000, "revocation reached instance B after " + millis + " ms");
    }

    @Test
    void anAliasChangeAndAChannelDisabledThroughOneInstanceReachTheOtherWithinOneSecond() {
        String secret = key(a, "mover", BigDecimal.ZERO);
        alias(a, "moving", "sim", 0, 1);
        // B learns of the new alias through NOTIFY too: on a loaded machine its first call may come before that
        millisUntil(() -> apiB.post("/v1/chat/completions", secret, chat("moving", "hi", false)),
                r -> "sim".equals(header(r, "x-modelbridge-channel")));
        alias(a, "moving", "sim-2", 0, 1);
        long moved = millisUntil(() -> apiB.post("/v1/chat/completions", secret, chat("moving", "hi", false)),
                r -> "sim-2".equals(header(r, "x-modelbridge-channel")));
        assertTrue(moved < 1000, "the alias change reached instance B after " + moved + " ms");

        a.admin("PATCH", "/channels/sim-2", "{\"enabled\":false}");
        long disabled = millisUntil(() -> apiB.post("/v1/chat/completions", secret, chat("moving", "hi", false)),
                r -> r.statusCode() != 200);
        assertTrue(disabled < 1000, "the disabled channel left instance B's routes after " + disabled + " ms");
        a.admin("PATCH", "/channels/sim-2", "{\"enabled\":true}");
    }

    @Test
    void aBurstOverTheRpmLimitAcrossBothInstancesGetsExactlyTheExcessRefused() throws Exception {
        String secret = key(a, "spreadburst", BigDecimal.ZERO);
        b.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"spreadburst\",\"rpm\":12}");
        for (ApiCalls api : List.of(apiA, apiB)) { // one request each once the limit is in force there: 2 of 12
            millisUntil(() -> api.post("/v1/chat/completions", secret, chat("chat", "hi", false)),
                    r -> r.statusCode() == 200 && "12".equals(header(r, "x-ratelimit-limit-requests")));
        }
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            ApiCalls api = i % 2 == 0 ? apiA : apiB;
            calls.add(() -> api.post("/v1/chat/completions", secret, chat("chat", "hi", false)));
        }
        List<HttpResponse<String>> answers = Setup.concurrently(calls);
        assertEquals(10, answers.stream().filter(r -> r.statusCode() == 200).count(), "exactly the limit, in total");
        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(18, refused.size(), "exactly the excess");
        refused.forEach(r -> assertEquals("rate_limit_exceeded", json(r.body()).at("/error/code").asText()));
        assertTrue(answers.stream().filter(r -> r.statusCode() == 200).allMatch(r ->
                "12".equals(header(r, "x-ratelimit-limit-requests"))));
        try (Connection c = DriverManager.getConnection(a.gateway().jdbcUrl(), a.gateway().dbUser(),
                a.gateway().dbPassword())) {
            var bucket = DSL.using(c, SQLDialect.POSTGRES).fetchOne(
                    "select count(*), min(expires_at) from rate_limit_buckets where id = 'user:spreadburst:requests:12'");
            assertEquals(1, bucket.get(0, Integer.class), "one bucket, in PostgreSQL, shared by both instances");
            assertTrue(bucket.get(1, Long.class) > System.currentTimeMillis(), "it expires once it would be full");
        }
    }

    @Test
    void aQuotaHoldsAcrossBothInstances() throws Exception {
        BigDecimal reservation = QuotaIT.reservation("hello");
        BigDecimal quota = reservation.multiply(BigDecimal.valueOf(50));
        String secret = key(a, "twohomes", quota);
        upstream.hangBeforeHeaders(Duration.ofMillis(1000));
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ApiCalls api = i % 2 == 0 ? apiA : apiB;
            calls.add(() -> api.post("/v1/chat/completions", secret, QuotaIT.paid("hello", false)));
        }
        List<HttpResponse<String>> answers = Setup.concurrently(calls);
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        assertEquals(200, ok + answers.stream().filter(r -> r.statusCode() == 429
                && json(r.body()).at("/error/code").asText().equals("insufficient_quota")).count());
        // each instance may strand less than one reservation in its lease: at least 48 of 50 fit at once
        assertTrue(ok >= 48, "served " + ok);
        BigDecimal balance = Ledger.balance(Ledger.settledQuota(a, "twohomes"));
        assertTrue(balance.signum() >= 0, "overspent " + balance.negate());
        BigDecimal charged = quota.subtract(balance);
        assertEquals(0, QuotaIT.PER_TOKEN.multiply(BigDecimal.valueOf(3 * ok)).compareTo(charged));
        assertEquals(0, charged.compareTo(Ledger.usageCost(b, "twohomes", 200)), "usage rows add up to the charge");
        Ledger.assertExplainsBalance(b, "twohomes");
        Ledger.returnedLeases(a, "twohomes"); // both instances give their idle leases back
    }

    @Test
    void drainingUnderLoadLeavesAUsageRowForEveryRequestItAnswered() throws Exception {
        String secret = key(a, "drainee", BigDecimal.ZERO);
        RunningGateway c = a.sibling(dirB.resolve("c"), // no drain delay: the drain turns the load away at once
                g -> DISTRIBUTED.apply(g).withListener(g.listener().withDrainDelay(Duration.ZERO)));
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(c.api().resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20)) // a connection caught in the listener's stop may never be answered
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chat("chat", "one two three", true))).build();
        upstream.chunkDelay(Duration.ofMillis(30));
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        List<Callable<List<HttpResponse<String>>>> clients = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            clients.add(() -> {
                List<HttpResponse<String>> answers = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    try {
                        answers.add(http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()));
                        done.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        break; // the listener is gone (or never answered)
                    }
                }
                return answers;
            });
        }
        Thread drain = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 400 && done.get() < 24; i++) {
                Setup.sleep(50); // let the load run a while: 24 answers, or 20 s at most
            }
            c.gateway().drainAndClose();
        });
        List<HttpResponse<String>> answers = Setup.concurrently(clients).stream().flatMap(List::stream).toList();
        drain.join(30_000);
        Map<String, Integer> handled = new HashMap<>();
        answers.stream().filter(r -> header(r, "x-request-id") != null && !r.body().contains("\"shutting_down\""))
                .forEach(r -> handled.put(header(r, "x-request-id"), r.statusCode())); // refusals carry ids but leave no row
        long completedStreams = answers.stream().filter(r -> r.statusCode() == 200 && r.body().contains("[DONE]")).count();
        assertTrue(completedStreams >= 24, "load ran before the drain: " + completedStreams);
        assertTrue(answers.stream().anyMatch(r -> r.statusCode() == 503) || answers.size() < 8 * 40,
                "the drain turned clients away");
        JsonNode usage = Ledger.usage(a, "drainee", handled.size());
        Map<String, Integer> rows = new HashMap<>();
        usage.get("data").forEach(r -> rows.put(r.get("request_id").asText(), r.get("status").asInt()));
        handled.forEach((id, status) -> assertEquals(status, rows.get(id),
                "request " + id + " was answered " + status + ": its usage row says " + rows.get(id)));
    }

    /**
     * A run killed with a lease open leaves usage rows charged to it and no ledger row: the next start closes the
     * lease and charges exactly those rows (a request in flight at the kill left no row and costs nothing).
     */
    @Test
    void aLeaseLeftOpenByACrashIsChargedItsUsageRowsAtTheNextStart() throws Exception {
        key(a, "crashed", BigDecimal.TEN);
        long userId = a.admin("GET", "/users/crashed", null).get("id").asLong();
        RunningGateway d = a.sibling(dirB.resolve("d"), DISTRIBUTED);
        String instance = d.gateway().instanceId();
        try (Connection c = DriverManager.getConnection(a.gateway().jdbcUrl(), a.gateway().dbUser(),
                a.gateway().dbPassword())) {
            var dsl = DSL.using(c, SQLDialect.POSTGRES);
            QuotaLease lease = new QuotaLeaseRepository(dsl).open(userId, instance, new BigDecimal("3"),
                    new BigDecimal("3")).orElseThrow();
            new UsageRepository(dsl).insert(List.of( // what a run killed after answering two requests leaves
                    usageRow("req-answered-1", userId, "1.5", lease.id()),
                    usageRow("req-answered-2", userId, "0.5", lease.id())));
        }
        JsonNode before = a.admin("GET", "/users/crashed/quota", null);
        assertEquals(0, Ledger.charged(before).signum(), "nothing charged while the lease is open: " + before);
        assertEquals(0, new BigDecimal("8").compareTo(Ledger.balance(before)), "but the balance shown counts its rows");
        assertEquals(0, new BigDecimal("3").compareTo(before.get("held").decimalValue()));

        d.close();
        d = a.sibling(dirB.resolve("d"), DISTRIBUTED);
        assertEquals(instance, d.gateway().instanceId(), "the same instance after a restart");
        JsonNode quota = d.admin("GET", "/users/crashed/quota", null);
        assertEquals(0, new BigDecimal("8").compareTo(Ledger.balance(quota)), quota.toString());
        assertEquals(0, quota.get("held").decimalValue().signum());
        assertEquals(0, new BigDecimal("2").compareTo(Ledger.charged(quota)), quota.toString());
        Ledger.assertExplainsBalance(a, "crashed");
        d.close();
    }

    private static UsageRow usageRow(String requestId, long userId, String cost, long lease) {
        return new UsageRow(requestId, java.time.Instant.now(), userId, null, "chat", "sim", "openai", "gpt-4o",
                false, 10, 5, false, new BigDecimal(cost), 1, null, 200, null, null, lease);
    }
}
