package io.modelbridge.provider.deepseek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.SpiVersion;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/** The jar as the gateway will load it: manifest, extension index, nothing bundled the host provides. */
class DeepSeekPluginJarIT {
    private static final Path JAR = Path.of("target", "deepseek-plugin.jar");
    private static final List<String> HOST_PACKAGES =
            List.of("com/fasterxml/", "org/slf4j/", "org/pf4j/", "io/modelbridge/spi/");

    @Test
    void manifestDeclaresThePlugin() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("deepseek", main.getValue("Plugin-Id"));
            assertEquals("1.0.0", main.getValue("Plugin-Version"));
            assertEquals(">=1.0.0 & <2.0.0", main.getValue("Plugin-Requires"));
            assertEquals(DeepSeekPlugin.class.getName(), main.getValue("Plugin-Class"));
        }
    }

    @Test
    void extensionIndexListsTheAdapter() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            var entry = jar.getJarEntry("META-INF/extensions.idx");
            assertTrue(entry != null, "META-INF/extensions.idx is missing (annotation processor did not run)");
            try (InputStream in = jar.getInputStream(entry)) {
                String index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(index.lines().anyMatch(DeepSeekAdapter.class.getName()::equals), index);
            }
        }
    }

    @Test
    void jarBundlesNothingTheHostProvides() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> bundled = jar.stream().map(e -> e.getName())
                    .filter(name -> HOST_PACKAGES.stream().anyMatch(name::startsWith)).toList();
            assertEquals(List.of(), bundled);
        }
    }

    @Test
    void pf4jLoadsTheJarAndItsAdapterAnswers(@TempDir Path plugins) throws IOException {
        Files.copy(JAR, plugins.resolve("deepseek-plugin.jar"));
        PluginManager manager = new JarPluginManager(plugins);
        manager.setSystemVersion(SpiVersion.CURRENT);
        try (DeepSeekSimulator simulator = DeepSeekSimulator.start();
             DirectTransport transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            manager.loadPlugins();
            assertEquals(PluginState.STARTED, manager.startPlugin("deepseek"));
            List<ProviderAdapter> adapters = manager.getExtensions(ProviderAdapter.class, "deepseek");
            assertEquals(1, adapters.size());
            ProviderAdapter adapter = adapters.getFirst();
            assertTrue(adapter.getClass().getClassLoader() != DeepSeekAdapter.class.getClassLoader(),
                    "the adapter comes from the plugin's own class loader");
            ProviderSettings settings = new ProviderSettings("it", simulator.baseUri().toString(), simulator.apiKey(),
                    Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
            ChatRequest request = new ChatRequest("deepseek-chat", List.of(Message.of("user", "from the jar")), false, false,
                    Sampling.none(), List.of(), null, null, Map.of());
            var response = adapter.chat(request, new CallContext(settings, transport, Instant.now().plusSeconds(30),
                    Clock.systemUTC()));
            assertEquals("echo: from the jar", response.choices().getFirst().message().text());
        } finally {
            manager.stopPlugin("deepseek");
            manager.unloadPlugin("deepseek");
        }
    }
}
