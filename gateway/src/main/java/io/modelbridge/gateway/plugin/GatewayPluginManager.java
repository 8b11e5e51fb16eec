package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.SpiVersion;
import java.nio.file.Path;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;

/**
 * A PF4J manager for exactly one plugin jar. One manager per loaded jar lets two versions of the same plugin id
 * live side by side during a swap, which a single PF4J manager refuses. PF4J is not thread-safe; the
 * {@link PluginHost} is its only caller, under its lock.
 */
final class GatewayPluginManager extends JarPluginManager {
    private static final SharedApiClassLoader SHARED = new SharedApiClassLoader(GatewayPluginManager.class.getClassLoader());

    GatewayPluginManager(Path root) {
        super(root);
        setSystemVersion(SpiVersion.CURRENT);
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new JarPluginLoader(this) {
            @Override
            protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
                return new IsolatedPluginClassLoader(pluginManager, descriptor);
            }
        };
    }

    /** The shared API and the JDK from the parent, everything else from the plugin jar; never the gateway classpath. */
    private static final class IsolatedPluginClassLoader extends PluginClassLoader {
        IsolatedPluginClassLoader(PluginManager manager, PluginDescriptor descriptor) {
            super(manager, descriptor, SHARED, ClassLoadingStrategy.PDA);
        }

        @Override
        protected boolean shouldDelegateToParent(String className) {
            return className.startsWith("java.") || SharedApiClassLoader.isShared(className);
        }
    }
}
