package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.SpiVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads one jar into a fresh PF4J manager. The jar is first copied to an immutable staging file named by its
 * content hash and loaded from there, so the operator may overwrite or delete the original at any time
 * (PF4J keeps jar handles open: pf4j#217, #334).
 */
final class JarLoader {
    private final Path stagingDir;

    JarLoader(Path stagingDir) {
        this.stagingDir = stagingDir;
    }

    PluginGeneration load(Path jar) throws PluginLoadException {
        Path staged = stage(jar);
        GatewayPluginManager manager = new GatewayPluginManager(stagingDir);
        String id;
        try {
            id = manager.loadPlugin(staged);
        } catch (RuntimeException e) {
            throw new PluginLoadException(null, null, "not a plugin jar: " + message(e), e);
        }
        PluginWrapper plugin = manager.getPlugin(id);
        String version = plugin.getDescriptor().getVersion();
        try {
            return start(manager, plugin, jar, staged);
        } catch (PluginLoadException | RuntimeException e) {
            unload(manager, id, staged);
            if (e instanceof PluginLoadException ple) {
                throw ple;
            }
            throw new PluginLoadException(id, version, "failed to start: " + message(e), e);
        }
    }

    private PluginGeneration start(GatewayPluginManager manager, PluginWrapper plugin, Path jar, Path staged)
            throws PluginLoadException {
        String id = plugin.getPluginId();
        String version = plugin.getDescriptor().getVersion();
        if (plugin.getPluginState() == PluginState.DISABLED || plugin.getPluginState() == PluginState.FAILED) {
            throw new PluginLoadException(id, version, "requires SPI '" + plugin.getDescriptor().getRequires()
                    + "' but this gateway provides SPI " + SpiVersion.CURRENT, plugin.getFailedException());
        }
        if (manager.startPlugin(id) != PluginState.STARTED) {
            Throwable why = plugin.getFailedException();
            throw new PluginLoadException(id, version, "start() failed: " + (why == null ? "unknown" : message(why)), why);
        }
        List<ProviderAdapter> adapters = manager.getExtensions(ProviderAdapter.class, id);
        if (adapters.isEmpty()) {
            throw new PluginLoadException(id, version,
                    "provides no ProviderAdapter extension (is META-INF/extensions.idx in the jar?)", null);
        }
        adapters.forEach(ProviderAdapter::info); // a plugin whose info() throws is refused now, not per request
        return new PluginGeneration(id, version, jar, adapters, () -> unload(manager, id, staged));
    }

    private static void unload(GatewayPluginManager manager, String id, Path staged) {
        try {
            manager.stopPlugin(id);
        } catch (RuntimeException ignored) {
            // a plugin whose stop() throws is unloaded all the same
        }
        manager.unloadPlugin(id);
        com.fasterxml.jackson.databind.type.TypeFactory.defaultInstance().clearCache();
        try {
            Files.deleteIfExists(staged);
        } catch (IOException ignored) {
            // a staged copy left behind is removed at the next start
        }
    }

    private Path stage(Path jar) throws PluginLoadException {
        try {
            byte[] bytes = Files.readAllBytes(jar);
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
            String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
            Path staged = stagingDir.resolve(name + "-" + hash + "-" + System.nanoTime() + ".jar");
            Files.createDirectories(stagingDir);
            Path part = Files.createTempFile(stagingDir, name, ".part");
            Files.write(part, bytes);
            Files.move(part, staged, StandardCopyOption.ATOMIC_MOVE);
            return staged;
        } catch (IOException e) {
            throw new PluginLoadException(null, null, "cannot read: " + message(e), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
