package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.PgProxy;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database connection faults under a gateway that reaches its database through {@link PgProxy}.
 *
 * <p>Connections that go silent (no answer, no RST: a NAT or firewall dropped the flows) while
 * new connections still work. The usage writer (whose rows carry the quota charges) hangs on its connection until
 * the driver's socket timeout (45 s); meanwhile /readyz turns 503 once the oldest unwritten row is older than 15 s,
 * and the backlog shows in modelbridge_quota_ledger_write_backlog (rows) and ..._age_seconds. The writer then retries on a new connection:
 * the rows are written once, /readyz is 200 again, within 60 s of the silence.
 *
 * <p>A connection cut mid-statement on the gateway's housekeeping thread: the housekeeping goes on. The housekeeping
 * hung on a silent connection: idle leases still go back. A lease renewal's connection gone silent: the heartbeat
 * renews on another within seconds. A sweep gone silent: the housekeeping goes on.
 */
@Tag("it")
@Timeout(180)
class SilentLedgerConnectionIT {
    private static final Pattern BACKLOG = Pattern.compile("(?m)^modelbridge_quota_ledger_write_backlog (\\S+)$");
    private static final Pattern AGE =
            Pattern.compile("(?m)^modelbridge_quota_ledger_write_backlog_age_seconds (\\S+)$");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir
    static Path dir;
    static OpenAiSimulator upstream;
    static RunningGateway owner;
    static PgProxy proxy;
    static RunningGateway gw;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        owner = RunningGateway.start(dir.resolve("owner"));
        proxy = PgProxy.toServerOf(owner.gateway().jdbcUrl());
        gw = owner.sibling(dir.resolve("proxied"), c -> c.withDatabase(proxy.jdbcUrl(owner.gateway().jdbcUrl()),
                owner.gateway().dbUser(), owner.gateway().dbPassword()));
        Setup.channel(owner, "silent-sim", upstream, 10_000);
        Setup.alias(owner, "silent", "silent-sim", 0, 1);
        owner.admin("PUT", "/prices/silent", "{\"input_per_1k\":1,\"output_per_1k\":1}");
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        owner.close();
        upstream.close();
    }

    @Test
    void aSilentConnectionMakesTheLedgerBacklogVisibleAndTheWriterRecovers() throws Exception {
        String key = userWithKey("quiet").get("key").asText();
        ApiCalls api = new ApiCalls(gw.api());
        awaitTrue(() -> ask(api, key) == 200, 20_000, "the proxied gateway serves the alias");
        assertEquals(200, get(gw.api().resolve("/readyz")).statusCode());

        int served = 0;
        long silentAt;
        int attempt = 1;
        for (; ; attempt++) {
            // Hikari lends a connection back within 500 ms of its return without checking it is alive: silenced right
            // after the writer's last write, the writer's own connection is lent to it again and it hangs. Later, the
            // check (up to the pool's 2 s connection timeout per try) finds the connection dead and the writer gets a
            // new one, writing within seconds: then try once more. Hung, it writes nothing for the driver's 45 s.
            if (attempt > 1) { // the lease went back, idle, while the writer was watched: take one before the silence
                awaitTrue(() -> ask(api, key) == 200, 20_000, "served after the silence");
                served++;
            }
            assertTrue(pollUntil(() -> value(BACKLOG, metrics()) == 0, 10_000), "the writer wrote what it had");
            proxy.silenceOpenConnections();
            silentAt = System.nanoTime();
            for (int i = 0; i < 5; i++) { // the lease covers these: no request waits for the database
                assertEquals(200, ask(api, key));
                served++;
            }
            if (!pollUntil(() -> value(BACKLOG, metrics()) == 0, 10_000)) {
                break; // the writer hangs
            }
            assertTrue(attempt < 3, "the usage writer never took a silenced connection");
        }
        // /readyz may also blink 503 while the health probe replaces its own silenced connection: wait for the
        // state this test is about, a stale backlog, and check /readyz is 503 in it
        awaitTrue(() -> value(AGE, metrics()) > 15, 25_000,
                "the backlog's oldest row is older than 15 s");
        String metrics = metrics();
        assertEquals(503, get(gw.api().resolve("/readyz")).statusCode(), "not ready while the backlog is stale");
        double notReadyAfter = seconds(silentAt);
        double backlog = value(BACKLOG, metrics);
        double age = value(AGE, metrics);
        assertTrue(backlog > 0, "backlog rows while the writer hangs: " + backlog);

        awaitTrue(() -> get(gw.api().resolve("/readyz")).statusCode() == 200, 75_000, "/readyz is 200 again");
        double readyAfter = seconds(silentAt);
        metrics = metrics();
        assertEquals(0.0, value(BACKLOG, metrics), metrics);
        assertTrue(readyAfter <= 60, "recovered " + readyAfter + " s after the silence");
        System.out.printf("SilentLedgerConnectionIT: the writer hung at silence %d; /readyz 503 after %.1f s (backlog "
                + "%.0f rows, oldest %.1f s), written and ready after %.1f s%n", attempt, notReadyAfter, backlog, age,
                readyAfter);

        JsonNode quota = Ledger.settledQuota(gw, "quiet");
        try (Connection c = DriverManager.getConnection(owner.gateway().jdbcUrl(), owner.gateway().dbUser(),
                owner.gateway().dbPassword()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*) filter (where lease_id is not null), "
                     + "count(*) - count(distinct request_id), sum(cost) from usage_log l join users u on u.id = "
                     + "l.user_id where u.name = 'quiet'")) {
            r.next();
            assertEquals(served + 1, r.getInt(1), "every request's row is charged to its lease");
            assertEquals(0, r.getInt(2), "no row written twice");
            assertEquals(0, r.getBigDecimal(3).compareTo(Ledger.charged(quota)), "charged once: " + quota);
        }
    }

    /**
     * A connection cut in the middle of the key last-used flush (a batch: pgjdbc then throws an AssertionError under
     * -ea, as the tests run) must not stop the gateway's housekeeping: the flush is retried and the key's last use is
     * written. Before, the Error cancelled the periodic task for good (and, with it, the return of idle quota leases),
     * and the failed batch was dropped.
     */
    @Test
    void aConnectionCutDuringTheLastUsedFlushDoesNotStopTheHousekeeping() {
        JsonNode created = userWithKey("cut");
        ApiCalls api = new ApiCalls(gw.api());
        int cutsBefore = proxy.statementCuts();
        proxy.cutOn("update", "\"api_keys\"", "\"last_used_at\"");
        awaitTrue(() -> ask(api, created.get("key").asText()) == 200, 20_000, "the proxied gateway serves the alias");
        // a flush held up by another case's silenced connection gives up on it after 5 s
        awaitTrue(() -> proxy.statementCuts() > cutsBefore, 60_000, "the last-used flush was cut");

        awaitTrue(() -> lastUseWritten(created), 10_000, "the key's last use is written after the cut");
    }

    /**
     * The key last-used flush goes silent: it gives up after 5 s and writes on another connection, and the user's
     * lease, idle after its one request, goes back meanwhile. Before, the flush (and the housekeeping thread with it)
     * waited out the driver's 45 s socket timeout, and idle leases were returned by that thread, behind the flush.
     */
    @Test
    void aSilentLastUsedFlushIsGivenUpInSecondsAndHoldsNoIdleLease() {
        JsonNode created = userWithKey("idler");
        ApiCalls api = new ApiCalls(gw.api());
        int silencesBefore = proxy.statementSilences();
        proxy.silenceOn("update", "\"api_keys\"", "\"last_used_at\"");
        awaitTrue(() -> ask(api, created.get("key").asText()) == 200, 20_000, "the proxied gateway serves the alias");
        awaitTrue(() -> proxy.statementSilences() > silencesBefore, 60_000, "the last-used flush went silent");
        long silentAt = System.nanoTime();

        JsonNode quota = Ledger.returnedLeases(gw, "idler");
        assertEquals(1, quota.get("ledger").size() - 1, "one charge besides the grant: " + quota);
        long left = 15_000 - (System.nanoTime() - silentAt) / 1_000_000;
        awaitTrue(() -> lastUseWritten(created), Math.max(left, 1),
                "the key's last use is written on another connection within 15 s of the silence");
    }

    /**
     * The lease recovery's connection goes silent (it looks for other instances' expired leases every 10 s on the
     * housekeeping thread): it gives up after 5 s, and the key last-used flush behind it writes within 15 s. Before,
     * the recovery held the housekeeping thread for the driver's 45 s socket timeout.
     */
    @Test
    void aSilentLeaseRecoveryIsGivenUpInSecondsAndTheHousekeepingGoesOn() {
        JsonNode created = userWithKey("recovery-bystander");
        ApiCalls api = new ApiCalls(gw.api());
        awaitTrue(() -> ask(api, created.get("key").asText()) == 200, 20_000, "the proxied gateway serves the alias");
        awaitTrue(() -> lastUseWritten(created), 60_000, "the key's first use is written");
        int silencesBefore = proxy.statementSilences();
        proxy.silenceOn("select", "\"closed_at\" is null", "\"renewed_at\" <");
        awaitTrue(() -> proxy.statementSilences() > silencesBefore, 15_000, "a lease recovery went silent");
        long silentAt = System.nanoTime();

        JsonNode next = owner.admin("POST", "/keys", JSON.createObjectNode().put("user", "recovery-bystander"));
        awaitTrue(() -> ask(api, next.get("key").asText()) == 200, 5_000, "the new key is served");
        long left = 15_000 - (System.nanoTime() - silentAt) / 1_000_000;
        awaitTrue(() -> lastUseWritten(next), Math.max(left, 1),
                "a key's last use is written within 15 s of the lease recovery's silence");
    }

    /**
     * The connection of a lease open goes silent (its insert never reaches the server): the request waiting for the
     * lease is answered 503 within seconds, and the user's next request is served on another connection. Before, the
     * request, and every other request of that user behind the lease's lock, waited for the driver's 45 s.
     */
    @Test
    void aSilentLeaseOpenIsGivenUpInSeconds() {
        // the user's first priced request opens their lease
        assertAnsweredInSecondsWhenSilentOn("opener", "the lease open", "insert into", "\"quota_leases\"");
    }

    /**
     * The connection of an uncached key's lookup goes silent: the request is answered 503 within seconds, and the
     * next is served on another connection. Before, it waited for the driver's 45 s, and so did every request with
     * that key meanwhile (they share the one lookup).
     */
    @Test
    void aSilentKeyLookupIsGivenUpInSeconds() {
        // the key is made through the owner: the proxied gateway has not cached it
        assertAnsweredInSecondsWhenSilentOn("looker", "the key's lookup", "select", "\"key_hash\" =");
    }

    /**
     * A new user's first request through the proxied gateway, the first statement holding {@code fragments} silenced:
     * it is answered 503 within 10 s, and the next request is served on another connection.
     */
    private static void assertAnsweredInSecondsWhenSilentOn(String user, String what, String... fragments) {
        String key = userWithKey(user).get("key").asText();
        ApiCalls api = new ApiCalls(gw.api());
        int silencesBefore = proxy.statementSilences();
        proxy.silenceOn(fragments);
        long start = System.nanoTime();
        int status = ask(api, key);
        double waited = seconds(start);
        assertTrue(proxy.statementSilences() > silencesBefore, what + " went silent");
        assertEquals(503, status, "the request whose statement went silent: " + what);
        assertTrue(waited < 10, "answered after " + waited + " s");
        awaitTrue(() -> ask(api, key) == 200, 5_000, "the next request is served on another connection");
    }

    /**
     * The stored-responses sweep, the first of a new instance's minutely sweeps, goes silent: the key last-used flush
     * still writes within 15 s. A sweep keeps the driver's 45 s socket timeout (it may run long); before, it ran on
     * the housekeeping thread and held the flush and the lease recovery that long. The instance has a proxy of its
     * own, so no other instance's sweep can take the silence.
     */
    @Test
    void aSilentSweepDoesNotHoldUpTheKeyLastUsedFlush() {
        try (PgProxy own = PgProxy.toServerOf(owner.gateway().jdbcUrl())) {
            own.silenceOn("delete", "\"stored_responses\"");
            RunningGateway swept = owner.sibling(dir.resolve("swept"), c -> c.withDatabase(
                    own.jdbcUrl(owner.gateway().jdbcUrl()), owner.gateway().dbUser(), owner.gateway().dbPassword()));
            try {
                awaitTrue(() -> own.statementSilences() > 0, 15_000, "the new instance's first sweep went silent");
                long silentAt = System.nanoTime();
                JsonNode created = userWithKey("sweep-bystander");
                ApiCalls api = new ApiCalls(swept.api());
                awaitTrue(() -> ask(api, created.get("key").asText()) == 200, 10_000, "the new instance serves");
                long left = 15_000 - (System.nanoTime() - silentAt) / 1_000_000;
                awaitTrue(() -> lastUseWritten(created), Math.max(left, 1),
                        "the key's last use is written within 15 s of the sweep's silence");
            } finally {
                swept.close();
            }
        }
    }

    /**
     * The connection of a quota lease renewal goes silent. The heartbeat gives up on it after 5 s and renews on
     * another connection, so a request that reserves quota is still served 17 s later. Before, the renewal waited out
     * the driver's 45 s socket timeout, and from 15 s on such requests got 503 quota_unavailable.
     */
    @Test
    void aSilentLeaseRenewalIsGivenUpInSecondsAndPricedRequestsGoOn() {
        String key = userWithKey("renewer").get("key").asText();
        ApiCalls api = new ApiCalls(gw.api());
        awaitTrue(() -> ask(api, key) == 200, 20_000, "the proxied gateway serves the alias");
        int silencesBefore = proxy.statementSilences();
        proxy.silenceOn("update", "\"quota_leases\"", "\"renewed_at\"");
        awaitTrue(() -> proxy.statementSilences() > silencesBefore, 15_000, "a lease renewal went silent");

        Setup.sleep(17_000); // past the 15 s after which an instance stops using leases it could not renew
        // within 3 s more: a lease to open may first meet connections another case silenced (the pool drops them);
        // leases not renewed since the silence would refuse it until 45 s
        awaitTrue(() -> ask(api, key) == 200, 3_000, "a priced request 17 s after a lease renewal went silent");
    }

    /** A user with a quota of 100 and a key of theirs: the admin API's answer for the key (its id and secret). */
    private static JsonNode userWithKey(String name) {
        return Setup.newUserKey(owner, name, new BigDecimal(100));
    }

    private static boolean lastUseWritten(JsonNode key) {
        return !owner.admin("GET", "/keys/" + key.get("id").asText(), null).get("last_used_at").isNull();
    }

    private static int ask(ApiCalls api, String key) {
        return api.post("/v1/chat/completions", key,
                ((ObjectNode) json(chat("silent", "hi", false))).put("max_tokens", 16).toString()).statusCode();
    }

    private static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String metrics() {
        return get(gw.admin().resolve("/metrics")).body();
    }

    /** Polls every 5 ms: true once the condition holds, false when {@code millis} passed first. */
    private static boolean pollUntil(java.util.function.BooleanSupplier condition, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Setup.sleep(5);
        }
        return true;
    }

    private static double value(Pattern series, String metrics) {
        Matcher m = series.matcher(metrics);
        assertTrue(m.find(), "no " + series + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, long millis, String what) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "timed out waiting: " + what);
            Setup.sleep(250);
        }
    }
}
