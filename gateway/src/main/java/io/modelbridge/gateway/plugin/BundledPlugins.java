package io.modelbridge.gateway.plugin;

import java.nio.file.Path;
import java.util.Set;

/**
 * The plugins shipped with the gateway (gateway/pom.xml's {@code bundled.plugins}), which {@code ./modelbridge}
 * copies into the plugins folder as {@code modelbridge-plugin-<id>.jar}. Their ids are reserved: a jar under another
 * name that claims one is refused unless the operator lists the id in MB_PLUGINS_OVERRIDE.
 */
final class BundledPlugins {
    static final Set<String> IDS = Set.of("openai", "deepseek", "ernie", "qwen", "spark", "glm");

    private BundledPlugins() {}

    static boolean isBundledId(String pluginId) {
        return IDS.contains(pluginId);
    }

    /** Whether this jar is the bundled jar of this plugin id (its upgrade path: overwrite that file). */
    static boolean isBundledJar(Path jar, String pluginId) {
        return isBundledId(pluginId) && jar.getFileName().toString().equals(jarName(pluginId));
    }

    /** Named like a bundled jar (whatever it holds): such jars load first, so an allowed replacement wins. */
    static boolean looksBundled(Path jar) {
        String name = jar.getFileName().toString();
        return name.startsWith("modelbridge-plugin-") && name.endsWith(".jar");
    }

    static String jarName(String pluginId) {
        return "modelbridge-plugin-" + pluginId + ".jar";
    }
}
