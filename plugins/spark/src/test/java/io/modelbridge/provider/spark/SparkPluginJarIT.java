package io.modelbridge.provider.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.SpiVersion;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.spark.SparkSimulator;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/** The jar as the gateway loads it: manifest, extension index, nothing the host provides, a working adapter. */
class SparkPluginJarIT {
    private static Path packaged;
    private static final List<String> HOST_PACKAGES =
            List.of("com/fasterxml/", "org/slf4j/", "org/pf4j/", "io/modelbridge/spi/", "io/modelbridge/testkit/");

    @BeforeAll
    static void packagedJar() {
        String path = System.getProperty("spark.plugin.jar");
        assumeTrue(path != null, "runs under failsafe, after package");
        packaged = Path.of(path);
        assertTrue(Files.isRegularFile(packaged), "missing " + packaged);
    }

    @Test
    void manifestDeclaresThePlugin() throws IOException {
        try (JarFile jar = new JarFile(packaged.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("spark", main.getValue("Plugin-Id"));
            assertEquals("1.0.0", main.getValue("Plugin-Version"));
            assertEquals(">=1.0.0 & <2.0.0", main.getValue("Plugin-Requires"));
            assertEquals(SparkPlugin.class.getName(), main.getValue("Plugin-Class"));
        }
    }

    @Test
    void extensionIndexListsTheAdapter() throws IOException {
        try (JarFile jar = new JarFile(packaged.toFile())) {
            var entry = jar.getJarEntry("META-INF/extensions.idx");
            assertTrue(entry != null, "META-INF/extensions.idx is missing (annotation processor did not run)");
            try (InputStream in = jar.getInputStream(entry)) {
                String index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(index.lines().anyMatch(SparkAdapter.class.getName()::equals), index);
            }
        }
    }

    @Test
    void jarBundlesNothingTheHostProvides() throws IOException {
        try (JarFile jar = new JarFile(packaged.toFile())) {
            List<String> bundled = jar.stream().map(e -> e.getName())
                    .filter(name -> HOST_PACKAGES.stream().anyMatch(name::startsWith)).toList();
            assertEquals(List.of(), bundled);
        }
    }

    @Test
    void pf4jLoadsTheJarAndItsAdapterSignsAndStreams(@TempDir Path plugins) throws IOException {
        Files.copy(packaged, plugins.resolve("spark-plugin.jar"));
        PluginManager manager = new JarPluginManager(plugins);
        manager.setSystemVersion(SpiVersion.CURRENT);
        try (SparkSimulator simulator = SparkSimulator.start();
             DirectTransport transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            manager.loadPlugins();
            assertEquals(PluginState.STARTED, manager.startPlugin("spark"));
            List<ProviderAdapter> adapters = manager.getExtensions(ProviderAdapter.class, "spark");
            assertEquals(1, adapters.size());
            ProviderAdapter adapter = adapters.getFirst();
            assertNotSame(SparkAdapter.class.getClassLoader(), adapter.getClass().getClassLoader(),
                    "the adapter comes from the plugin's own class loader");
            assertEquals("APPID|APISecret|APIKey", adapter.info().credentialFormat());
            ProviderSettings settings = new ProviderSettings("it", simulator.baseUri().toString(),
                    simulator.credential(), Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
            ChatRequest request = new ChatRequest("spark-max", List.of(Message.of("user", "from the jar")), true,
                    true, Sampling.none(), List.of(), null, null, Map.of());
            ChunkRecorder out = new ChunkRecorder();
            adapter.stream(request, new CallContext(settings, transport, Instant.now().plusSeconds(30),
                    Clock.systemUTC()), out);
            assertEquals("echo: from the jar", out.text());
            assertTrue(simulator.lastRequest().query().startsWith("authorization="), simulator.lastRequest().query());
        } finally {
            manager.stopPlugin("spark");
            manager.unloadPlugin("spark");
        }
    }
}
