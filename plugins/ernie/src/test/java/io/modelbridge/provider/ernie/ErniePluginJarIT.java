package io.modelbridge.provider.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.modelbridge.testkit.ernie.ErnieSimulator;
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

/** The jar as the gateway will load it: manifest, extension index, nothing bundled the host provides. */
class ErniePluginJarIT {
    private static final String JAR_PROPERTY = "ernie.plugin.jar";
    private static Path jarPath;
    private static final List<String> HOST_PACKAGES =
            List.of("com/fasterxml/", "org/slf4j/", "org/pf4j/", "io/modelbridge/spi/", "io/modelbridge/testkit/");

    /** Failsafe names the packaged jar; under surefire (before package) there is none to check yet. */
    @BeforeAll
    static void packagedJar() {
        String jar = System.getProperty(JAR_PROPERTY);
        assumeTrue(jar != null, "runs under failsafe, after package");
        jarPath = Path.of(jar);
    }

    @Test
    void manifestDeclaresThePlugin() throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals("ernie", main.getValue("Plugin-Id"));
            assertEquals("1.0.0", main.getValue("Plugin-Version"));
            assertEquals(">=1.0.0 & <2.0.0", main.getValue("Plugin-Requires"));
            assertEquals(ErniePlugin.class.getName(), main.getValue("Plugin-Class"));
        }
    }

    @Test
    void extensionIndexListsTheAdapter() throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            var entry = jar.getJarEntry("META-INF/extensions.idx");
            assertTrue(entry != null, "META-INF/extensions.idx is missing (annotation processor did not run)");
            try (InputStream in = jar.getInputStream(entry)) {
                String index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(index.lines().anyMatch(ErnieAdapter.class.getName()::equals), index);
            }
        }
    }

    @Test
    void jarBundlesNothingTheHostProvides() throws IOException {
        try (JarFile jar = new JarFile(jarPath.toFile())) {
            List<String> bundled = jar.stream().map(e -> e.getName())
                    .filter(name -> HOST_PACKAGES.stream().anyMatch(name::startsWith)).toList();
            assertEquals(List.of(), bundled);
        }
    }

    @Test
    void pf4jLoadsTheJarAndItsAdapterExchangesATokenAndAnswers(@TempDir Path plugins) throws IOException {
        Files.copy(jarPath, plugins.resolve("ernie-plugin.jar"));
        PluginManager manager = new JarPluginManager(plugins);
        manager.setSystemVersion(SpiVersion.CURRENT);
        try (ErnieSimulator simulator = ErnieSimulator.start();
             DirectTransport transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            manager.loadPlugins();
            assertEquals(PluginState.STARTED, manager.startPlugin("ernie"));
            List<ProviderAdapter> adapters = manager.getExtensions(ProviderAdapter.class, "ernie");
            assertEquals(1, adapters.size());
            ProviderAdapter adapter = adapters.getFirst();
            assertTrue(adapter.getClass().getClassLoader() != ErnieAdapter.class.getClassLoader(),
                    "the adapter comes from the plugin's own class loader");
            assertEquals("API_KEY|SECRET_KEY (Qianfan application API Key and Secret Key)",
                    adapter.info().credentialFormat());
            ProviderSettings settings = new ProviderSettings("it", simulator.baseUri().toString(),
                    simulator.credential(), Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
            CallContext ctx = new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
            ChatRequest request = new ChatRequest("ERNIE-4.0-8K", List.of(Message.of("system", "Be brief."),
                    Message.of("user", "from the jar")), false, false, Sampling.none(), List.of(), null, null, Map.of());
            assertEquals("echo: from the jar", adapter.chat(request, ctx).choices().getFirst().message().text());
            ChunkRecorder stream = new ChunkRecorder();
            adapter.stream(request, ctx, stream);
            assertEquals("echo: from the jar", stream.text());
            assertEquals(1, simulator.tokensIssued(), "the jar's adapter caches its token");
            assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro", simulator.lastRequest().path());
        } finally {
            manager.stopPlugin("ernie");
            manager.unloadPlugin("ernie");
        }
    }
}
