package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway serves priced requests; its embedded PostgreSQL's postmaster is SIGKILLed under load (the
 * gateway restarts it), then SIGKILLed again and kept down (its port taken) through a SIGTERM, so rows are still
 * pending at the stop. After the next start every answered request has exactly one usage row, and the ledger
 * charged exactly what those rows cost.
 */
class PostmasterKillIT {
    private static final int CLIENTS = 6;
    /** Bounds the load; its usage rows fit one page (1,000) of the usage listing. */
    private static final int MAX_REQUESTS = 300;
    private static final int KILL_AFTER_ANSWERED = 60;
    private static final Pattern WRITER_WARNING = Pattern.compile(
            "\\S+ (WARNING|SEVERE) \\[io\\.modelbridge\\.gateway\\.(usage\\.UsageRecorder|quota\\.LegacyLedgerSpill)].*");

    @TempDir
    Path dataDir;

    @Test
    void aKilledPostmasterIsRestartedAndNoAnsweredRequestLosesItsRow() throws Exception {
        Set<String> answered = ConcurrentHashMap.newKeySet();
        try (OpenAiSimulator upstream = OpenAiSimulator.start()) {
            long startedAt = System.nanoTime();
            PackagedGateway gateway = PackagedGateway.start("PostmasterKillIT-" + dataDir.getFileName(), dataDir, Map.of());
            try {
                gateway.awaitReady(PackagedGateway.START_WITHIN);
                gateway.addChannel(upstream, "gpt-4o");
                AdminClient admin = gateway.admin();
                admin.call("PUT", "/prices/gpt-4o", "{\"input_per_1k\":1,\"output_per_1k\":1}");
                admin.call("POST", "/users", JSON.createObjectNode().put("name", "loader").put("quota", 1000));
                String key = admin.call("POST", "/keys", JSON.createObjectNode().put("user", "loader"))
                        .get("key").asText();
                ApiCalls api = new ApiCalls(gateway.api());
                api.chatOk(key, chat("gpt-4o", "warm", false));

                long firstPid = postmasterPid();
                try (var load = Executors.newVirtualThreadPerTaskExecutor()) {
                    AtomicLong end = new AtomicLong(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
                    AtomicInteger next = new AtomicInteger();
                    for (int c = 0; c < CLIENTS; c++) {
                        load.submit(() -> {
                            while (System.nanoTime() < end.get() && next.get() < MAX_REQUESTS) {
                                String id = "kill-" + next.incrementAndGet();
                                HttpResponse<String> res = api.post("/v1/chat/completions", key,
                                        chat("gpt-4o", id, false), "x-request-id", id);
                                if (res.statusCode() == 200) {
                                    answered.add(gatewayId(res));
                                }
                                Thread.sleep(50); // ~100 requests/s in all: the kill lands mid-load
                            }
                            return null;
                        });
                    }
                    // The kill lands mid-load: once enough requests were answered (not after a fixed time, which on a
                    // loaded machine may have seen few), with load going on for 6.5 s after it.
                    long killBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (answered.size() < KILL_AFTER_ANSWERED && System.nanoTime() < killBy) {
                        Thread.sleep(20);
                    }
                    kill(firstPid);
                    end.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(6500));
                }
                long restartedPid = awaitNewPostmaster(firstPid);
                assertTrue(restartedPid != firstPid, "the gateway restarted its PostgreSQL");
                awaitReady(api);
                for (int i = 0; i < 20; i++) {
                    String id = "last-" + i;
                    HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("gpt-4o", id, false),
                            "x-request-id", id);
                    if (res.statusCode() == 200) {
                        answered.add(gatewayId(res));
                    }
                }
                // The database dies again and stays down (its port taken) through the SIGTERM: what is still
                // pending must be kept on disk, not lost with the process.
                String text;
                try (ServerSocket holdsThePort = killAndHoldPort()) {
                    gateway.sigterm();
                    text = gateway.assertExits(0, Duration.ofSeconds(120)); // drain delay, grace, spill to disk
                }
                // One failure line per 30 s (RateLimitedLog) and at most three at the stop (rows and leases kept for
                // the next start); the bound follows the run's length, which a loaded machine stretches.
                long runSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt);
                long allowedWarnings = 3 + 2 * (1 + runSeconds / 30);
                long writerWarnings = text.lines().filter(l -> WRITER_WARNING.matcher(l).matches()).count();
                assertTrue(writerWarnings <= allowedWarnings, "writer failures are logged with rate limiting: "
                        + writerWarnings + " in " + runSeconds + " s");
                for (String secret : new String[] {"superuser", "gateway"}) {
                    String password = Files.readString(dataDir.resolve("db-secrets").resolve(secret)).strip();
                    assertTrue(!text.contains(password), "the database's " + secret + " password is never logged");
                }
            } finally {
                gateway.close();
            }
            assertTrue(answered.size() >= KILL_AFTER_ANSWERED, "load ran: " + answered.size());
            try (RunningGateway next = RunningGateway.start(dataDir)) {
                Set<String> lostUsage = awaitGone(answered, () -> usageIds(next));
                Set<String> unbilled = awaitGone(answered, () -> settled(next));
                System.out.printf("PostmasterKillIT: %d answered priced requests: %d usage rows lost, "
                        + "%d never billed%n", answered.size(), lostUsage.size(), unbilled.size());
                assertEquals(Set.of(), lostUsage, "usage rows lost");
                assertEquals(Set.of(), unbilled, "answered requests never billed");
                // Requests refused during the outage (503 quota_unavailable) have usage rows of their own: count
                // the answered ones.
                List<String> answeredRows = new ArrayList<>();
                next.admin("GET", "/usage?user=loader&since=1h&limit=1000", null).get("data").forEach(r -> {
                    if (r.get("status").asInt() == 200) {
                        answeredRows.add(r.get("request_id").asText());
                    }
                });
                assertEquals(answered.size() + 1, answeredRows.size(),
                        "one row per answered request (and the warm-up), never two");
            }
        }
    }

    private static boolean ready(ApiCalls api) {
        try {
            return api.get("/readyz", null).statusCode() == 200;
        } catch (RuntimeException notYetListening) {
            return false;
        }
    }

    private interface Ids {
        Set<String> get();
    }

    /** The ids of {@code expected} still missing from {@code present} after waiting up to 60 s for them. */
    private static Set<String> awaitGone(Set<String> expected, Ids present) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Set<String> missing;
        do {
            missing = new HashSet<>(expected);
            missing.removeAll(present.get());
            if (!missing.isEmpty()) {
                UsageRows.sleep(200);
            }
        } while (!missing.isEmpty() && System.nanoTime() < end);
        return missing;
    }

    private long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).strip());
    }

    /** Line 4 of postmaster.pid. */
    private int postmasterPort() throws IOException {
        return Integer.parseInt(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(3).strip());
    }

    /**
     * Kills the running postmaster and takes its port as soon as it is free (the gateway's restart then waits for
     * it). Should the gateway's watchdog restart it first, the new one is killed in turn (a bounded number of times).
     */
    private ServerSocket killAndHoldPort() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = postmasterPort();
            kill(postmasterPid());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
                try {
                    return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
                } catch (IOException busy) {
                    Thread.sleep(1);
                }
            }
        }
        throw new AssertionError("the postmaster's port was never free to take");
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly(); // SIGKILL
            p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        });
    }

    private long awaitNewPostmaster(long dead) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            try {
                long pid = postmasterPid();
                if (pid != dead && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    return pid;
                }
            } catch (IOException | RuntimeException notYet) {
                // the pid file is rewritten while it starts
            }
            Thread.sleep(100);
        }
        return dead;
    }

    private static void awaitReady(ApiCalls api) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!ready(api)) {
            assertTrue(System.nanoTime() < end, "/readyz turns 200 again after the restart");
            UsageRows.sleep(100);
        }
    }

    /**
     * Request ids billed: once every lease of the user is closed and the ledger charged exactly what the user's
     * usage rows cost, the ids of the rows that cost something; none before.
     */
    private static Set<String> settled(RunningGateway gateway) {
        com.fasterxml.jackson.databind.JsonNode quota = gateway.admin("GET", "/users/loader/quota?limit=1000", null);
        com.fasterxml.jackson.databind.JsonNode usage = gateway.admin("GET", "/usage?user=loader&since=1h&limit=1000", null);
        java.math.BigDecimal charged = java.math.BigDecimal.ZERO;
        for (com.fasterxml.jackson.databind.JsonNode row : quota.get("ledger")) {
            if (row.get("kind").asText().equals("charge")) {
                charged = charged.subtract(row.get("amount").decimalValue());
            }
        }
        if (quota.get("held").decimalValue().signum() != 0
                || charged.compareTo(usage.at("/totals/cost").decimalValue()) != 0) {
            return Set.of();
        }
        Set<String> ids = new HashSet<>();
        usage.get("data").forEach(r -> {
            if (r.get("cost").decimalValue().signum() > 0) {
                ids.add(r.get("request_id").asText());
            }
        });
        return ids;
    }

    private static Set<String> usageIds(RunningGateway gateway) {
        Set<String> ids = new HashSet<>();
        gateway.admin("GET", "/usage?since=1h&limit=1000", null).get("data")
                .forEach(r -> ids.add(r.get("request_id").asText()));
        return ids;
    }

    /** The gateway's own id of the request, which its usage row and ledger rows carry. */
    private static String gatewayId(HttpResponse<String> res) {
        return res.headers().firstValue("x-modelbridge-request-id").orElseThrow();
    }
}
