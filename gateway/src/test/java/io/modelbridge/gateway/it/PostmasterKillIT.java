package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL's postmaster is SIGKILLed under load: the gateway restarts it, rows it could not write
 * wait in the spill file, and a stop while the database is down again keeps them there; after the next start every
 * answered request has its usage row, exactly once.
 */
class PostmasterKillIT {
    private static final int CLIENTS = 6;
    /** Bounds the load (and keeps every row on one page of the usage listing). */
    private static final int MAX_REQUESTS = 300; // reserve + settle: 600 ledger rows, one page of 1,000

    @TempDir
    Path dataDir;

    @Test
    void aKilledPostmasterIsRestartedAndNoAnsweredRequestLosesItsRow() throws Exception {
        Set<String> answered = ConcurrentHashMap.newKeySet();
        try (OpenAiSimulator upstream = OpenAiSimulator.start()) {
            try (RunningGateway gateway = RunningGateway.start(dataDir)) {
                var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                        .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
                channel.putArray("models").add("gpt-4o");
                gateway.admin("POST", "/channels", channel);
                gateway.admin("PUT", "/prices/gpt-4o", "{\"input_per_1k\":1,\"output_per_1k\":1}");
                gateway.admin("POST", "/users", JSON.createObjectNode().put("name", "loader").put("quota", 1000));
                String key = gateway.admin("POST", "/keys", JSON.createObjectNode().put("user", "loader"))
                        .get("key").asText();
                ApiCalls api = new ApiCalls(gateway.api());
                assertEquals(200, api.post("/v1/chat/completions", key, chat("gpt-4o", "warm", false)).statusCode());

                long firstPid = postmasterPid();
                try (var load = Executors.newVirtualThreadPerTaskExecutor()) {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
                    AtomicInteger next = new AtomicInteger();
                    for (int c = 0; c < CLIENTS; c++) {
                        load.submit(() -> {
                            while (System.nanoTime() < end && next.get() < MAX_REQUESTS) {
                                String id = "kill-" + next.incrementAndGet();
                                HttpResponse<String> res = api.post("/v1/chat/completions", key,
                                        chat("gpt-4o", id, false), "x-request-id", id);
                                if (res.statusCode() == 200) {
                                    answered.add(id);
                                }
                                Thread.sleep(50); // ~100 requests/s in all: the kill lands mid-load
                            }
                            return null;
                        });
                    }
                    Thread.sleep(1500);
                    kill(firstPid);
                }
                long restartedPid = awaitNewPostmaster(firstPid);
                assertTrue(restartedPid != firstPid, "the gateway restarted its PostgreSQL");
                awaitReady(api);
                // The database dies again just before the stop: what is still pending must be kept, not dropped.
                for (int i = 0; i < 20; i++) {
                    String id = "last-" + i;
                    if (api.post("/v1/chat/completions", key, chat("gpt-4o", id, false), "x-request-id", id)
                            .statusCode() == 200) {
                        answered.add(id);
                    }
                }
                kill(restartedPid);
            } // the stop (what SIGTERM runs)
            assertTrue(answered.size() > 50, "load ran: " + answered.size());
            try (RunningGateway next = RunningGateway.start(dataDir)) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                Set<String> missing;
                do {
                    missing = new HashSet<>(answered);
                    missing.removeAll(usageIds(next));
                    if (!missing.isEmpty()) {
                        UsageRows.sleep(200);
                    }
                } while (!missing.isEmpty() && System.nanoTime() < end);
                System.out.printf("PostmasterKillIT: %d answered requests, %d usage rows lost%n", answered.size(),
                        missing.size());
                assertEquals(Set.of(), missing, "usage rows lost");
                long rows = next.admin("GET", "/usage?user=loader&since=1h", null).at("/totals/requests").asLong();
                assertEquals(answered.size() + 1, rows, "one row per answered request (and the warm-up), never two");
                Set<String> unbilled = new HashSet<>(answered);
                long end2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                do {
                    unbilled.removeAll(settled(next));
                    if (!unbilled.isEmpty()) {
                        UsageRows.sleep(200);
                    }
                } while (!unbilled.isEmpty() && System.nanoTime() < end2);
                System.out.printf("PostmasterKillIT: %d answered priced requests without a settle row%n",
                        unbilled.size());
                assertEquals(Set.of(), unbilled, "answered requests never billed");
            }
        }
    }

    private long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).strip());
    }

    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            p.destroyForcibly(); // SIGKILL
            p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
        });
    }

    private long awaitNewPostmaster(long dead) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (api.get("/readyz", null).statusCode() != 200) {
            assertTrue(System.nanoTime() < end, "/readyz turns 200 again after the restart");
            UsageRows.sleep(100);
        }
    }

    /** Request ids with a settle row in the user's ledger, each exactly once. */
    private static Set<String> settled(RunningGateway gateway) {
        Set<String> ids = new HashSet<>();
        gateway.admin("GET", "/users/loader/quota?limit=1000", null).get("ledger").forEach(r -> {
            if (r.get("kind").asText().equals("settle")) {
                assertTrue(ids.add(r.get("request_id").asText()), "settled twice: " + r);
            }
        });
        return ids;
    }

    private static Set<String> usageIds(RunningGateway gateway) {
        Set<String> ids = new HashSet<>();
        gateway.admin("GET", "/usage?since=1h&limit=" + MAX_REQUESTS * 2, null).get("data")
                .forEach(r -> ids.add(r.get("request_id").asText()));
        return ids;
    }
}
