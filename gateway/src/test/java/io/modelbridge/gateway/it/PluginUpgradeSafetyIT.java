package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.OpenAiApiIT.assertError;
import static io.modelbridge.gateway.it.PluginListing.await;
import static io.modelbridge.gateway.it.PluginListing.find;
import static io.modelbridge.gateway.it.PluginListing.has;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version of a working plugin is checked before it gets traffic (a class missing from its jar refuses it),
 * and one that fails its first calls inside the plugin hands the traffic back to the version that worked; either
 * way the refused jar becomes {@code *.jar.refused} and the working version is what the folder holds at the next
 * start.
 */
@Tag("it")
class PluginUpgradeSafetyIT {
    @TempDir
    Path dataDir;
    RunningGateway gateway;
    ApiCalls api;
    String key;
    Path plugins;

    @BeforeEach
    void start() {
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        plugins = dataDir.resolve("plugins");
        key = gateway.userWithKey("uma");
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void aVersionMissingAClassIsRefusedBeforeAnyTrafficAndTheWorkingOneWinsAtTheNextStart() throws Exception {
        install("acme", "return answer(\"v1\");", "");
        Path v2 = version("acme", "2.0.0", "return answer(Helper.text());",
                "static final class Helper { static String text() { return \"v2\"; } }");
        Map<String, byte[]> withoutHelper = new HashMap<>();
        withoutHelper.put("fixture/FixtureAdapter$Helper.class", null); // the author's packaging mistake
        Files.move(PluginJars.withEntries(v2, v2.resolveSibling("v2-broken.jar"), withoutHelper, Map.of()),
                plugins.resolve("acme.jar"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        var views = await(gateway, v -> find(v, "acme", "FAILED").isPresent(), Duration.ofSeconds(5));
        String reason = find(views, "acme", "FAILED").orElseThrow().get("error").asText();
        assertTrue(reason.contains("FixtureAdapter$Helper"), reason);
        assertTrue(has("acme", "STARTED", "1.0.0").test(views), views.toString());
        assertAnswer("v1");
        assertTrue(Files.exists(plugins.resolve("acme.jar.refused")));
        assertEquals("1.0.0", versionOf(plugins.resolve("acme.jar")), "the working version is back under its name");

        gateway.close();
        gateway = RunningGateway.start(dataDir);
        api = new ApiCalls(gateway.api());
        assertTrue(has("acme", "STARTED", "1.0.0").test(PluginListing.plugins(gateway)));
        assertAnswer("v1");
    }

    @Test
    void aVersionWhoseFirstCallsFailInsideThePluginHandsTrafficBackToThePreviousOne() throws Exception {
        install("bravo", "return answer(\"v1\");", "");
        Path v2 = version("bravo", "2.0.0", "throw new NoClassDefFoundError(\"fixture/Gone\");", "");
        Files.move(v2, plugins.resolve("bravo.jar"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await(gateway, has("bravo", "STARTED", "2.0.0"), Duration.ofSeconds(5));

        for (int i = 0; i < 3; i++) {
            assertError(api.post("/v1/chat/completions", key, chat("bravo-model", "hi", false)), 502,
                    "provider_plugin_error");
        }
        // The previous version is listed STARTED a moment before the refused one is listed FAILED: wait for both.
        var views = await(gateway, has("bravo", "STARTED", "1.0.0").and(v -> find(v, "bravo", "FAILED").isPresent()),
                Duration.ofSeconds(5));
        String reason = find(views, "bravo", "FAILED").orElseThrow().get("error").asText();
        assertTrue(reason.contains("first 3 calls failed"), reason);
        assertAnswer("v1");
        assertTrue(Files.exists(plugins.resolve("bravo.jar.refused")));
        assertEquals("1.0.0", versionOf(plugins.resolve("bravo.jar")));
    }

    /** Drops version 1.0.0 of a one-adapter plugin and routes {@code <id>-model} to it. */
    private void install(String id, String chatBody, String members) throws Exception {
        Files.move(version(id, "1.0.0", chatBody, members), plugins.resolve(id + ".jar"));
        await(gateway, has(id, "STARTED", "1.0.0"), Duration.ofSeconds(5));
        var channel = JSON.createObjectNode().put("name", id).put("provider", id);
        channel.putArray("models").add(id + "-model");
        gateway.admin("POST", "/channels", channel);
        this.model = id + "-model";
    }

    private String model;

    private Path version(String id, String version, String chatBody, String members) throws Exception {
        Path elsewhere = Files.createDirectories(dataDir.resolve("elsewhere-" + version));
        Path jar = PluginJars.compile(elsewhere.resolve(id + "-src.jar"), id, "", """
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
                """.formatted(id, id, chatBody, members));
        return PluginJars.withManifest(jar, elsewhere.resolve(id + ".jar"), Map.of("Plugin-Version", version));
    }

    private void assertAnswer(String text) {
        HttpResponse<String> res = api.chatOk(key, chat(model, "hi", false));
        assertEquals(text, ApiCalls.json(res.body()).at("/choices/0/message/content").asText());
    }

    private static String versionOf(Path jar) throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest().getMainAttributes().getValue("Plugin-Version");
        }
    }
}
