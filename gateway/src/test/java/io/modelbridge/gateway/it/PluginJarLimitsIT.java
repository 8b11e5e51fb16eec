package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.PluginListing.await;
import static io.modelbridge.gateway.it.PluginListing.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.config.PluginConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken jars: every entry PF4J would read is size-bounded, a failed jar is listed FAILED with its reason
 * and leaves nothing in .staging, and a plugin whose start() never ends is cut off at the start timeout without
 * holding up the listing or the gateway's housekeeping.
 */
@Tag("it")
class PluginJarLimitsIT {
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    static Path plugins;
    static Path elsewhere;

    @BeforeAll
    static void start() throws Exception {
        gateway = RunningGateway.start(dataDir, c -> c.withPlugins(new PluginConfig(Set.of(), Duration.ofSeconds(2))));
        plugins = dataDir.resolve("plugins");
        elsewhere = Files.createDirectories(dataDir.resolve("elsewhere"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void oversizedEntriesAreRefusedWithTheirReasonAndLeaveNothingStaged() throws Exception {
        Path small = PluginJars.compile(elsewhere.resolve("small.jar"), "bigindex", "", adapter("bigindex"));
        StringBuilder index = new StringBuilder();
        for (int i = 0; index.length() < 2_600_000; i++) {
            index.append("fixture.NoSuchExtension").append(i).append('\n');
        }
        Map<String, byte[]> bigIndex = new HashMap<>();
        bigIndex.put("META-INF/extensions.idx", index.toString().getBytes(StandardCharsets.UTF_8));
        Files.move(PluginJars.withEntries(small, elsewhere.resolve("a.jar"), bigIndex, Map.of()),
                plugins.resolve("big-index.jar"));
        Files.move(PluginJars.withEntries(small, elsewhere.resolve("b.jar"), Map.of(),
                Map.of("Plugin-Id", "bigmanifest", "X-Padding", "x".repeat(100_000))), plugins.resolve("big-manifest.jar"));
        Files.move(PluginJars.withManifest(small, elsewhere.resolve("c.jar"), Map.of("Plugin-Id", "", "Plugin-Class", "")),
                plugins.resolve("no-descriptor.jar"));

        List<JsonNode> views = await(gateway, v -> failed(v, "big-index.jar") != null
                && failed(v, "big-manifest.jar") != null && failed(v, "no-descriptor.jar") != null, Duration.ofSeconds(20));
        assertTrue(failed(views, "big-index.jar").contains("extensions.idx is larger than 65536 bytes"), views.toString());
        assertTrue(failed(views, "big-manifest.jar").contains("MANIFEST.MF is larger than 65536 bytes"), views.toString());
        assertTrue(failed(views, "no-descriptor.jar").contains("not a plugin jar"), views.toString());
        assertEquals(List.of(), staged("big-index", "big-manifest", "no-descriptor"));
    }

    @Test
    void aPluginThatDoesNotStartInTimeIsFailedWithoutHoldingUpTheListingOrHousekeeping() throws Exception {
        String key = gateway.userWithKey("sam");
        Path jar = PluginJars.compile(elsewhere.resolve("slowpoke.jar"), "slowpoke", """
                public void start() {
                    long end = System.nanoTime() + 45_000_000_000L;
                    while (System.nanoTime() < end) { // deaf to interrupts, like a blocking call that ignores them
                        try { Thread.sleep(100); } catch (InterruptedException ignored) { }
                    }
                }
                """, adapter("slowpoke"));
        long dropped = System.nanoTime();
        Files.move(jar, plugins.resolve("slowpoke.jar"));
        await(gateway, v -> find(v, "slowpoke", "STARTING").isPresent(), Duration.ofSeconds(3));

        long listed = System.nanoTime();
        PluginListing.plugins(gateway);
        assertTrue(System.nanoTime() - listed < Duration.ofSeconds(1).toNanos(), "the listing waited for the plugin");
        assertEquals(200, new ApiCalls(gateway.api()).get("/v1/models", key).statusCode());
        awaitLastUsedRecorded(Duration.ofSeconds(3)); // the key last-used flush runs meanwhile

        List<JsonNode> views = await(gateway, v -> find(v, "slowpoke", "FAILED").isPresent(), Duration.ofSeconds(5));
        assertTrue(System.nanoTime() - dropped < Duration.ofSeconds(10).toNanos());
        String reason = find(views, "slowpoke", "FAILED").orElseThrow().get("error").asText();
        assertTrue(reason.contains("did not load and start within 2 s"), reason);
        assertFalse(gateway.admin("GET", "/plugins", null).toString().contains("\"STARTING\""));
        assertEquals(List.of(), staged("slowpoke"));
    }

    private static void awaitLastUsedRecorded(Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (gateway.admin("GET", "/keys", null).get("data").get(0).get("last_used_at").isNull()) {
            assertTrue(System.nanoTime() < end, "the key's last use was not written within " + within);
            Thread.sleep(50);
        }
    }

    /** The reason a jar with this file name is listed FAILED, or null. */
    private static String failed(List<JsonNode> views, String jar) {
        return views.stream().filter(v -> v.get("state").asText().equals("FAILED") && v.get("jar").asText().endsWith(jar))
                .map(v -> v.get("error").asText()).findFirst().orElse(null);
    }

    private static List<String> staged(String... prefixes) throws Exception {
        Path staging = plugins.resolve(".staging");
        if (!Files.isDirectory(staging)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(staging)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> Stream.of(prefixes).anyMatch(n::startsWith)).toList();
        }
    }

    static String adapter(String provider) {
        return """
                public ProviderInfo info() {
                    return new ProviderInfo("%s", "%s", "none", "", List.of(), Set.of(Capability.CHAT));
                }
                public ChatResponse chat(ChatRequest request, CallContext ctx) {
                    return new ChatResponse(null, List.of(new ChatResponse.Choice(0, Message.of("assistant", "ok"),
                            FinishReason.STOP)), Usage.of(1, 1));
                }
                public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
                    throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.BAD_REQUEST, "no streams"));
                }
                """.formatted(provider, provider);
    }
}
