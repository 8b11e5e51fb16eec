package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several clients stream and call for 20 seconds while the openai plugin jar is replaced by a rebuilt version every
 * second: no request fails, and requests sent a second after a swap are served by the new version.
 */
@Tag("alone")
class PluginSwapUnderLoadIT {
    private static final Duration RUN = Duration.ofSeconds(20);
    private static final Duration SWAP_EVERY = Duration.ofSeconds(1);
    private static final Duration TAKEOVER = Duration.ofSeconds(1);

    @TempDir
    Path dataDir;

    /** One request as a client saw it; {@code version} is the patch number of the plugin that served it. */
    record Call(long startNanos, boolean ok, int version, String detail) {}

    /** A jar replacement: version {@code version} was in the folder from {@code atNanos}. */
    record Swap(long atNanos, int version) {}

    @Test
    void swappingTheJarEverySecondFailsNoRequestAndNewVersionsTakeOverWithinASecond() throws Exception {
        try (OpenAiSimulator upstream = OpenAiSimulator.start(); RunningGateway gateway = RunningGateway.start(dataDir,
                RunningGateway::exposingRouting)) {
            upstream.chunkDelay(Duration.ofMillis(20)); // streams last ~0.2 s, so many straddle a swap
            var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                    .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
            channel.putArray("models").add("gpt-4o");
            gateway.admin("POST", "/channels", channel);
            String key = gateway.userWithKey("loadtester");
            ApiCalls api = new ApiCalls(gateway.api());
            Path jar = dataDir.resolve("plugins/modelbridge-plugin-openai.jar");

            ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
            List<Swap> swaps = new ArrayList<>();
            long end = System.nanoTime() + RUN.toNanos();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < 6; c++) {
                    boolean stream = c % 2 == 0;
                    running.add(clients.submit(() -> {
                        while (System.nanoTime() < end) {
                            calls.add(stream ? streamOnce(api, key) : callOnce(api, key));
                        }
                    }));
                }
                for (int version = 1; System.nanoTime() < end; version++) {
                    Thread.sleep(SWAP_EVERY.toMillis());
                    PluginJars.openAiVersion("1.0." + version, jar);
                    swaps.add(new Swap(System.nanoTime(), version));
                }
                for (Future<?> f : running) {
                    f.get();
                }
            }

            List<Call> failed = calls.stream().filter(c -> !c.ok()).toList();
            assertTrue(calls.size() > 200, "enough load: " + calls.size() + " requests");
            assertTrue(swaps.size() >= 15, "enough swaps: " + swaps.size());
            assertEquals(List.of(), failed, "no request may fail during swaps");
            for (Call call : calls) {
                int expected = versionDueAt(swaps, call.startNanos() - TAKEOVER.toNanos());
                assertTrue(call.version() >= expected, "a request sent " + TAKEOVER.toMillis()
                        + " ms after version " + expected + " was dropped in was served by version " + call.version());
            }
        }
    }

    private static int versionDueAt(List<Swap> swaps, long nanos) {
        int due = 0;
        for (Swap swap : swaps) {
            if (swap.atNanos() <= nanos) {
                due = swap.version();
            }
        }
        return due;
    }

    private static Call callOnce(ApiCalls api, String key) {
        long start = System.nanoTime();
        HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("gpt-4o", "plain call", false));
        boolean ok = res.statusCode() == 200 && res.body().contains("echo: plain call");
        return new Call(start, ok, version(res.headers().firstValue("x-modelbridge-plugin").orElse("")), res.body());
    }

    private static Call streamOnce(ApiCalls api, String key) {
        long start = System.nanoTime();
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key,
                chat("gpt-4o", "a streamed call that spans several chunks", true));
        Iterator<String> lines = res.body().iterator();
        boolean[] done = {false};
        String text = ApiCalls.text(ApiCalls.sseEvents(lines, done));
        boolean ok = res.statusCode() == 200 && done[0] && text.equals("echo: a streamed call that spans several chunks");
        return new Call(start, ok, version(res.headers().firstValue("x-modelbridge-plugin").orElse("")),
                res.statusCode() + " " + text);
    }

    /** "openai@1.0.7" is version 7; the original jar (1.0.0) is version 0. */
    private static int version(String header) {
        int dot = header.lastIndexOf('.');
        return dot < 0 ? -1 : Integer.parseInt(header.substring(dot + 1));
    }
}
