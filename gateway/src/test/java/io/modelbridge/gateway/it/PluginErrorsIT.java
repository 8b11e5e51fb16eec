package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin that throws {@link Error}s (here: a class whose static initialiser fails, so the first call gets an
 * ExceptionInInitializerError and every later one a NoClassDefFoundError) fails its attempts like one that throws an
 * exception: 502 provider_plugin_error, failover, the breaker counts it, the usage row and /metrics say 502, and
 * the log holds one stack trace, not one per request.
 */
@Tag("it")
class PluginErrorsIT {
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    static ApiCalls api;
    static String key;
    static final List<LogRecord> failoverLog = new CopyOnWriteArrayList<>();
    static final Logger failoverLogger = Logger.getLogger("io.modelbridge.gateway.pipeline.Failover");
    static final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            failoverLog.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start(dataDir, RunningGateway::exposingRouting);
        failoverLogger.addHandler(capture);
        api = new ApiCalls(gateway.api());
        dropAdapter(dataDir, "brittle", "return answer(Holder.GREETING);", """
                static final class Holder {
                    static final String GREETING = broken();
                }
                static String broken() {
                    throw new IllegalStateException("no licence file");
                }
                """);
        dropAdapter(dataDir, "steady", "return answer(\"steady answer\");", "");
        awaitProviders("brittle", "steady");
        for (String name : List.of("brittle", "brittle-b", "brittle-c", "brittle-d")) {
            channel(name, "brittle", name + "-model");
        }
        channel("steady", "steady", "steady-model");
        var both = JSON.createObjectNode();
        both.putArray("targets").add(JSON.createObjectNode().put("channel", "brittle-c").put("model", "brittle-c-model"))
                .add(JSON.createObjectNode().put("channel", "steady").put("model", "steady-model"));
        gateway.admin("PUT", "/aliases/both", both);
        key = gateway.userWithKey("pat");
    }

    @AfterAll
    static void stop() {
        failoverLogger.removeHandler(capture);
        gateway.close();
    }

    @Test
    void anErrorIsA502PluginErrorAndTheUsageRowAndMetricsSayWhatTheClientGot() {
        for (int i = 0; i < 2; i++) { // the first call: ExceptionInInitializerError; the next: NoClassDefFoundError
            HttpResponse<String> res = api.post("/v1/chat/completions", key, chat("brittle-model", "hi", false));
            assertError(res, 502, "provider_plugin_error");
            String requestId = res.headers().firstValue("x-request-id").orElseThrow();
            var row = UsageRows.find(gateway, requestId);
            assertEquals(502, row.get("status").asInt(), row.toString());
            assertEquals("provider_plugin_error", row.get("error_code").asText(), row.toString());
        }
        String metrics = scrape();
        assertTrue(metrics.contains("modelbridge_requests_total{alias=\"brittle-model\",channel=\"brittle\",status=\"502\"} 2"),
                metrics);
        assertTrue(metrics.contains("modelbridge_upstream_errors_total{channel=\"brittle\",kind=\"PLUGIN_ERROR\"} 2"), metrics);
        assertTrue(api.get("/readyz", null).statusCode() == 200);
    }

    @Test
    void aFailingTargetFailsOverToTheNextOne() {
        HttpResponse<String> res = api.chatOk(key, chat("both", "hi", false));
        assertEquals("steady", res.headers().firstValue("x-modelbridge-channel").orElseThrow());
        assertEquals("steady answer", ApiCalls.json(res.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void errorsOpenTheChannelsCircuitBreaker() {
        for (int i = 0; i < 5; i++) { // MB_BREAKER_FAILURES' default
            assertError(api.post("/v1/chat/completions", key, chat("brittle-b-model", "hi", false)), 502,
                    "provider_plugin_error");
        }
        assertEquals("open", gateway.admin("GET", "/channels/brittle-b", null).at("/breaker/state").asText());
        assertError(api.post("/v1/chat/completions", key, chat("brittle-b-model", "hi", false)), 503,
                "no_available_channel");
    }

    @Test
    void repeatedFailuresLogOneStackTrace() {
        failoverLog.clear();
        for (int i = 0; i < 4; i++) { // below the breaker's threshold: every one reaches the plugin
            assertError(api.post("/v1/chat/completions", key, chat("brittle-d-model", "hi", false)), 502,
                    "provider_plugin_error");
        }
        List<LogRecord> traces = failoverLog.stream().filter(r -> r.getThrown() != null).toList();
        assertTrue(traces.size() <= 1, traces.size() + " stack traces for 4 identical failures");
    }

    private static void channel(String name, String provider, String model) {
        var channel = JSON.createObjectNode().put("name", name).put("provider", provider);
        channel.putArray("models").add(model);
        gateway.admin("POST", "/channels", channel);
    }

    /** Drops a plugin whose adapter (provider id = plugin id) runs {@code chatBody}, with more members beside. */
    static void dropAdapter(Path dataDir, String provider, String chatBody, String members) throws Exception {
        Path elsewhere = Files.createDirectories(dataDir.resolve("elsewhere"));
        Path jar = PluginJars.compile(elsewhere.resolve(provider + ".jar"), provider, "", """
                public ProviderInfo info() {
                    return new ProviderInfo("%s", "%s", "none", "", List.of(), Set.of(Capability.CHAT));
                }
                public ChatResponse chat(ChatRequest request, CallContext ctx) {
                    %s
                }
                static ChatResponse answer(String text) {
                    return new ChatResponse(null, List.of(new ChatResponse.Choice(0, Message.of("assistant", text),
                            FinishReason.STOP)), Usage.of(1, 1));
                }
                public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
                    throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST, "no streams"));
                }
                %s
                """.formatted(provider, provider, chatBody, members));
        Files.move(jar, dataDir.resolve("plugins").resolve(provider + ".jar"));
    }

    private static void awaitProviders(String... providers) throws InterruptedException {
        for (String provider : providers) {
            PluginListing.await(gateway, PluginListing.has(provider, "STARTED", null), Duration.ofSeconds(10));
        }
    }

    private static String scrape() {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(gateway.admin().resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
