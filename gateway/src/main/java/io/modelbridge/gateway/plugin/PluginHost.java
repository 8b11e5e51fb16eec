package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the loaded plugins. Every load, swap and unload runs on one writer thread (PF4J is not thread-safe);
 * request threads only read an immutable provider index and take leases on it.
 */
public final class PluginHost implements PluginCatalog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);
    private static final Duration INCOMPLETE_GRACE = Duration.ofSeconds(5);
    private final Path pluginsDir;
    private final JarLoader loader;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "plugin-host"));
    private final AtomicReference<Map<String, PluginGeneration>> byProvider = new AtomicReference<>(Map.of());
    // Below: touched only on the writer thread.
    private final Map<Path, JarSeen> jars = new HashMap<>();
    private Map<Path, JarSeen> previousScan = Map.of();
    private final Map<String, PluginGeneration> byPlugin = new LinkedHashMap<>();
    private final List<PluginGeneration> draining = new ArrayList<>();
    private final Map<Path, JarFailure> failures = new LinkedHashMap<>();

    public PluginHost(Path pluginsDir) {
        this.pluginsDir = pluginsDir;
        Path staging = pluginsDir.resolve(".staging");
        this.loader = new JarLoader(staging);
        try {
            Files.createDirectories(pluginsDir);
            clearStaging(staging);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the plugins folder " + pluginsDir, e);
        }
    }

    /** Brings the loaded set in line with the folder: loads new and changed jars, unloads removed ones. */
    public void sync() {
        onWriter(this::syncNow);
    }

    /** A lease on the adapter serving this provider, or empty when no started plugin provides it. */
    public Optional<AdapterLease> acquire(String providerId) {
        for (int attempt = 0; attempt < 3; attempt++) {
            PluginGeneration generation = byProvider.get().get(providerId);
            if (generation == null) {
                return Optional.empty();
            }
            AdapterLease lease = generation.lease(providerId);
            if (lease != null) {
                return Optional.of(lease);
            }
        }
        return Optional.empty();
    }

    public Optional<ProviderInfo> providerInfo(String providerId) {
        return Optional.ofNullable(byProvider.get().get(providerId)).map(g -> g.adapters().get(providerId).info());
    }

    @Override
    public boolean hasProvider(String providerId) {
        return byProvider.get().containsKey(providerId);
    }

    @Override
    public List<PluginView> list() {
        return onWriter(() -> {
            draining.removeIf(PluginGeneration::isUnloaded);
            return PluginViews.of(byPlugin.values(), draining, failures.values());
        });
    }

    @Override
    public Optional<PluginView> reload(String pluginId) {
        return onWriter(() -> {
            PluginGeneration current = byPlugin.get(pluginId);
            if (current == null) {
                return Optional.<PluginView>empty();
            }
            loadJar(current.jar());
            return PluginViews.of(byPlugin.values(), draining, failures.values()).stream()
                    .filter(v -> v.id().equals(pluginId)).findFirst();
        });
    }

    @Override
    public void close() {
        onWriter(() -> {
            byPlugin.values().forEach(PluginGeneration::retire);
            byPlugin.clear();
            publish();
            return null;
        });
        writer.shutdown();
    }

    /**
     * A changed jar is loaded as soon as it opens as a complete zip (its central directory is written last), so a
     * jar still being copied in several writes is never loaded half-written; one that stays incomplete for
     * {@link #INCOMPLETE_GRACE} is reported as broken.
     */
    private void syncNow() {
        Map<Path, JarSeen> now = scan();
        for (var entry : now.entrySet()) {
            Path jar = entry.getKey();
            JarSeen seen = entry.getValue();
            JarSeen before = previousScan.get(jar);
            if (seen.sameFile(before)) {
                now.put(jar, before); // keep the time it was first seen like this
                seen = before;
            }
            if (!seen.sameFile(jars.get(jar)) && (isCompleteZip(jar) || seen.olderThan(INCOMPLETE_GRACE))) {
                jars.put(jar, seen);
                loadJar(jar);
            }
        }
        for (Path gone : new ArrayList<>(jars.keySet())) {
            if (!now.containsKey(gone)) {
                jars.remove(gone);
                removeJar(gone);
            }
        }
        draining.removeIf(PluginGeneration::isUnloaded);
        previousScan = now;
    }

    private static boolean isCompleteZip(Path jar) {
        try (ZipFile ignored = new ZipFile(jar.toFile())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Loads every jar in the folder now (start-up). */
    public void loadAll() {
        onWriter(this::syncNow);
    }

    private void loadJar(Path jar) {
        try {
            PluginGeneration next = loader.load(jar);
            Optional<String> clash = next.adapters().keySet().stream()
                    .filter(p -> byProvider.get().containsKey(p)
                            && !byProvider.get().get(p).pluginId().equals(next.pluginId()))
                    .findFirst();
            if (clash.isPresent()) {
                next.retire();
                fail(jar, new PluginLoadException(next.pluginId(), next.version(), "provider id '" + clash.get()
                        + "' is already served by plugin '" + byProvider.get().get(clash.get()).pluginId() + "'", null));
                return;
            }
            failures.remove(jar);
            PluginGeneration previous = byPlugin.put(next.pluginId(), next);
            publish();
            LOG.info("Plugin {} {} started from {} (providers {})", next.pluginId(), next.version(),
                    jar.getFileName(), next.adapters().keySet());
            if (previous != null) {
                retireLater(previous);
            }
        } catch (PluginLoadException e) {
            fail(jar, e);
        }
    }

    private void removeJar(Path jar) {
        failures.remove(jar);
        byPlugin.values().stream().filter(g -> g.jar().equals(jar)).toList().forEach(g -> {
            byPlugin.remove(g.pluginId());
            publish();
            LOG.info("Plugin {} {} removed with its jar {}", g.pluginId(), g.version(), jar.getFileName());
            retireLater(g);
        });
    }

    private void retireLater(PluginGeneration old) {
        draining.add(old);
        old.retire();
        draining.removeIf(PluginGeneration::isUnloaded);
    }

    private void fail(Path jar, PluginLoadException e) {
        failures.put(jar, new JarFailure(jar, e.pluginId(), e.version(), e.getMessage()));
        LOG.warn("Plugin jar {} not loaded: {}", jar.getFileName(), e.getMessage());
    }

    private void publish() {
        Map<String, PluginGeneration> index = new HashMap<>();
        byPlugin.values().forEach(g -> g.adapters().keySet().forEach(p -> index.put(p, g)));
        byProvider.set(Map.copyOf(index));
    }

    private Map<Path, JarSeen> scan() {
        Map<Path, JarSeen> found = new HashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(pluginsDir, "*.jar")) {
            for (Path jar : stream) {
                BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    found.put(jar, new JarSeen(a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), System.nanoTime()));
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list the plugins folder {}: {}", pluginsDir, e.getMessage());
            return new HashMap<>(jars);
        }
        return found;
    }

    private static void clearStaging(Path staging) throws IOException {
        if (Files.isDirectory(staging)) {
            try (var files = Files.list(staging)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private void onWriter(Runnable task) {
        onWriter(() -> {
            task.run();
            return null;
        });
    }

    private <T> T onWriter(java.util.concurrent.Callable<T> task) {
        Future<T> f = writer.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the plugin host", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("plugin host failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A jar as a scan saw it (the file key changes when a jar is replaced by a rename), and since when. */
    private record JarSeen(Object fileKey, long size, long modifiedMillis, long sinceNanos) {
        boolean sameFile(JarSeen other) {
            return other != null && java.util.Objects.equals(fileKey, other.fileKey) && size == other.size
                    && modifiedMillis == other.modifiedMillis;
        }

        boolean olderThan(Duration age) {
            return System.nanoTime() - sinceNanos > age.toNanos();
        }
    }
}
