package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.ApiCalls.json;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin jars added, replaced, removed and broken in the plugins folder of a running gateway. */
class PluginHotSwapIT {
    @TempDir
    Path dataDir;
    OpenAiSimulator upstream;
    RunningGateway gateway;
    ApiCalls api;
    String key;
    Path openAiJar;
    final List<String> pluginLog = new CopyOnWriteArrayList<>();
    // A strong reference: JUL holds loggers weakly, and a collected one would come back without our handler.
    final Logger pluginHostLog = Logger.getLogger("io.modelbridge.gateway.plugin.PluginHost");
    final Handler logCapture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                pluginLog.add(r.getMessage() + " " + List.of(r.getParameters() == null ? new Object[0] : r.getParameters()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void start() {
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir);
        pluginHostLog.addHandler(logCapture); // after the start: Helidon's JUL set-up resets handlers
        api = new ApiCalls(gateway.api());
        openAiJar = dataDir.resolve("plugins/modelbridge-plugin-openai.jar");
        var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        key = gateway.userWithKey("erin");
    }

    @AfterEach
    void stop() {
        pluginHostLog.removeHandler(logCapture);
        gateway.close();
        upstream.close();
    }

    @Test
    void aReplacedJarTakesNewRequestsWhileAStreamFinishesOnTheOldVersionWhichIsThenUnloaded() throws Exception {
        OpenStream stream = openGatedStream("the old version finishes this stream");
        PluginJars.openAiVersion("1.0.1", openAiJar);
        awaitPlugins(views -> version(views, "STARTED").equals("1.0.1"), Duration.ofSeconds(2));
        assertEquals("1.0.0", version(plugins(), "UNLOADING"), "the old version waits for its stream");
        assertChatWorks();

        upstream.reset();
        assertEquals("the old version finishes this stream", stream.rest());
        awaitPlugins(views -> version(views, "UNLOADING").isEmpty(), Duration.ofSeconds(2));
        assertChatWorks();
    }

    @Test
    void aRemovedJarLetsInFlightStreamsFinishThenItsModelsAnswer503UntilItComesBack() throws Exception {
        OpenStream stream = openGatedStream("finishing after the jar is gone");
        Files.delete(openAiJar);
        awaitPlugins(views -> version(views, "STARTED").isEmpty(), Duration.ofSeconds(2));
        JsonNode error = assertError(api.post("/v1/chat/completions", key, chat("gpt-4o", "hi", false)), 503,
                "provider_not_loaded");
        assertTrue(error.get("message").asText().contains("openai"), error.toString());
        assertFalse(gateway.admin("GET", "/channels/sim", null).get("provider_available").asBoolean());

        upstream.reset();
        assertEquals("finishing after the jar is gone", stream.rest());

        long dropped = System.nanoTime();
        Files.copy(PluginJars.openAiJar(), openAiJar);
        awaitChatWorks(Duration.ofSeconds(2));
        assertTrue(System.nanoTime() - dropped < Duration.ofSeconds(2).toNanos());
        assertTrue(gateway.admin("GET", "/channels/sim", null).get("provider_available").asBoolean());
    }

    @Test
    void aNewPluginIsUsableWithinTwoSecondsOfItsJarAppearing() throws Exception {
        Path staging = Files.createDirectories(dataDir.resolve("elsewhere"));
        Path jar = PluginJars.compile(staging.resolve("shout.jar"), "shout", "", """
                public ProviderInfo info() {
                    return new ProviderInfo("shout", "Shout", "none", "", List.of("loud"), Set.of(Capability.CHAT));
                }
                public ChatResponse chat(ChatRequest request, CallContext ctx) {
                    String text = request.messages().getLast().text().toUpperCase(Locale.ROOT);
                    return new ChatResponse(null, List.of(new ChatResponse.Choice(0, Message.of("assistant", text),
                            FinishReason.STOP)), Usage.of(1, 1));
                }
                public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
                    throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST, "no streams"));
                }
                """);
        Files.move(jar, dataDir.resolve("plugins/shout.jar"));
        awaitPlugins(views -> version(views, "STARTED", "shout").equals("1.0.0"), Duration.ofSeconds(2));
        var channel = JSON.createObjectNode().put("name", "shouter").put("provider", "shout");
        channel.putArray("models").add("loud");
        gateway.admin("POST", "/channels", channel);
        HttpResponse<String> res = api.chatOk(key, chat("loud", "quiet please", false));
        assertEquals("QUIET PLEASE", json(res.body()).at("/choices/0/message/content").asText());
        JsonNode listed = plugin(plugins(), "shout");
        assertEquals("none", listed.get("credential_format").asText());
        assertEquals("[\"loud\"]", listed.get("known_models").toString());
        assertTrue(listed.get("jar").asText().endsWith("shout.jar"));
    }

    @Test
    void brokenJarsChangeNothingAndAreReportedOnceWithTheirReason() throws Exception {
        Path plugins = dataDir.resolve("plugins");
        Files.write(plugins.resolve("corrupt.jar"), "this is not a zip file".repeat(50).getBytes());
        Path elsewhere = Files.createDirectories(dataDir.resolve("elsewhere"));
        Path noDescriptor = PluginJars.withManifest(PluginJars.openAiJar(), elsewhere.resolve("a.jar"),
                Map.of("Plugin-Id", "", "Plugin-Class", ""));
        Files.move(noDescriptor, plugins.resolve("no-descriptor.jar"));
        Files.move(PluginJars.withManifest(PluginJars.openAiJar(), elsewhere.resolve("b.jar"),
                Map.of("Plugin-Id", "openai-next", "Plugin-Requires", ">=9.0.0")), plugins.resolve("future-spi.jar"));
        Files.move(PluginJars.compile(elsewhere.resolve("c.jar"), "throws-on-start",
                "public void start() { throw new IllegalStateException(\"cannot reach the licence server\"); }",
                null), plugins.resolve("throws-on-start.jar"));

        List<JsonNode> failed = awaitPlugins(views -> views.stream().filter(v -> v.get("state").asText().equals("FAILED"))
                .count() == 4, Duration.ofSeconds(10)).stream().filter(v -> v.get("state").asText().equals("FAILED")).toList();
        assertReason(failed, "corrupt.jar", "not a plugin jar");
        assertReason(failed, "no-descriptor.jar", "not a plugin jar");
        assertReason(failed, "future-spi.jar", "requires SPI '>=9.0.0'");
        assertReason(failed, "throws-on-start.jar", "cannot reach the licence server");
        assertEquals("1.0.0", version(plugins(), "STARTED"), "the working plugin is untouched");
        assertChatWorks();
        for (String jar : List.of("corrupt.jar", "no-descriptor.jar", "future-spi.jar", "throws-on-start.jar")) {
            assertEquals(1, pluginLog.stream().filter(line -> line.contains(jar)).count(), jar + " in " + pluginLog);
        }
    }

    @Test
    void aJarCopiedInSlowStepsIsNeverLoadedHalfWritten() throws Exception {
        byte[] bytes = Files.readAllBytes(PluginJars.openAiVersion("2.0.0",
                Files.createDirectories(dataDir.resolve("elsewhere")).resolve("v2.jar")));
        PluginJars.slowCopy(bytes, openAiJar, 4, 700);
        awaitPlugins(views -> version(views, "STARTED").equals("2.0.0"), Duration.ofSeconds(3));
        assertTrue(plugins().stream().noneMatch(v -> v.get("state").asText().equals("FAILED")), plugins().toString());
        assertTrue(pluginLog.isEmpty(), pluginLog.toString());
        assertChatWorks();
    }

    /** A stream that has delivered its first chunk and waits, upstream, for {@code upstream.reset()}. */
    private OpenStream openGatedStream(String reply) throws Exception {
        upstream.replyWith(reply);
        upstream.gateEvents();
        upstream.releaseEvents(1);
        HttpResponse<Stream<String>> res = api.postStreaming("/v1/chat/completions", key, chat("gpt-4o", "x", true));
        Iterator<String> lines = res.body().iterator();
        String first = CompletableFuture.supplyAsync(() -> {
            while (lines.hasNext()) {
                String text = ApiCalls.text(ApiCalls.sseEvents(List.of(lines.next()).iterator(), new boolean[1]));
                if (!text.isEmpty()) {
                    return text;
                }
            }
            throw new AssertionError("no content");
        }).get(10, TimeUnit.SECONDS);
        return new OpenStream(first, lines);
    }

    private record OpenStream(String first, Iterator<String> lines) {
        String rest() {
            boolean[] done = {false};
            String text = first + ApiCalls.text(ApiCalls.sseEvents(lines, done));
            assertTrue(done[0], "the stream ended with [DONE]");
            return text;
        }
    }

    private void assertChatWorks() {
        HttpResponse<String> res = api.chatOk(key, chat("gpt-4o", "still there?", false));
        assertFalse(json(res.body()).at("/choices/0/message/content").asText().isBlank(), res.body());
    }

    private void awaitChatWorks(Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (api.post("/v1/chat/completions", key, chat("gpt-4o", "up?", false)).statusCode() != 200) {
            assertTrue(System.nanoTime() < end, "chat did not work again within " + within);
            Thread.sleep(20);
        }
    }

    private List<JsonNode> plugins() {
        JsonNode list = gateway.admin("GET", "/plugins", null).get("data");
        return Stream.iterate(0, i -> i < list.size(), i -> i + 1).map(list::get).toList();
    }

    private List<JsonNode> awaitPlugins(Predicate<List<JsonNode>> condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        List<JsonNode> views = plugins();
        while (!condition.test(views)) {
            assertTrue(System.nanoTime() < end, "plugins did not reach the expected state within " + within + ": " + views);
            Thread.sleep(20);
            views = plugins();
        }
        return views;
    }

    private static String version(List<JsonNode> views, String state) {
        return version(views, state, "openai");
    }

    private static String version(List<JsonNode> views, String state, String id) {
        return views.stream().filter(v -> v.get("id").asText().equals(id) && v.get("state").asText().equals(state))
                .map(v -> v.get("version").asText()).findFirst().orElse("");
    }

    private static JsonNode plugin(List<JsonNode> views, String id) {
        return views.stream().filter(v -> v.get("id").asText().equals(id)).findFirst().orElseThrow();
    }

    private static void assertReason(List<JsonNode> failed, String jar, String reason) {
        JsonNode view = failed.stream().filter(v -> v.get("jar").asText().endsWith(jar)).findFirst()
                .orElseThrow(() -> new AssertionError(jar + " not listed as failed: " + failed));
        assertTrue(view.get("error").asText().contains(reason), jar + ": " + view);
    }
}
