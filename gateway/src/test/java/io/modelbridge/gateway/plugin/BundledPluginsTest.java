package io.modelbridge.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reserved ids are exactly the plugins the build bundles (gateway/pom.xml's bundled.plugins), by file name. */
class BundledPluginsTest {

    @Test
    void theReservedIdsAreThoseOfTheBundledJars() throws Exception {
        Path built = Path.of(System.getProperty("mb.test.plugins", "target/plugins"));
        Set<String> ids;
        try (Stream<Path> jars = Files.list(built)) {
            ids = jars.filter(p -> p.toString().endsWith(".jar")).map(BundledPluginsTest::pluginId)
                    .collect(Collectors.toSet());
        }
        assertEquals(BundledPlugins.IDS, ids);
        for (String id : ids) {
            assertEquals(true, BundledPlugins.isBundledJar(built.resolve(BundledPlugins.jarName(id)), id), id);
        }
    }

    private static String pluginId(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            String id = file.getManifest().getMainAttributes().getValue("Plugin-Id");
            assertEquals(BundledPlugins.jarName(id), jar.getFileName().toString());
            return id;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
