package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged gateway, run as ./modelbridge runs it, drains on a real SIGTERM (or SIGHUP) and exits 0: an open stream
 * finishes, and under load /readyz turns 503 while requests are still served for MB_DRAIN_DELAY_SECONDS, then
 * requests are turned away (with Retry-After and request ids), and every request it answered has exactly one usage
 * row.
 */
@Timeout(240)
@Tag("alone")
class SigtermDrainIT {
    private static final int DRAIN_SECONDS = 20;
    private static final int DRAIN_DELAY_SECONDS = 3;
    /** The drain delay and grace, and time to spare for the close (usage flush, database stop) on a loaded machine. */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);
    private static final int CLIENTS = 24;
    /** Bounds the load (and keeps the rows within one page of the admin API's /usage, 1000 rows). */
    private static final int REQUESTS_PER_CLIENT = 40;
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(30);
    @TempDir
    Path dataDir;

    /**
     * SIGHUP (the terminal of a gateway run in the foreground closed) stops it as SIGTERM does. The JVM's own handling
     * of it ran shutdown hooks only: no drain, the stream cut, the usage rows still queued never written (52 of 1,731
     * answered requests under wrk), and the embedded PostgreSQL stopped under the running gateway.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TERM", "HUP"})
    void aStopSignalLetsAnOpenStreamFinishFlushesUsageAndExitsZero(String signal) throws Exception {
        SecretLedger.record(RunningGateway.ADMIN_TOKEN);
        try (OpenAiSimulator upstream = OpenAiSimulator.start()) {
            PackagedGateway gateway = start(upstream, Map.of()); // the default drain delay
            try {
                String key = gateway.admin().userWithKey("dave");
                upstream.replyWith("still streaming while the gateway shuts down");
                upstream.gateEvents();
                upstream.releaseEvents(1);
                HttpResponse<Stream<String>> res = new ApiCalls(gateway.api()).postStreaming("/v1/chat/completions", key,
                        chat("gpt-4o", "x", true));
                Iterator<String> lines = res.body().iterator();
                String first = CompletableFuture.supplyAsync(() -> nextContent(lines)).get(30, TimeUnit.SECONDS);

                gateway.signal(signal);
                gateway.awaitReadyz(503, Duration.ofSeconds(30)); // draining: /readyz says not ready
                upstream.reset(); // the upstream sends the rest of the answer
                boolean[] done = {false};
                String rest = ApiCalls.text(ApiCalls.sseEvents(lines, done));
                assertEquals("still streaming while the gateway shuts down", first + rest);
                assertTrue(done[0], "the stream ended normally with [DONE]");
                assertStoppedCleanly(gateway, EXIT_WITHIN);
            } finally {
                gateway.close();
            }
            try (RunningGateway after = RunningGateway.start(dataDir)) {
                JsonNode usage = after.admin("GET", "/usage?user=dave", null);
                assertEquals(1, usage.at("/totals/requests").asInt(), usage.toString());
                assertEquals(200, usage.at("/data/0/status").asInt(), usage.toString());
                assertTrue(usage.at("/data/0/completion_tokens").asInt() > 0, usage.toString());
            }
        }
    }

    /**
     * {@value #CLIENTS} clients send plain and streamed chats in turn (every upstream answer held 100 ms, every
     * stream event 20 ms) for about 3 s; then SIGTERM, the clients carrying on until the gateway turns them away.
     * /readyz turns 503 at once, but requests sent after that are still answered 200 for the
     * {@value #DRAIN_DELAY_SECONDS} s drain delay; only after it are requests turned away, each with Retry-After,
     * x-request-id (the client's) and x-modelbridge-request-id. The process exits 0 within the grace period; every
     * request it answered 200 (every stream with its {@code [DONE]}) has exactly one usage row under its x-request-id,
     * no other row is there, and every request turned away got 503 {@code shutting_down} or had its connection
     * refused or closed: none hung.
     */
    @Test
    void sigtermUnderLoadLeavesExactlyOneUsageRowForEveryAnsweredRequest() throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        WallClock clock = WallClock.now();
        long sigtermAt;
        long notReadyAt;
        try (OpenAiSimulator upstream = OpenAiSimulator.start()) {
            PackagedGateway gateway = start(upstream, Map.of("MB_DRAIN_DELAY_SECONDS", String.valueOf(DRAIN_DELAY_SECONDS)));
            try {
                String key = gateway.admin().userWithKey("loader");
                upstream.replyWith("one two three four five six seven eight");
                upstream.hangBeforeHeaders(Duration.ofMillis(100));
                upstream.chunkDelay(Duration.ofMillis(20));
                Load load = new Load(gateway.api(), key);
                ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
                try {
                    List<Future<?>> clients = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        int client = c;
                        clients.add(pool.submit(() -> load.client(client)));
                    }
                    long start = System.nanoTime();
                    while (!(load.answered.get() >= 60 && elapsed(start).compareTo(Duration.ofSeconds(3)) >= 0)
                            && load.started.get() < CLIENTS * REQUESTS_PER_CLIENT / 2
                            && elapsed(start).compareTo(Duration.ofSeconds(60)) < 0) {
                        Thread.sleep(20);
                    }
                    sigtermAt = System.nanoTime();
                    gateway.sigterm();
                    gateway.awaitReadyz(503, Duration.ofSeconds(30));
                    assertStoppedCleanly(gateway, EXIT_WITHIN);
                    for (Future<?> client : clients) {
                        client.get(ANSWER_WITHIN.toSeconds() + 10, TimeUnit.SECONDS); // bounded: no client hangs
                    }
                } finally {
                    pool.shutdownNow();
                }
                outcomes.addAll(load.outcomes);
                String log = gateway.logText();
                // When the gateway itself turned /readyz 503 (its log line follows the switch), not when a poll
                // noticed it: on a loaded machine a poll can come late, leaving little of the delay to measure.
                notReadyAt = clock.nanoTimeOf(logTime(log, "Not ready (/readyz answers 503)"));
                log.lines().filter(l -> l.contains("Draining") || l.contains("stopped") || l.contains("usage rows"))
                        .forEach(l -> System.out.println("gateway log: " + l)); // how long the drain took
                assertFalse(log.contains("still in flight after the grace period"), log);
            } finally {
                gateway.close();
            }
        }

        List<Outcome> answered = outcomes.stream().filter(o -> o.status() == 200).toList();
        String summary = summary(outcomes, sigtermAt);
        System.out.println("SIGTERM under load: " + summary);
        assertTrue(answered.size() >= 60, "the load ran before SIGTERM: " + summary);
        assertTrue(answered.stream().anyMatch(o -> o.started() < sigtermAt && o.ended() > sigtermAt),
                "requests were in flight when SIGTERM came, and were answered: " + summary);
        assertTrue(outcomes.stream().anyMatch(o -> o.ended() > sigtermAt && o.status() != 200),
                "the drain turned clients away: " + summary);
        long servedWhileNotReady = answered.stream().filter(o -> o.started() > notReadyAt).count();
        System.out.println("SIGTERM under load: " + servedWhileNotReady + " request(s) sent after /readyz turned 503"
                + " were answered 200 during the drain delay");
        assertTrue(servedWhileNotReady >= CLIENTS, "requests sent after /readyz turned 503 are still served during"
                + " the drain delay: " + servedWhileNotReady + "; " + summary);
        long delayEnds = sigtermAt + TimeUnit.SECONDS.toNanos(DRAIN_DELAY_SECONDS);
        for (Outcome o : outcomes) {
            assertFalse(o.kind().equals("hang"), "no request hangs: " + o + "; " + summary);
            if (o.status() == 200) {
                assertTrue(o.complete(), "a 200 is a complete answer (a stream ends in [DONE]): " + o);
                assertEquals(o.id(), o.echoedId(), "the gateway kept the client's x-request-id: " + o);
            } else if (o.status() > 0) {
                assertEquals(503, o.status(), "turned away with 503: " + o);
                assertEquals("shutting_down", o.code(), "turned away because the gateway is shutting down: " + o);
                assertTrue(o.ended() > delayEnds, "only the drain, after the delay, turns requests away: " + o);
                assertEquals("1", o.retryAfter(), "a refusal says when to retry: " + o);
                assertEquals(o.id(), o.echoedId(), "a refusal echoes the client's x-request-id: " + o);
                assertTrue(o.ownId() != null && o.ownId().startsWith("req_"), "and has the gateway's own id: " + o);
            } else {
                assertTrue(o.ended() > sigtermAt, "only the drain refuses connections: " + o + "; " + summary);
            }
        }

        try (RunningGateway after = RunningGateway.start(dataDir)) {
            JsonNode usage = after.admin("GET", "/usage?user=loader&since=1h&limit=1000", null);
            JsonNode rows = usage.get("data");
            assertEquals(rows.size(), usage.at("/totals/requests").asInt(), "every row is on this page");
            Map<String, Integer> rowsPerId = new HashMap<>();
            Map<String, Integer> statusPerId = new HashMap<>();
            for (JsonNode row : rows) {
                rowsPerId.merge(row.get("client_request_id").asText(), 1, Integer::sum);
                statusPerId.put(row.get("client_request_id").asText(), row.get("status").asInt());
            }
            Map<String, Integer> twice = new TreeMap<>(rowsPerId);
            twice.values().removeIf(n -> n == 1);
            assertTrue(twice.isEmpty(), "no request is counted twice: " + twice);
            Set<String> answeredIds = answered.stream().map(Outcome::id).collect(Collectors.toCollection(TreeSet::new));
            Set<String> missing = new TreeSet<>(answeredIds);
            missing.removeAll(rowsPerId.keySet());
            assertTrue(missing.isEmpty(), missing.size() + " answered request(s) have no usage row: " + missing);
            Set<String> unexplained = new TreeSet<>(rowsPerId.keySet());
            unexplained.removeAll(answeredIds);
            assertTrue(unexplained.isEmpty(), "rows only for answered requests: " + unexplained + "; " + summary);
            for (Outcome o : answered) {
                assertEquals(200, statusPerId.get(o.id()), "the row of " + o.id() + " says 200");
            }
            for (JsonNode row : rows) {
                if (row.get("client_request_id").asText().contains("-plain-")) {
                    assertTrue(row.get("completion_tokens").asInt() > 0, row.toString());
                }
            }
        }
    }

    /** What one request of the load got: a status (0: no answer) or, failing that, what kind of failure. */
    private record Outcome(String id, long started, long ended, int status, String code, boolean complete,
                           String echoedId, String ownId, String retryAfter, String kind) {}

    /** The clients: each sends up to {@value #REQUESTS_PER_CLIENT} requests, and stops once turned away. */
    private static final class Load {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        final URI api;
        final String key;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

        Load(URI api, String key) {
            this.api = api;
            this.key = key;
        }

        void client(int client) {
            for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                boolean stream = (client + i) % 2 == 0;
                String id = "load-" + (stream ? "stream-" : "plain-") + client + "-" + i;
                started.incrementAndGet();
                Outcome outcome = send(id, stream);
                outcomes.add(outcome);
                if (outcome.status() != 200) {
                    return;
                }
                answered.incrementAndGet();
            }
        }

        private Outcome send(String id, boolean stream) {
            HttpRequest request = HttpRequest.newBuilder(api.resolve("/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("x-request-id", id).timeout(ANSWER_WITHIN)
                    .POST(HttpRequest.BodyPublishers.ofString(chat("gpt-4o", id, stream))).build();
            long started = System.nanoTime();
            try {
                HttpResponse<String> res = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .get(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS); // the whole body, not just the headers
                String body = res.body();
                boolean complete = stream ? body.contains("data: [DONE]")
                        : res.statusCode() == 200 && !ApiCalls.json(body).at("/choices/0/message/content").asText().isEmpty();
                String code = res.statusCode() == 200 ? null : ApiCalls.json(body).at("/error/code").asText(null);
                return new Outcome(id, started, System.nanoTime(), res.statusCode(), code, complete,
                        res.headers().firstValue("x-request-id").orElse(null),
                        res.headers().firstValue("x-modelbridge-request-id").orElse(null),
                        res.headers().firstValue("retry-after").orElse(null), "answer");
            } catch (TimeoutException e) {
                return new Outcome(id, started, System.nanoTime(), 0, null, false, null, null, null, "hang");
            } catch (ExecutionException e) {
                String kind = e.getCause() instanceof java.net.http.HttpTimeoutException ? "hang"
                        : e.getCause() instanceof ConnectException ? "refused" : "closed: " + e.getCause();
                return new Outcome(id, started, System.nanoTime(), 0, null, false, null, null, null, kind);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** How many requests got what, as sent before or after SIGTERM. */
    private static String summary(List<Outcome> outcomes, long sigtermAt) {
        Map<String, Long> counts = outcomes.stream().collect(Collectors.groupingBy(
                o -> (o.started() < sigtermAt ? "sent before SIGTERM, " : "sent after, ")
                        + (o.status() > 0 ? o.status() + (o.code() == null ? "" : " " + o.code()) : o.kind()),
                TreeMap::new, Collectors.counting()));
        long caught = outcomes.stream().filter(o -> o.status() == 200 && o.started() < sigtermAt && o.ended() > sigtermAt)
                .count();
        return outcomes.size() + " requests: " + counts + "; in flight at SIGTERM and answered: " + caught;
    }

    private static Duration elapsed(long since) {
        return Duration.ofNanos(System.nanoTime() - since);
    }

    private PackagedGateway start(OpenAiSimulator upstream, Map<String, String> env)
            throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(env);
        all.put("MB_DRAIN_SECONDS", String.valueOf(DRAIN_SECONDS));
        PackagedGateway gateway = PackagedGateway.start("SigtermDrainIT-" + dataDir.getFileName(), dataDir, all);
        try {
            gateway.awaitReady(PackagedGateway.START_WITHIN);
            gateway.addChannel(upstream, "gpt-4o");
            return gateway;
        } catch (RuntimeException | Error e) {
            gateway.close();
            throw e;
        }
    }

    /** Exit 0 after the whole close (usage rows flushed, database stopped). */
    private static void assertStoppedCleanly(PackagedGateway gateway, Duration within) throws InterruptedException {
        String log = gateway.assertExits(0, within);
        assertTrue(log.contains("ModelBridge stopped"),
                "the exit waited for the whole close (usage rows flushed, database stopped); log:\n" + log);
    }

    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

    /** The time of the first log line containing {@code text} (the gateway logs local time, as this JVM keeps it). */
    private static Instant logTime(String log, String text) {
        String line = log.lines().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with '" + text + "' in:\n" + log));
        return LocalDateTime.parse(line.substring(0, line.indexOf(' ')), LOG_TIME).atZone(ZoneId.systemDefault())
                .toInstant();
    }

    /** Maps wall-clock instants (log lines) onto this JVM's System.nanoTime(), which the outcomes use. */
    private record WallClock(long nanos, Instant wall) {
        static WallClock now() {
            return new WallClock(System.nanoTime(), Instant.now());
        }

        long nanoTimeOf(Instant instant) {
            return nanos + Duration.between(wall, instant).toNanos();
        }
    }

    private static String nextContent(Iterator<String> lines) {
        while (lines.hasNext()) {
            List<JsonNode> one = ApiCalls.sseEvents(List.of(lines.next()).iterator(), new boolean[1]);
            String text = ApiCalls.text(one);
            if (!text.isEmpty()) {
                return text;
            }
        }
        throw new AssertionError("stream ended without content");
    }
}
