package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.control.Setup.alias;
import static io.modelbridge.gateway.control.Setup.channel;
import static io.modelbridge.gateway.control.Setup.header;
import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.BackToBack;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.gateway.usage.TokenCounter;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.Sampling;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * Quotas on one instance: reservations of the worst case at the alias's price, settlement to what was delivered,
 * the append-only ledger (crash recovery is in {@link ClusterIT}). Price of "paid": 1 credit per 1000 tokens either
 * way, so a token costs 0.001 credits.
 */
@Tag("it")
@Timeout(120) // every test and set-up, so a hang fails instead of stalling the build
class QuotaIT {
    static final BigDecimal PER_TOKEN = new BigDecimal("0.001");
    static final int MAX_TOKENS = 20;
    static OpenAiSimulator upstream;
    static RunningGateway gw;
    static ApiCalls api;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        gw = SharedGateway.get();
        api = new ApiCalls(gw.api());
        channel(gw, "quota-sim", upstream, 10_000);
        alias(gw, "paid", "quota-sim", 0, 1);
        alias(gw, "free", "quota-sim", 0, 1);
        gw.admin("PUT", "/prices/paid", "{\"input_per_1k\":1,\"output_per_1k\":1}");
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @AfterEach
    void heal() {
        upstream.reset();
    }

    static String userWithQuota(String name, BigDecimal credits) {
        return Setup.userWithQuota(gw, name, credits);
    }

    static String paid(String text, boolean stream) {
        ObjectNode body = (ObjectNode) json(chat("paid", text, stream));
        return body.put("max_tokens", MAX_TOKENS).toString();
    }

    /** What the gateway reserves for {@link #paid}: its own prompt count plus max_tokens, at 0.001 a token. */
    static BigDecimal reservation(String text) {
        int prompt = new TokenCounter().prompt(new ChatRequest("paid", List.of(Message.of("user", text)), false, false,
                Sampling.none(), List.of(), null, null, Map.of()));
        return PER_TOKEN.multiply(BigDecimal.valueOf(prompt + MAX_TOKENS));
    }

    @Test
    void twoHundredConcurrentRequestsAgainstAQuotaCoveringFifty() throws Exception {
        BigDecimal quota = reservation("hello").multiply(BigDecimal.valueOf(50));
        String key = userWithQuota("crowd", quota);
        upstream.hangBeforeHeaders(Duration.ofMillis(1000)); // the admitted ones are all in flight together
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(() -> api.post("/v1/chat/completions", key, paid("hello", false)));
        }
        List<HttpResponse<String>> answers = Setup.concurrently(calls);
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(200, ok + refused.size(), "every request was either served or refused for quota");
        assertTrue(ok >= 50, "the quota covers 50 reservations in flight at once, served " + ok);
        for (HttpResponse<String> r : refused) {
            assertEquals("insufficient_quota", json(r.body()).at("/error/code").asText(), r.body());
            assertEquals("insufficient_quota", json(r.body()).at("/error/type").asText());
            assertEquals("false", header(r, "x-should-retry"), "waiting does not refill a balance");
            assertEquals(null, header(r, "retry-after"));
        }

        BigDecimal balance = Ledger.balance(Ledger.settledQuota(gw, "crowd"));
        BigDecimal charged = quota.subtract(balance);
        assertTrue(balance.signum() >= 0, "overspent " + balance.negate() + " (the bound here is 0: no request"
                + " used more than it reserved)");
        BigDecimal perRequest = PER_TOKEN.multiply(BigDecimal.valueOf(1 + 2)); // simulator: 1 prompt word, "echo: hello"
        assertEquals(0, perRequest.multiply(BigDecimal.valueOf(ok)).compareTo(charged), "charged " + charged);
        assertEquals(0, charged.compareTo(Ledger.usageCost(gw, "crowd", 200)), "usage rows add up to the charge");
        Map<String, BigDecimal> kinds = Ledger.assertExplainsBalance(gw, "crowd");
        assertEquals(0, kinds.get("charge").negate().compareTo(charged), kinds.toString());
        assertEquals(java.util.Set.of("grant", "charge"), kinds.keySet(), "no row per request: " + kinds);
        long charges = Stream.of(Ledger.rows(gw, "crowd")).flatMap(r -> java.util.stream.StreamSupport.stream(
                r.spliterator(), false)).filter(r -> r.get("kind").asText().equals("charge")).count();
        assertTrue(charges <= 3, "one charge per lease, not per request: " + charges + " for " + ok + " requests");
    }

    @Test
    void theBalanceShowsAnAnsweredRequestWhileItsLeaseIsStillOpen() throws Exception {
        String key = userWithQuota("prompt", BigDecimal.ONE);
        api.chatOk(key, paid("hello", false));
        BigDecimal left = BigDecimal.ONE.subtract(PER_TOKEN.multiply(BigDecimal.valueOf(1 + 2)));
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        JsonNode quota = gw.admin("GET", "/users/prompt/quota", null);
        while (quota.get("balance").decimalValue().compareTo(left) != 0 && System.nanoTime() < end) {
            Thread.sleep(20);
            quota = gw.admin("GET", "/users/prompt/quota", null);
        }
        assertEquals(0, left.compareTo(quota.get("balance").decimalValue()), quota.toString());
        // The lease goes back after 2 s without requests and only then is charged in the ledger: the balance
        // shown must not wait for that.
        assertTrue(quota.get("held").decimalValue().signum() > 0, "seen while the lease was open: " + quota);
        assertEquals(0, left.compareTo(gw.admin("GET", "/users/prompt", null).get("quota_balance").decimalValue()));
    }

    /**
     * MB_USAGE_RETENTION_DAYS: an instance with it set deletes the usage rows older than the retention (at its start,
     * then every minute), and the user is still charged exactly what the answered requests cost, whether their lease
     * closed before the rows went or after.
     */
    @Test
    void theUsageRetentionDeletesOldRowsAndTheChargesStayExact(@TempDir Path sweeperDir) throws Exception {
        BigDecimal quota = BigDecimal.TEN;
        String key = userWithQuota("retained", quota);
        for (int i = 0; i < 3; i++) {
            assertEquals(200, api.post("/v1/chat/completions", key, paid("hello", false)).statusCode());
        }
        BigDecimal cost = Ledger.usageCost(gw, "retained", 3);
        assertEquals(0, quota.subtract(cost).compareTo(Ledger.balance(gw.admin("GET", "/users/retained/quota", null))));
        String ofRetained = " where user_id = (select id from users where name = 'retained')";
        sql("update usage_log set created_at = created_at - interval '40 days'" + ofRetained);

        try (RunningGateway sweeper = gw.sibling(sweeperDir, c -> c.withUsageRetention(Duration.ofDays(30)))) {
            for (int i = 0; i < 200 && sql("select count(*) from usage_log" + ofRetained) > 0; i++) {
                Setup.sleep(100);
            }
            assertEquals(0, sql("select count(*) from usage_log" + ofRetained), "the old rows are still there");
        }
        assertEquals(0, quota.subtract(cost).compareTo(Ledger.balance(gw.admin("GET", "/users/retained/quota", null))));
        JsonNode settled = Ledger.settledQuota(gw, "retained");
        assertEquals(0, quota.subtract(cost).compareTo(Ledger.balance(settled)), settled.toString());
        assertEquals(0, cost.compareTo(Ledger.charged(settled)), settled.toString());

        assertEquals(200, api.post("/v1/chat/completions", key, paid("hello", false)).statusCode());
        BigDecimal next = Ledger.usageCost(gw, "retained", 1);
        settled = Ledger.settledQuota(gw, "retained");
        assertEquals(0, quota.subtract(cost).subtract(next).compareTo(Ledger.balance(settled)), settled.toString());
        Ledger.assertExplainsBalance(gw, "retained");
    }

    /**
     * A clean stop marks every usage row of the instance's leases written: the retention may then delete them all
     * when due, even if that instance id never starts again (the heartbeat's mark alone leaves the last day's rows).
     */
    @Test
    void aCleanStopMarksItsLeasesCaughtUpForGood(@TempDir Path stoppedDir) throws Exception {
        String key = userWithQuota("stopping", BigDecimal.TEN);
        String instance;
        try (RunningGateway stopping = gw.sibling(stoppedDir, c -> c)) {
            instance = stopping.gateway().instanceId();
            assertEquals(200, new ApiCalls(stopping.api()).post("/v1/chat/completions", key, paid("hello", false))
                    .statusCode());
        }
        String ofIt = " from quota_leases where instance_id = '" + instance + "'";
        assertEquals(1, sql("select count(*)" + ofIt));
        assertEquals(1, sql("select count(*)" + ofIt + " and closed_at is not null and caught_up"
                + " and caught_up_through > now() + interval '23 hours'"), "marked past its close by a day");
    }

    /** Runs one statement on the gateway's database: a count for a query, else the rows it changed. */
    private static long sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(gw.gateway().jdbcUrl(), gw.gateway().dbUser(),
                gw.gateway().dbPassword()); Statement s = c.createStatement()) {
            if (!s.execute(statement)) {
                return s.getUpdateCount();
            }
            try (ResultSet r = s.getResultSet()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void aFailedRequestCostsNothingAndItsReservationIsRefunded() {
        String key = userWithQuota("unlucky", BigDecimal.ONE);
        upstream.failNextServerError(1);
        HttpResponse<String> res = api.post("/v1/chat/completions", key, paid("hello", false));
        assertEquals(502, res.statusCode());
        String requestId = header(res, "x-request-id");
        assertEquals(0, BigDecimal.ONE.compareTo(Ledger.balance(Ledger.settledQuota(gw, "unlucky"))));
        JsonNode row = Ledger.usage(gw, "unlucky", 1).at("/data/0");
        assertEquals(requestId, row.get("request_id").asText());
        assertEquals(502, row.get("status").asInt());
        assertEquals(0, row.get("cost").decimalValue().signum());
        Map<String, BigDecimal> kinds = Ledger.assertExplainsBalance(gw, "unlucky");
        assertEquals(java.util.Set.of("grant"), kinds.keySet(), "nothing delivered, nothing charged: " + kinds);
    }

    @Test
    void aStreamCutShortIsBilledForWhatWasDelivered() {
        String key = userWithQuota("cutoff", BigDecimal.ONE);
        upstream.replyWith("alpha beta gamma delta epsilon zeta eta theta");
        upstream.dropStreamAfter(4); // role chunk, then "alpha", " beta", " gamma"
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, paid("hello", true));
        assertEquals(200, res.statusCode());
        List<String> lines = res.body().toList();
        String delivered = ApiCalls.text(lines.stream().filter(l -> l.startsWith("data: {\"id\""))
                .map(l -> json(l.substring(6))).toList());
        assertEquals("alpha beta gamma", delivered);
        JsonNode row = Ledger.usage(gw, "cutoff", 1).at("/data/0");
        assertTrue(row.get("estimated").asBoolean(), "no upstream usage came: counted by the gateway");
        int completion = row.get("completion_tokens").asInt();
        int prompt = row.get("prompt_tokens").asInt();
        assertEquals(new TokenCounter().text("alpha beta gamma"), completion);
        BigDecimal cost = PER_TOKEN.multiply(BigDecimal.valueOf(prompt + completion));
        assertEquals(0, cost.compareTo(row.get("cost").decimalValue()), row.toString());
        BigDecimal balance = Ledger.balance(Ledger.settledQuota(gw, "cutoff"));
        assertEquals(0, BigDecimal.ONE.subtract(cost).compareTo(balance));
        Ledger.assertExplainsBalance(gw, "cutoff");
    }

    @Test
    void anEmptyBalanceGets429InsufficientQuotaButFreeModelsStillWork() {
        String key = userWithQuota("broke", BigDecimal.ZERO);
        gw.admin("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"broke\",\"rpm\":100}");
        HttpResponse<String> res = api.post("/v1/chat/completions", key, paid("hello", false));
        assertEquals(429, res.statusCode());
        assertEquals("100", header(res, "x-ratelimit-limit-requests"), "a quota refusal carries the rate headers too");
        JsonNode error = json(res.body()).get("error");
        assertEquals("insufficient_quota", error.get("code").asText());
        assertTrue(error.has("param") && error.get("param").isNull());
        assertEquals("false", header(res, "x-should-retry"), "the SDKs must not retry it for two minutes");
        assertEquals(null, header(res, "retry-after"), "no wait fixes an empty balance");
        assertEquals(200, api.post("/v1/chat/completions", key, chat("free", "hello", false)).statusCode(),
                "a model without a price needs no quota");
    }

    /**
     * The docs' first-day example: 5 free credits, an output price of 1.5 per 1k tokens, a call without max_tokens.
     * The default reservation (MB_DEFAULT_MAX_TOKENS, 4096) would cost ~6.1 credits; the call is served with
     * max_tokens lowered to what the balance covers, and a balance that cannot cover even 16 completion tokens gets
     * a 429 saying what the request needs.
     */
    @Test
    void aCallWithoutMaxTokensIsServedWithMaxTokensLoweredToWhatTheBalanceCovers() {
        alias(gw, "starter", "quota-sim", 0, 1);
        gw.admin("PUT", "/prices/starter", "{\"input_per_1k\":0.5,\"output_per_1k\":1.5}");
        String key = userWithQuota("newcomer", new BigDecimal(5));
        HttpResponse<String> res = api.chatOk(key, chat("starter", "hello", false));
        int prompt = new TokenCounter().prompt(new ChatRequest("starter", List.of(Message.of("user", "hello")), false,
                false, Sampling.none(), List.of(), null, null, Map.of()));
        int covered = new BigDecimal(5000).subtract(new BigDecimal("0.5").multiply(BigDecimal.valueOf(prompt)))
                .divide(new BigDecimal("1.5"), 0, java.math.RoundingMode.DOWN).intValue();
        assertEquals(covered, upstream.lastRequest().json().get("max_tokens").asInt(),
                "sent upstream with max_tokens lowered to what 5 credits cover");

        HttpResponse<String> streamed = api.chatOk(key, chat("starter", "hello", true));
        assertTrue(upstream.lastRequest().json().get("max_tokens").asInt() < covered, "lowered again, to what is left");

        String poor = userWithQuota("newcomer-poor", new BigDecimal("0.01"));
        HttpResponse<String> refused = api.post("/v1/chat/completions", poor, chat("starter", "hello", false));
        assertEquals(429, refused.statusCode());
        String message = json(refused.body()).at("/error/message").asText();
        assertTrue(message.contains("This request needs at least ") && message.contains(" credits"), message);
        assertEquals("insufficient_quota", json(refused.body()).at("/error/code").asText());

        String exact = userWithQuota("newcomer-exact", new BigDecimal(5));
        ObjectNode asked = ((ObjectNode) json(chat("starter", "hello", false))).put("max_tokens", 4096);
        HttpResponse<String> tooBig = api.post("/v1/chat/completions", exact, asked.toString());
        assertEquals(429, tooBig.statusCode(), "a client's own max_tokens is never lowered");
        assertTrue(json(tooBig.body()).at("/error/message").asText().contains("send a smaller max_tokens"));
    }

    /**
     * A client may send its next request on another connection the moment an answer arrives. A request without
     * max_tokens reserves the whole balance here, so unless the answered request had given its reservation back by
     * then, the next one would be refused with a 429 insufficient_quota although the balance covers it. Each
     * request's last byte is held back until the answer before it is read, streams and plain answers alternating.
     */
    @Test
    void theNextRequestOnAnotherConnectionFindsTheAnsweredOneSettled() {
        alias(gw, "back-to-back", "quota-sim", 0, 1);
        gw.admin("PUT", "/prices/back-to-back", "{\"input_per_1k\":0.5,\"output_per_1k\":1.5}");
        String key = userWithQuota("back-to-back", new BigDecimal(5));
        BackToBack.answeredInTurn(gw.api(), "/v1/chat/completions", key, 61,
                i -> chat("back-to-back", "hello", i % 4 < 2), "data: [DONE]");
    }
}
