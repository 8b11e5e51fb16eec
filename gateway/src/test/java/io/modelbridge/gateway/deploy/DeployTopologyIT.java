package io.modelbridge.gateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.ids.RandomIds;
import io.modelbridge.gateway.it.AdminClient;
import io.modelbridge.gateway.it.ApiCalls;
import io.modelbridge.gateway.it.RedisServer;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose topology of scripts/deploy as plain processes: Debian's PostgreSQL 15 (the kit's init script creates
 * the minimal role), redis-server, the gateways of compose.yaml through the kit's entrypoint.sh over the packaged
 * distribution, and the kit's nginx.conf in front. Under {@value #CLIENTS} clients through nginx, a rolling restart
 * (SIGTERM a gateway, wait for its exit, start it again, wait for /readyz 200, then the next) fails no request, and
 * every answered request is billed exactly once: one usage row per request id, and the user's balance drops by
 * exactly the sum of the usage costs.
 */
@Tag("it")
@Timeout(240)
@Tag("alone")
class DeployTopologyIT {
    private static final int CLIENTS = 16;
    /** Bounds the load; it stops 3 s after the rolling restart (about 25 s on a quiet machine). */
    private static final int REQUESTS_PER_CLIENT = 200;
    private static final Duration LOAD_AT_MOST = Duration.ofSeconds(120);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
    private static final BigDecimal QUOTA = new BigDecimal("1000");
    private static final Path LOGS = Path.of("target", "test-logs");
    @TempDir
    Path work;

    @Test
    void aRollingRestartBehindNginxFailsNoRequestAndBillsEveryAnsweredOneExactlyOnce() throws Exception {
        Assumptions.assumeTrue(DebianPostgres.installed() && Files.isExecutable(Path.of("/usr/bin/redis-server"))
                        && DeployNginx.installed(),
                "DeployTopologyIT needs Debian's postgresql-15, redis-server and nginx: scripts/ensure-packages.sh"
                        + " installs them (./run-tests runs it)");
        Path secrets = Files.createDirectories(work.resolve("secrets"));
        String adminToken = secret(secrets, "mb_admin_token", "mbadm-" + RandomIds.base64Url(24));
        byte[] masterKey = new byte[32];
        new SecureRandom().nextBytes(masterKey);
        secret(secrets, "mb_master_key", Base64.getEncoder().encodeToString(masterKey));
        secret(secrets, "mb_db_password", "db-'pw'-" + RandomIds.base64Url(12));
        String superuserPassword = "pg-" + RandomIds.base64Url(12);
        SecretLedger.record(superuserPassword);

        try (DebianPostgres postgres = DebianPostgres.start(superuserPassword, LOGS.resolve("DeployTopologyIT"));
             RedisServer redis = RedisServer.start();
             OpenAiSimulator upstream = OpenAiSimulator.start();
             Gateways gateways = new Gateways()) { // closed first: the gateways stop before their database
            postgres.runInitScript(DeployKit.DIR.resolve("initdb/10-modelbridge-role.sh"),
                    Map.of("MODELBRIDGE_SECRETS_DIR", secrets.toString()),
                    LOGS.resolve("DeployTopologyIT/initdb-script.log"));
            Map<String, Integer> hosts = Map.of("postgres:5432", postgres.port, "redis:6379", redis.port());
            for (var service : DeployKit.gatewayServices().entrySet()) {
                // without compose's warm-up: WarmupIT covers it, and here it would only lengthen each start by ~20 s
                Map<String, String> env = new LinkedHashMap<>(service.getValue());
                env.put("MB_WARMUP", "off");
                gateways.add(new KitGateway(service.getKey(), env, hosts, secrets,
                        Files.createDirectories(work.resolve(service.getKey())), LOGS));
            }
            // Both at once, as Kubernetes starts its replicas (Liquibase's lock serializes the migration); compose
            // starts gateway-b after gateway-a is healthy.
            gateways.forEach(KitGateway::start);
            for (KitGateway gateway : gateways) {
                gateway.awaitReadyz(200, Duration.ofSeconds(90));
            }
            AdminClient admin = gateways.getFirst().admin(adminToken);
            String key = setUp(admin, upstream);
            Map<String, Integer> upstreams = new LinkedHashMap<>();
            gateways.forEach(g -> upstreams.put(g.service, g.port));
            try (DeployNginx nginx = DeployNginx.start(upstreams, LOGS.resolve("DeployTopologyIT"))) {
                Load load = new Load(URI.create("http://127.0.0.1:" + nginx.port()), key);
                List<String> restarts = new ArrayList<>();
                ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
                long restartsDone;
                try {
                    List<Future<?>> clients = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        int client = c;
                        clients.add(pool.submit(() -> load.client(client)));
                    }
                    LocalServer.sleep(2_000); // the load runs through both gateways first
                    for (KitGateway gateway : gateways) {
                        long t0 = System.nanoTime();
                        int status = gateway.stop(Duration.ofSeconds(60));
                        assertEquals(0, status, gateway.service + " exits 0 after its drain: " + gateway.logText());
                        long exited = System.nanoTime();
                        gateway.start();
                        gateway.awaitReadyz(200, Duration.ofSeconds(90));
                        restarts.add(String.format("%s: exited after %.1f s, ready again %.1f s later", gateway.service,
                                seconds(exited - t0), seconds(System.nanoTime() - exited)));
                    }
                    restartsDone = System.nanoTime();
                    LocalServer.sleep(3_000); // and through both restarted ones
                    load.stop.set(true);
                    for (Future<?> client : clients) {
                        client.get(ANSWER_WITHIN.toSeconds() + 5, TimeUnit.SECONDS);
                    }
                } finally {
                    load.stop.set(true);
                    pool.shutdownNow();
                }

                List<Outcome> outcomes = new ArrayList<>(load.outcomes);
                List<Outcome> failed = outcomes.stream().filter(o -> !o.ok()).toList();
                long afterRestarts = outcomes.stream().filter(o -> o.started() > restartsDone).count();
                System.out.println("DeployTopologyIT: " + restarts);
                System.out.println("DeployTopologyIT: " + outcomes.size() + " requests through nginx, " + failed.size()
                        + " failed, " + afterRestarts + " sent after the last restart");
                assertTrue(failed.isEmpty(), failed.size() + " failed request(s): "
                        + failed.stream().limit(10).toList() + "\nnginx: " + nginx.server().logText());
                assertTrue(outcomes.size() >= 200, "the load ran: " + outcomes.size());
                assertTrue(afterRestarts >= CLIENTS, "the load lasted past the rolling restart: " + afterRestarts);

                Billing billing = billing(admin, outcomes);
                System.out.println("DeployTopologyIT: " + billing);
                assertEquals(outcomes.size(), billing.rows(), "one usage row per answered request: " + billing);
                assertEquals(0, billing.rowsPerId().values().stream().filter(n -> n != 1).count(),
                        "each request id has exactly one usage row: " + billing.rowsPerId().entrySet().stream()
                                .filter(e -> e.getValue() != 1).limit(10).toList());
                assertEquals(0, billing.balanceDrop().compareTo(billing.usageCost()),
                        "the balance dropped by exactly the usage cost: " + billing);
                assertEquals(0, BigDecimal.ZERO.compareTo(billing.held()), "every lease was returned: " + billing);
                assertTrue(Long.parseLong(redis.command("DBSIZE").substring(1)) > 0,
                        "the rate-limit buckets are in Redis (compose's MB_RATE_LIMITS=redis://)");
            }
            gateways.forEach(KitGateway::sigterm); // both drain at once
            for (KitGateway gateway : gateways) {
                assertEquals(0, gateway.stop(Duration.ofSeconds(60)), gateway.logText());
            }
        }
    }

    /** The gateways of the topology; whichever still runs is stopped (SIGTERM, then killed) at the end. */
    private static final class Gateways extends ArrayList<KitGateway> implements AutoCloseable {
        @Override
        public void close() {
            forEach(KitGateway::kill);
        }
    }

    /** A channel to the simulator, a priced model, a rate limit and a user with a quota and a key. */
    private static String setUp(AdminClient admin, OpenAiSimulator upstream) {
        var channel = RunningGateway.JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        admin.call("POST", "/channels", channel);
        admin.call("PUT", "/prices/gpt-4o", RunningGateway.JSON.createObjectNode()
                .put("input_per_1k", "0.5").put("output_per_1k", "1.5"));
        admin.call("POST", "/users", RunningGateway.JSON.createObjectNode().put("name", "loader")
                .put("quota", QUOTA));
        admin.call("PUT", "/limits", RunningGateway.JSON.createObjectNode().put("scope", "user")
                .put("subject", "loader").put("rpm", 100_000));
        String key = admin.call("POST", "/keys", RunningGateway.JSON.createObjectNode().put("user", "loader"))
                .get("key").asText();
        upstream.replyWith("one two three four five six seven eight");
        upstream.hangBeforeHeaders(Duration.ofMillis(800));
        upstream.chunkDelay(Duration.ofMillis(20));
        return key;
    }

    /** What the admin API says was billed, once the rows are written and the leases returned (bounded wait). */
    private static Billing billing(AdminClient admin, List<Outcome> answered) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Billing billing;
        do {
            LocalServer.sleep(500);
            Collection<JsonNode> rows = usageRows(admin);
            Map<String, Integer> rowsPerId = new TreeMap<>();
            BigDecimal cost = BigDecimal.ZERO;
            for (JsonNode row : rows) {
                rowsPerId.merge(row.path("client_request_id").asText("(none)"), 1, Integer::sum);
                cost = cost.add(new BigDecimal(row.get("cost").asText()));
            }
            answered.forEach(o -> rowsPerId.putIfAbsent(o.id(), 0));
            JsonNode quota = admin.call("GET", "/users/loader/quota?limit=1", null);
            billing = new Billing(rows.size(), rowsPerId, cost,
                    QUOTA.subtract(new BigDecimal(quota.get("balance").asText())),
                    new BigDecimal(quota.get("held").asText()));
        } while (!billing.settled(answered.size()) && System.nanoTime() < end);
        return billing;
    }

    /** Every usage row of the user, by the gateway's request id, a page of 1000 (newest first) at a time. */
    private static Collection<JsonNode> usageRows(AdminClient admin) {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        String until = "";
        for (int page = 0; page < 20; page++) {
            JsonNode data = admin.call("GET", "/usage?user=loader&since=1h&limit=1000" + until, null).get("data");
            int added = 0;
            Instant oldest = Instant.MAX;
            for (JsonNode row : data) {
                added += rows.putIfAbsent(row.get("request_id").asText(), row) == null ? 1 : 0;
                Instant at = Instant.parse(row.get("at").asText());
                oldest = at.isBefore(oldest) ? at : oldest;
            }
            if (data.size() < 1000 || added == 0) {
                return rows.values();
            }
            until = "&until=" + oldest.plusNanos(1_000); // until is exclusive: the oldest instant's rows come again
        }
        throw new AssertionError("more than 20 pages of usage rows");
    }

    private record Billing(int rows, Map<String, Integer> rowsPerId, BigDecimal usageCost, BigDecimal balanceDrop,
                           BigDecimal held) {
        boolean settled(int answered) {
            return rows >= answered && held.signum() == 0 && balanceDrop.compareTo(usageCost) == 0;
        }

        @Override
        public String toString() {
            return rows + " usage rows, usage cost " + usageCost.toPlainString() + ", balance drop "
                    + balanceDrop.toPlainString() + ", billed difference " + balanceDrop.subtract(usageCost)
                    .toPlainString() + ", held in leases " + held.toPlainString();
        }
    }

    /** What one request got: ok is 200 with a complete answer (a stream with its [DONE]). */
    private record Outcome(String id, long started, int status, boolean ok, String detail) {}

    /** The clients: plain and streamed chats in turn through nginx, each request with its own x-request-id. */
    private static final class Load {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final URI api;
        final String key;
        final AtomicBoolean stop = new AtomicBoolean();
        final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        final long until = System.nanoTime() + LOAD_AT_MOST.toNanos();

        Load(URI api, String key) {
            this.api = api;
            this.key = key;
        }

        void client(int client) {
            for (int i = 0; i < REQUESTS_PER_CLIENT && !stop.get() && System.nanoTime() < until; i++) {
                boolean stream = (client + i) % 2 == 0;
                outcomes.add(send("topology-" + (stream ? "stream-" : "plain-") + client + "-" + i, stream));
            }
        }

        private Outcome send(String id, boolean stream) {
            HttpRequest request = HttpRequest.newBuilder(api.resolve("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("x-request-id", id).timeout(ANSWER_WITHIN)
                    .POST(HttpRequest.BodyPublishers.ofString(ApiCalls.chat("gpt-4o", id, stream))).build();
            long started = System.nanoTime();
            try {
                HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
                boolean complete = res.statusCode() == 200 && (stream ? res.body().contains("data: [DONE]")
                        : !ApiCalls.json(res.body()).at("/choices/0/message/content").asText().isEmpty());
                return new Outcome(id, started, res.statusCode(), complete, complete ? "" : res.body());
            } catch (java.io.IOException e) {
                return new Outcome(id, started, 0, false, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Outcome(id, started, 0, false, "interrupted");
            }
        }
    }

    private static String secret(Path dir, String name, String value) throws java.io.IOException {
        SecretLedger.record(value);
        Files.writeString(dir.resolve(name), value + "\n");
        return value;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
