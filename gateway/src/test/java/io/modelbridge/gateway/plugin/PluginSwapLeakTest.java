package io.modelbridge.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.it.PluginJars;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hundred swaps of the openai plugin leave no class loader of a replaced version behind. */
class PluginSwapLeakTest {
    @TempDir
    Path pluginsDir;

    @Test
    void replacedVersionsReleaseTheirClassLoaders() throws Exception {
        Path jar = pluginsDir.resolve("modelbridge-plugin-openai.jar");
        Files.copy(PluginJars.openAiJar(), jar);
        List<WeakReference<ClassLoader>> replaced = new ArrayList<>();
        try (PluginHost host = new PluginHost(pluginsDir, io.modelbridge.gateway.config.PluginConfig.defaults())) {
            host.loadAll();
            for (int version = 1; version <= 100; version++) {
                replaced.add(new WeakReference<>(loaderServing(host)));
                PluginJars.openAiVersion("1.0." + version, jar);
                host.sync();
            }
            assertEquals(List.of("1.0.100"), host.list().stream().map(PluginView::version).toList(),
                    "one version listed, none left unloading");
            awaitCollected(replaced);
        }
    }

    private static ClassLoader loaderServing(PluginHost host) {
        try (AdapterLease lease = host.acquire("openai").orElseThrow()) {
            return lease.adapter().getClass().getClassLoader();
        }
    }

    private static void awaitCollected(List<WeakReference<ClassLoader>> loaders) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (loaders.stream().anyMatch(r -> r.get() != null)) {
            assertTrue(System.nanoTime() < end, loaders.stream().filter(r -> r.get() != null).count()
                    + " of " + loaders.size() + " replaced class loaders are still reachable");
            System.gc();
            Thread.sleep(50);
        }
    }
}
