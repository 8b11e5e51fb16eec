package io.modelbridge.gateway.plugin;

import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The parent of every plugin class loader: the JDK, plus exactly the packages the host shares with plugins
 * (the SPI, Jackson, SLF4J, PF4J), always from the host so a plugin cannot bring a second copy. The gateway's
 * and the database's own classes stay invisible to plugins.
 */
final class SharedApiClassLoader extends ClassLoader {
    static final List<String> SHARED_PACKAGES =
            List.of("io.modelbridge.spi.", "com.fasterxml.jackson.", "org.slf4j.", "org.pf4j.");
    private final ClassLoader host;

    SharedApiClassLoader(ClassLoader host) {
        super("modelbridge-plugin-api", ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    static boolean isShared(String className) {
        return SHARED_PACKAGES.stream().anyMatch(className::startsWith);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isShared(name)) {
            return host.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        return isShared(name.replace('/', '.')) ? host.getResource(name) : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws java.io.IOException {
        return isShared(name.replace('/', '.')) ? host.getResources(name) : Collections.emptyEnumeration();
    }
}
