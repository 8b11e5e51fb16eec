package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.ApiCalls.chat;
import static io.modelbridge.gateway.it.PluginListing.await;
import static io.modelbridge.gateway.it.PluginListing.find;
import static io.modelbridge.gateway.it.PluginListing.has;
import static io.modelbridge.gateway.it.PluginListing.plugins;
import static io.modelbridge.gateway.it.RunningGateway.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.config.PluginConfig;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dropped jar that claims a bundled plugin's id (here {@code openai}) is refused unless MB_PLUGINS_OVERRIDE lists
 * the id; an allowed replacement takes over, and removing it brings the bundled plugin back at once.
 */
@Tag("it")
class BundledPluginOverrideIT {
    @TempDir
    Path dataDir;
    OpenAiSimulator upstream;
    RunningGateway gateway;
    ApiCalls api;
    String key;

    void start(UnaryOperator<io.modelbridge.gateway.config.GatewayConfig> adjust) {
        upstream = OpenAiSimulator.start();
        gateway = RunningGateway.start(dataDir, c -> RunningGateway.exposingRouting(adjust.apply(c)));
        api = new ApiCalls(gateway.api());
        var channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        key = gateway.userWithKey("olga");
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aJarClaimingABundledIdIsRefusedUnlessTheOperatorAllowsIt() throws Exception {
        start(UnaryOperator.identity());
        dropImpostor("impostor.jar");
        var views = await(gateway, v -> find(v, "openai", "FAILED").isPresent(), Duration.ofSeconds(5));
        String reason = find(views, "openai", "FAILED").orElseThrow().get("error").asText();
        assertTrue(reason.contains("MB_PLUGINS_OVERRIDE"), reason);
        assertTrue(has("openai", "STARTED", "1.0.0").test(views), views.toString());
        assertServedBy("openai@1.0.0");
    }

    @Test
    void anAllowedReplacementServesUntilRemovedThenTheBundledPluginComesBack() throws Exception {
        start(c -> c.withPlugins(new PluginConfig(Set.of("openai"), Duration.ofSeconds(20))));
        Path impostor = dropImpostor("custom-openai.jar");
        var views = await(gateway, has("openai", "STARTED", "9.9.9"), Duration.ofSeconds(5));
        assertTrue(find(views, "openai", "STARTED").orElseThrow().get("jar").asText().endsWith("custom-openai.jar"));
        assertServedBy("openai@9.9.9");

        Files.delete(impostor);
        await(gateway, has("openai", "STARTED", "1.0.0"), Duration.ofSeconds(5));
        assertServedBy("openai@1.0.0");
        HttpResponse<String> reload = gateway.adminCall("POST", "/plugins/openai/reload", null);
        assertEquals(200, reload.statusCode(), reload.body());
        assertTrue(has("openai", "STARTED", "1.0.0").test(plugins(gateway)));
        assertServedBy("openai@1.0.0");
    }

    /** The openai plugin as version 9.9.9 under another file name. */
    private Path dropImpostor(String name) {
        Path elsewhere = dataDir.resolve("elsewhere");
        try {
            Files.createDirectories(elsewhere);
            Path jar = PluginJars.openAiVersion("9.9.9", elsewhere.resolve(name));
            return Files.move(jar, dataDir.resolve("plugins").resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void assertServedBy(String plugin) {
        HttpResponse<String> res = api.chatOk(key, chat("gpt-4o", "who are you?", false));
        assertEquals(plugin, res.headers().firstValue("x-modelbridge-plugin").orElseThrow());
    }
}
