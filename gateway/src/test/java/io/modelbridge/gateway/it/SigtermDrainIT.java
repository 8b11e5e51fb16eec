package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.SecretLedger;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged gateway, run as ./modelbridge runs it, finishes an open stream on SIGTERM and exits 0. */
class SigtermDrainIT {
    @TempDir
    Path dataDir;

    @Test
    void sigtermLetsAnOpenStreamFinishFlushesUsageAndExitsZero() throws Exception {
        SecretLedger.record(RunningGateway.ADMIN_TOKEN);
        try (OpenAiSimulator upstream = OpenAiSimulator.start()) {
            int port = freePort();
            int adminPort = freePort();
            RunningGateway.copyBundledPlugins(dataDir.resolve("plugins"));
            // Kept in target/test-logs (not the temp folder), where admin-cli's LogSecretScanIT reads it after the build.
            Path log = Files.createDirectories(Path.of("target", "test-logs")).resolve("SigtermDrainIT-gateway.log");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", Path.of("target", "modelbridge-gateway.jar").toAbsolutePath().toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(java.util.Map.of("MB_PORT", String.valueOf(port),
                    "MB_ADMIN_PORT", String.valueOf(adminPort), "MB_DATA_DIR", dataDir.toString(),
                    "MB_ADMIN_TOKEN", RunningGateway.ADMIN_TOKEN, "MB_DRAIN_SECONDS", "20"));
            Process gateway = builder.start();
            try {
                URI api = URI.create("http://127.0.0.1:" + port);
                awaitStatus(api, 200, Duration.ofSeconds(90), gateway, log);
                AdminClient admin = new AdminClient(URI.create("http://127.0.0.1:" + adminPort), RunningGateway.ADMIN_TOKEN);
                var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                        .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
                channel.putArray("models").add("gpt-4o");
                admin.call("POST", "/channels", channel);
                String key = admin.userWithKey("dave");

                upstream.replyWith("still streaming while the gateway shuts down");
                upstream.gateEvents();
                upstream.releaseEvents(1);
                HttpResponse<Stream<String>> res = new ApiCalls(api).postStreaming("/v1/chat/completions", key,
                        chat("gpt-4o", "x", true));
                Iterator<String> lines = res.body().iterator();
                String first = CompletableFuture.supplyAsync(() -> nextContent(lines)).get(10, TimeUnit.SECONDS);

                gateway.destroy(); // SIGTERM
                awaitStatus(api, 503, Duration.ofSeconds(10), gateway, log); // draining: /readyz says not ready
                upstream.reset(); // the upstream sends the rest of the answer
                boolean[] done = {false};
                String rest = ApiCalls.text(ApiCalls.sseEvents(lines, done));
                assertEquals("still streaming while the gateway shuts down", first + rest);
                assertTrue(done[0], "the stream ended normally with [DONE]");
                assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway exited");
                assertEquals(0, gateway.exitValue(), Files.readString(log));
            } finally {
                gateway.destroyForcibly();
            }
            try (RunningGateway after = RunningGateway.start(dataDir)) {
                JsonNode usage = after.admin("GET", "/usage?user=dave", null);
                assertEquals(1, usage.at("/totals/requests").asInt(), usage.toString());
                assertEquals(200, usage.at("/data/0/status").asInt(), usage.toString());
                assertTrue(usage.at("/data/0/completion_tokens").asInt() > 0, usage.toString());
            }
        }
    }

    private static void awaitStatus(URI api, int status, Duration within, Process gateway, Path log)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        ApiCalls calls = new ApiCalls(api);
        while (System.nanoTime() < end) {
            assertTrue(gateway.isAlive() || status != 200, "gateway died: " + Files.readString(log));
            try {
                if (calls.get("/readyz", null).statusCode() == status) {
                    return;
                }
            } catch (RuntimeException notYetListening) {
                // connection refused while starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/readyz never answered " + status + "; log:\n" + Files.readString(log));
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
