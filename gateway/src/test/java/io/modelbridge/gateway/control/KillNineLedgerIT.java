package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.it.PackagedGateway;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway, as ./modelbridge runs it, serves a priced model to concurrent clients under a user quota
 * and is killed with kill -9 mid-load. After recovery (the same instance id restarted from its data folder, or the
 * lease recovered by another instance once its time-to-live ran out) every request id has at most one usage row,
 * and the user's balance went down by exactly the sum of the costs of the user's usage rows: the ledger charged
 * what the usage log shows, to the credit. After a restart every answered request has its row (the rows of the
 * write-behind window the kill cut off come back from the journal); after a recovery by another instance those rows
 * wait in the killed instance's data folder, so the test prints how many answered requests have no row there.
 */
@Tag("it")
@Timeout(300)
class KillNineLedgerIT {
    private static final BigDecimal QUOTA = new BigDecimal("1000");
    private static final int CLIENTS = 16;
    private static final int REQUESTS_PER_CLIENT = 150;
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    static Path dir;
    static OpenAiSimulator upstream;
    static RunningGateway owner;

    @BeforeAll
    static void start() {
        upstream = OpenAiSimulator.start();
        upstream.hangBeforeHeaders(Duration.ofMillis(20));
        owner = RunningGateway.start(dir.resolve("owner"));
        Setup.channel(owner, "k9-sim", upstream, 10_000);
        Setup.alias(owner, "k9", "k9-sim", 0, 1);
        owner.admin("PUT", "/prices/k9", "{\"input_per_1k\":1.5,\"output_per_1k\":2}");
    }

    @AfterAll
    static void stop() {
        owner.close();
        upstream.close();
    }

    @Test
    void aRestartOfTheKilledInstanceChargesExactlyItsUsageRows() throws Exception {
        Path folder = dir.resolve("same");
        String key = user("k9-same");
        Map<String, Long> inserts = inserts();
        PackagedGateway victim = packaged("k9-same-instance", folder, "same-1");
        List<String> answered = loadThenKill(victim, key, "same");
        PackagedGateway again = packaged("k9-same-instance", folder, "same-2"); // recovers its leases before serving
        try {
            again.awaitReady(READY_WITHIN);
            awaitNoLeaseHeld("k9-same", Duration.ofSeconds(10));
        } finally {
            again.sigterm();
            assertTrue(again.process().waitFor(60, TimeUnit.SECONDS));
        }
        Set<String> withoutRow = assertUsageEqualsCharge("k9-same", answered, "restart of the same instance");
        assertEquals(Set.of(), withoutRow, "answered requests without a usage row after the restart: the journal "
                + "keeps every settled request's row");
        try (java.util.stream.Stream<Path> left = Files.list(folder.resolve("spill/usage-journal"))) {
            assertEquals(List.of(), left.toList(), "a clean stop leaves the journal empty");
        }
        printInserts(inserts, answered.size());
    }

    @Test
    void anotherInstanceRecoversTheKilledInstancesLeaseExactly() throws Exception {
        String key = user("k9-other");
        Map<String, Long> inserts = inserts();
        PackagedGateway victim = packaged("k9-other-instance", dir.resolve("other"), "other-1");
        List<String> answered = loadThenKill(victim, key, "other");
        awaitNoLeaseHeld("k9-other", Duration.ofSeconds(90)); // the owner recovers it 30-40 s after the kill
        assertUsageEqualsCharge("k9-other", answered, "recovery by another instance");
        printInserts(inserts, answered.size());
    }

    private static String user(String name) {
        owner.admin("POST", "/users", JSON.createObjectNode().put("name", name).put("quota", QUOTA));
        return owner.admin("POST", "/keys", JSON.createObjectNode().put("user", name)).get("key").asText();
    }

    /** Runs the load against the process, kills it with kill -9 mid-load; returns the ids answered 200. */
    private List<String> loadThenKill(PackagedGateway victim, String key, String prefix) throws Exception {
        URI api = victim.awaitReady(READY_WITHIN).api();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        Queue<String> answered = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < REQUESTS_PER_CLIENT && !stop.get(); i++) {
                        String id = prefix + "-" + client + "-" + i;
                        if (send(api, key, id, (client + i) % 3 == 0) == 200) {
                            answered.add(id);
                            ok.incrementAndGet();
                        }
                    }
                }));
            }
            long start = System.nanoTime();
            while (ok.get() < 300 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
                Thread.sleep(10);
            }
            victim.kill(); // kill -9 while the clients are still sending
            stop.set(true);
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(ok.get() >= 300, "the load ran: " + ok.get());
        return List.copyOf(answered);
    }

    private static int send(URI api, String key, String id, boolean stream) {
        String body = ((com.fasterxml.jackson.databind.node.ObjectNode) io.modelbridge.gateway.it.ApiCalls.json(
                chat("k9", "tell me " + id, stream))).put("max_tokens", 64).toString();
        HttpRequest request = HttpRequest.newBuilder(api.resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("x-request-id", id).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> res = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            boolean complete = !stream || res.body().contains("data: [DONE]");
            return complete ? res.statusCode() : 0;
        } catch (IOException e) {
            return 0; // the kill cut the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static void awaitNoLeaseHeld(String user, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        while (owner.admin("GET", "/users/" + user + "/quota", null).get("held").decimalValue().signum() != 0) {
            assertTrue(System.nanoTime() < end, "the killed instance's lease is still held after " + within);
            Setup.sleep(250);
        }
    }

    /**
     * Every request id has at most one usage row; Σ usage cost == balance before − balance after, exactly; the
     * ledger rows add up to the balance. Returns the answered requests without a usage row.
     */
    private static Set<String> assertUsageEqualsCharge(String user, List<String> answered, String how)
            throws Exception {
        Map<String, Integer> rowsPerId = new HashMap<>();
        BigDecimal usageCost = BigDecimal.ZERO;
        BigDecimal balance;
        BigDecimal ledgerSum;
        int ledgerRows;
        int leases;
        try (Connection c = DriverManager.getConnection(owner.gateway().jdbcUrl(), owner.gateway().dbUser(),
                owner.gateway().dbPassword())) {
            try (PreparedStatement s = c.prepareStatement("select client_request_id, count(*), sum(cost) "
                    + "from usage_log where user_id = (select id from users where name = ?) group by 1")) {
                s.setString(1, user);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rowsPerId.put(r.getString(1), r.getInt(2));
                        usageCost = usageCost.add(r.getBigDecimal(3));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement("select u.quota_balance, coalesce(sum(l.amount), 0), "
                    + "count(l.id) from users u left join quota_ledger l on l.user_id = u.id where u.name = ? "
                    + "group by u.quota_balance")) {
                s.setString(1, user);
                try (ResultSet r = s.executeQuery()) {
                    assertTrue(r.next());
                    balance = r.getBigDecimal(1);
                    ledgerSum = r.getBigDecimal(2);
                    ledgerRows = r.getInt(3);
                }
            }
            try (PreparedStatement s = c.prepareStatement("select count(*) from quota_leases "
                    + "where user_id = (select id from users where name = ?)")) {
                s.setString(1, user);
                try (ResultSet r = s.executeQuery()) {
                    assertTrue(r.next());
                    leases = r.getInt(1);
                }
            }
        }
        BigDecimal charged = QUOTA.subtract(balance);
        Set<String> twice = new TreeSet<>();
        rowsPerId.forEach((id, n) -> {
            if (n > 1) {
                twice.add(id);
            }
        });
        Set<String> withoutRow = new TreeSet<>(answered);
        withoutRow.removeAll(rowsPerId.keySet());
        System.out.printf("KillNineLedgerIT (%s): %d requests answered, %d usage rows (cost %s), ledger charged %s, "
                        + "difference %s; %d answered requests without a usage row; %d ledger rows, %d leases%n", how,
                answered.size(), rowsPerId.size(), usageCost.toPlainString(), charged.toPlainString(),
                charged.subtract(usageCost).toPlainString(), withoutRow.size(), ledgerRows, leases);
        assertEquals(Set.of(), twice, "request ids with more than one usage row");
        assertEquals(0, ledgerSum.compareTo(balance), "the ledger explains the balance");
        assertEquals(0, usageCost.compareTo(charged), "Σ usage cost " + usageCost + " == charged " + charged);
        assertTrue(usageCost.signum() > 0, "the load was priced");
        assertTrue(ledgerRows <= 1 + 2 * leases, "no ledger row per request: the grant and at most a charge and a"
                + " follow-up per lease; " + ledgerRows + " rows, " + leases + " leases");
        return withoutRow;
    }

    /** PostgreSQL's own count of rows inserted per table (pg_stat_user_tables.n_tup_ins). */
    private static Map<String, Long> inserts() throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = DriverManager.getConnection(owner.gateway().jdbcUrl(), owner.gateway().dbUser(),
                owner.gateway().dbPassword()); PreparedStatement s = c.prepareStatement("select relname, n_tup_ins "
                + "from pg_stat_user_tables where relname in ('usage_log', 'quota_ledger', 'quota_leases')");
             ResultSet r = s.executeQuery()) {
            while (r.next()) {
                counts.put(r.getString(1), r.getLong(2));
            }
        }
        return counts;
    }

    /**
     * The figure of the rows the database inserted for the load, from its statistics (flushed by the backends when
     * idle, within about 10 s: waited for, bounded).
     */
    private static void printInserts(Map<String, Long> before, int answered) throws Exception {
        Map<String, Long> after = inserts();
        for (int i = 0; i < 60 && after.get("usage_log") - before.get("usage_log") < answered / 2; i++) {
            Thread.sleep(250);
            after = inserts();
        }
        Map<String, Long> delta = new java.util.TreeMap<>();
        after.forEach((table, n) -> delta.put(table, n - before.getOrDefault(table, 0L)));
        System.out.printf("KillNineLedgerIT: %d answered requests; rows inserted (pg_stat_user_tables.n_tup_ins): %s%n",
                answered, delta);
    }

    private static PackagedGateway packaged(String id, Path dataDir, String name) throws IOException {
        return PackagedGateway.startJoining("KillNineLedgerIT-" + name, owner, id, dataDir,
                Map.of("MB_DRAIN_DELAY_SECONDS", "0"));
    }
}
