package io.modelbridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;

/**
 * The checks every plugin jar passes, as the gateway will load it: its PF4J manifest, its extension index, nothing
 * bundled that the host provides, and its adapter, loaded by PF4J from the jar in its own class loader, answering a
 * call against the vendor's simulator. A plugin's {@code *PluginJarIT} (run by failsafe, after package) extends it,
 * names its plugin and implements {@link #answersFromTheJar}. The jar is the system property
 * {@code <plugin id>.plugin.jar}, else {@code target/<plugin id>-plugin.jar}.
 */
public abstract class PluginJarContract {
    /** Packages the host provides (and the test kit): a plugin jar must not bundle them. */
    public static final List<String> HOST_PACKAGES =
            List.of("com/fasterxml/", "org/slf4j/", "org/pf4j/", "io/modelbridge/spi/", "io/modelbridge/testkit/");
    private static final String REQUIRES = ">=1.0.0 & <2.0.0";

    private final String pluginId;
    private final Class<?> pluginClass;
    private final Class<? extends ProviderAdapter> adapterClass;

    protected PluginJarContract(String pluginId, Class<?> pluginClass, Class<? extends ProviderAdapter> adapterClass) {
        this.pluginId = pluginId;
        this.pluginClass = pluginClass;
        this.adapterClass = adapterClass;
    }

    /**
     * Calls the adapter that PF4J loaded from the jar, against the vendor's simulator, and checks its answer
     * (see {@link #context} and {@link #question}).
     */
    protected abstract void answersFromTheJar(ProviderAdapter adapter, DirectTransport transport) throws Exception;

    /** The packaged jar. */
    protected Path jar() {
        String configured = System.getProperty(pluginId + ".plugin.jar");
        Path jar = configured != null ? Path.of(configured) : Path.of("target", pluginId + "-plugin.jar");
        assertTrue(Files.isRegularFile(jar), "missing " + jar + " (a *PluginJarIT runs under failsafe, after package)");
        return jar;
    }

    /** A call context for a channel at {@code baseUrl} with {@code credential}, 30 seconds to go. */
    protected static CallContext context(URI baseUrl, String credential, DirectTransport transport) {
        ProviderSettings settings = new ProviderSettings("it", baseUrl.toString(), credential, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Map.of());
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), Clock.systemUTC());
    }

    /** "from the jar" to {@code model}; the simulators answer "echo: from the jar". */
    protected static ChatRequest question(String model, boolean stream, Message... before) {
        List<Message> messages = new java.util.ArrayList<>(List.of(before));
        messages.add(Message.of("user", "from the jar"));
        return new ChatRequest(model, messages, stream, stream, Sampling.none(), List.of(), null, null, Map.of());
    }

    @Test
    void manifestDeclaresThePlugin() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals(pluginId, main.getValue("Plugin-Id"));
            assertEquals("1.0.0", main.getValue("Plugin-Version"));
            assertEquals(REQUIRES, main.getValue("Plugin-Requires"));
            assertEquals(pluginClass.getName(), main.getValue("Plugin-Class"));
        }
    }

    @Test
    void extensionIndexListsTheAdapter() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            JarEntry entry = jar.getJarEntry("META-INF/extensions.idx");
            assertNotNull(entry, "META-INF/extensions.idx is missing (annotation processor did not run)");
            try (InputStream in = jar.getInputStream(entry)) {
                String index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(index.lines().anyMatch(adapterClass.getName()::equals), index);
            }
        }
    }

    @Test
    void jarBundlesNothingTheHostProvides() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            List<String> bundled = jar.stream().map(JarEntry::getName)
                    .filter(name -> HOST_PACKAGES.stream().anyMatch(name::startsWith)).toList();
            assertEquals(List.of(), bundled);
        }
    }

    /** What the adapter extends from outside the host (the shared OpenAI-compatible module) is shaded in. */
    @Test
    void jarBundlesWhatTheAdapterExtends() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            for (Class<?> type = adapterClass.getSuperclass(); type != Object.class; type = type.getSuperclass()) {
                String entry = type.getName().replace('.', '/') + ".class";
                assertNotNull(jar.getJarEntry(entry), adapterClass.getSimpleName() + " extends " + type.getName()
                        + ", which the jar does not bundle");
            }
        }
    }

    @Test
    void pf4jLoadsTheJarAndItsAdapterAnswers(@TempDir Path plugins) throws Exception {
        Files.copy(jar(), plugins.resolve(pluginId + "-plugin.jar"));
        PluginManager manager = new JarPluginManager(plugins);
        manager.setSystemVersion(SpiVersion.CURRENT);
        try (DirectTransport transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5))) {
            manager.loadPlugins();
            assertEquals(PluginState.STARTED, manager.startPlugin(pluginId));
            List<ProviderAdapter> adapters = manager.getExtensions(ProviderAdapter.class, pluginId);
            assertEquals(1, adapters.size());
            ProviderAdapter adapter = adapters.getFirst();
            assertNotSame(adapterClass.getClassLoader(), adapter.getClass().getClassLoader(),
                    "the adapter comes from the plugin's own class loader");
            answersFromTheJar(adapter, transport);
        } finally {
            manager.stopPlugin(pluginId);
            manager.unloadPlugin(pluginId);
        }
    }
}
