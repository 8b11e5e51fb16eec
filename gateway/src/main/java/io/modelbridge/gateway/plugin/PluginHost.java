package io.modelbridge.gateway.plugin;

import io.modelbridge.gateway.config.PluginConfig;
import io.modelbridge.spi.ProviderInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the loaded plugins. Every scan, load, swap and unload runs on one writer thread of its own (PF4J is not
 * thread-safe), never on the gateway's housekeeping thread; each plugin's start runs under a timeout. Request
 * threads only read an immutable provider index and take leases on it; the listing is an immutable snapshot too,
 * so it never waits for a plugin that is starting.
 */
public final class PluginHost implements PluginCatalog, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);
    private static final Duration INCOMPLETE_GRACE = Duration.ofSeconds(5);
    private static final Duration SCAN_EVERY = Duration.ofMillis(250);
    private static final String REFUSED = ".refused";
    /** Never the same file as one scanned: a jar recorded so is loaded at the next scan. */
    private static final JarSeen NOT_YET_LOADED = new JarSeen(null, -1, -1, 0);
    private final Path pluginsDir;
    private final Path stagingDir;
    private final PluginConfig config;
    private final JarLoader loader;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("plugin-host").unstarted(r));
    private final AtomicBoolean watching = new AtomicBoolean();
    private final AtomicReference<Map<String, PluginGeneration>> byProvider = new AtomicReference<>(Map.of());
    private final AtomicReference<Listing> listing = new AtomicReference<>(Listing.EMPTY);
    // Below: touched only on the writer thread.
    private final Map<Path, JarSeen> jars = new HashMap<>();
    private Map<Path, JarSeen> previousScan = Map.of();
    private final Map<Path, String> idsByJar = new HashMap<>();
    private final Map<String, PluginGeneration> byPlugin = new LinkedHashMap<>();
    private final List<PluginGeneration> draining = new ArrayList<>();
    private final Map<Path, JarFailure> failures = new LinkedHashMap<>();
    private final Map<String, Fallback> fallbacks = new HashMap<>();

    public PluginHost(Path pluginsDir, PluginConfig config) {
        this.pluginsDir = pluginsDir;
        this.stagingDir = pluginsDir.resolve(".staging");
        this.config = config;
        this.loader = new JarLoader(stagingDir, config.startTimeout());
        try {
            Files.createDirectories(pluginsDir);
            clearStaging(stagingDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the plugins folder " + pluginsDir, e);
        }
    }

    /** Loads every jar in the folder now (start-up), then watches the folder on the host's own thread. */
    public void loadAll() {
        sync();
        if (watching.compareAndSet(false, true)) {
            writer.scheduleWithFixedDelay(this::syncQuietly, SCAN_EVERY.toMillis(), SCAN_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Brings the loaded set in line with the folder now: loads new and changed jars, unloads removed ones. */
    public void sync() {
        onWriter(() -> {
            syncNow();
            return null;
        }, null);
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
        return Optional.ofNullable(byProvider.get().get(providerId)).map(g -> g.info(providerId));
    }

    @Override
    public boolean hasProvider(String providerId) {
        return byProvider.get().containsKey(providerId);
    }

    /** Never waits for the writer: a snapshot of the last change. */
    @Override
    public List<PluginView> list() {
        Listing l = listing.get();
        return PluginViews.of(l.active(), l.draining(), l.failures(), l.starting());
    }

    /**
     * Reloads the plugin from its jar (or, when it is not loaded, from a jar in the folder that declares it); empty
     * when no jar has that id. Waits at most twice the start timeout for the host to get to it.
     */
    @Override
    public Optional<PluginView> reload(String pluginId) {
        Boolean found = onWriter(() -> {
            PluginGeneration current = byPlugin.get(pluginId);
            Optional<Path> jar = current != null ? Optional.of(current.jar()) : candidate(pluginId, null);
            jar.ifPresent(this::loadJar);
            publishListing();
            return jar.isPresent();
        }, config.startTimeout().multipliedBy(2));
        if (Boolean.FALSE.equals(found)) {
            return Optional.empty();
        }
        return list().stream().filter(v -> v.id().equals(pluginId)).findFirst();
    }

    @Override
    public void close() {
        onWriter(() -> {
            byPlugin.values().forEach(PluginGeneration::retire);
            byPlugin.clear();
            publish();
            fallbacks.values().forEach(f -> JarLoader.discard(f.copy()));
            return null;
        }, Duration.ofSeconds(5));
        writer.shutdownNow();
    }

    private void syncQuietly() {
        try {
            syncNow();
        } catch (RuntimeException | Error e) { // a hostile jar's Error too: it would cancel the scans for good
            LOG.warn("Plugin folder scan failed: {}", e.toString());
        }
    }

    /**
     * A changed jar is loaded as soon as it opens as a complete zip (its central directory is written last), so a
     * jar still being copied in several writes is never loaded half-written; one that stays incomplete for
     * {@link #INCOMPLETE_GRACE} is reported as broken. Bundled jars load first, so a replacement the operator
     * allowed (MB_PLUGINS_OVERRIDE) wins at every start.
     */
    private void syncNow() {
        Map<Path, JarSeen> now = scan();
        List<Path> changed = new ArrayList<>();
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
                changed.add(jar);
            }
        }
        changed.sort(Comparator.comparing((Path p) -> !BundledPlugins.looksBundled(p)).thenComparing(Path::getFileName));
        changed.forEach(this::loadJar);
        for (Path gone : new ArrayList<>(jars.keySet())) {
            if (!now.containsKey(gone)) {
                jars.remove(gone);
                removeJar(gone);
            }
        }
        failures.keySet().removeIf(p -> p.toString().endsWith(REFUSED) && !Files.exists(p));
        draining.removeIf(PluginGeneration::isUnloaded);
        previousScan = now;
        publishListing();
    }

    private static boolean isCompleteZip(Path jar) {
        try (ZipFile ignored = new ZipFile(jar.toFile())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void loadJar(Path jar) {
        JarLoader.Staged staged;
        try {
            staged = loader.stage(jar);
        } catch (PluginLoadException e) {
            idsByJar.remove(jar);
            if (e.notTheJars()) { // a full disk: the jar stays as it is, and the next scan tries it again
                jars.put(jar, NOT_YET_LOADED);
                fail(jar, e);
            } else if (isCompleteZip(jar)) {
                refuse(jar, e);
            } else {
                fail(jar, e); // maybe a copy still under way: it is loaded when it changes again
            }
            return;
        }
        String id = staged.contents().pluginId();
        if (id != null && !id.isEmpty()) {
            idsByJar.put(jar, id);
        }
        if (id != null && BundledPlugins.isBundledId(id) && !BundledPlugins.isBundledJar(jar, id)) {
            if (!config.overrides().contains(id)) {
                JarLoader.discard(staged.staged());
                fail(jar, new PluginLoadException(id, staged.contents().version(), "plugin id '" + id + "' is the"
                        + " bundled " + id + " plugin's; a jar may replace it only when MB_PLUGINS_OVERRIDE lists '"
                        + id + "'", null));
                return;
            }
            LOG.warn("Plugin jar {} replaces the bundled plugin {} (MB_PLUGINS_OVERRIDE): it receives the credentials"
                    + " of every {} channel", jar.getFileName(), id, id);
        } else if (id != null && BundledPlugins.isBundledJar(jar, id) && byPlugin.containsKey(id)
                && !byPlugin.get(id).jar().equals(jar) && Files.exists(byPlugin.get(id).jar())) {
            JarLoader.discard(staged.staged());
            failures.remove(jar);
            LOG.info("Bundled plugin {} stays replaced by {} (MB_PLUGINS_OVERRIDE)", id,
                    byPlugin.get(id).jar().getFileName());
            return;
        }
        listing.set(listing.get().starting(new PluginView(id == null ? jar.getFileName().toString() : id,
                staged.contents().version(), "STARTING", jar.toString(), List.of(), null, List.of(), null)));
        PluginGeneration next;
        try {
            next = loader.start(staged);
        } catch (PluginLoadException e) {
            refuse(jar, e);
            return;
        } finally {
            listing.set(listing.get().starting(null));
        }
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
        // a version that loads clears the listing of refused ones (their *.refused files stay for the operator)
        failures.values().removeIf(f -> next.pluginId().equals(f.pluginId()) && f.jar().toString().endsWith(REFUSED));
        PluginGeneration previous = byPlugin.put(next.pluginId(), next);
        if (previous != null) {
            draining.add(previous);
        }
        publish();
        LOG.info("Plugin {} {} started from {} (providers {})", next.pluginId(), next.version(),
                jar.getFileName(), next.adapters().keySet());
        if (previous != null) {
            keepFallback(previous, next);
            retire(previous);
        }
    }

    /**
     * A jar that did not load. When a working version of its plugin is loaded, the jar is renamed {@code *.refused}
     * (and, if it had overwritten the working version's file, that version's bytes are put back), so the next start
     * loads the version that worked.
     */
    private void refuse(Path jar, PluginLoadException e) {
        PluginGeneration working = e.pluginId() != null && byPlugin.containsKey(e.pluginId())
                ? byPlugin.get(e.pluginId())
                : byPlugin.values().stream().filter(g -> g.jar().equals(jar)).findFirst().orElse(null);
        if (working == null || Thread.currentThread().isInterrupted()) { // interrupted: the host is closing
            fail(jar, e);
            return;
        }
        Path refused = setAside(jar, working.jar().equals(jar) ? working.staged() : null, working.pluginId());
        fail(refused, e);
    }

    /**
     * Renames a jar to {@code *.refused}; with {@code restore}, writes those bytes (a version of {@code pluginId}
     * that works) back under the jar's name.
     */
    private Path setAside(Path jar, Path restore, String pluginId) {
        Path refused = jar.resolveSibling(jar.getFileName() + REFUSED);
        Path part = null;
        try {
            // the working version's bytes are copied first: should that fail (a full disk), the jar is left as it is
            // rather than renamed with nothing put back under its name (the next start would lack the plugin)
            if (restore != null) {
                part = Files.createTempFile(pluginsDir, ".restore-", ".part");
                Files.copy(restore, part, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(jar, refused, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            failures.remove(jar);
            jars.remove(jar);
            idsByJar.remove(jar);
            if (part != null) {
                Files.move(part, jar, StandardCopyOption.ATOMIC_MOVE);
                jars.put(jar, JarSeen.of(jar)); // the version already loaded: not a change to load
                idsByJar.put(jar, pluginId);
            }
            LOG.warn("Plugin jar {} renamed {}{}", jar.getFileName(), refused.getFileName(),
                    restore == null ? "" : "; the version that worked is back under its name");
            return refused;
        } catch (IOException io) {
            JarLoader.discard(part);
            LOG.warn("Cannot rename the refused plugin jar {}: {}", jar.getFileName(), io.getMessage());
            return jar;
        }
    }

    /** The previous version's bytes, kept until the new one has served a call, for {@link #rollBack}. */
    private void keepFallback(PluginGeneration previous, PluginGeneration next) {
        dropFallback(next.pluginId());
        try {
            Path copy = stagingDir.resolve(previous.pluginId() + "-previous-" + System.nanoTime() + ".jar");
            Files.copy(previous.staged(), copy);
            fallbacks.put(next.pluginId(), new Fallback(previous.jar(), copy, previous.version()));
            next.onProbation(new Probation(() -> later(() -> confirm(next)), () -> later(() -> rollBack(next))));
        } catch (IOException e) {
            LOG.warn("Cannot keep plugin {} {} as a fallback: {}", previous.pluginId(), previous.version(),
                    e.getMessage());
        }
    }

    /** Queues work for the writer from a request thread; after close() there is nothing left to do. */
    private void later(Runnable task) {
        try {
            writer.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the host is closed
        }
    }

    private void dropFallback(String pluginId) {
        Fallback old = fallbacks.remove(pluginId);
        if (old != null) {
            JarLoader.discard(old.copy());
        }
    }

    private void confirm(PluginGeneration next) {
        if (byPlugin.get(next.pluginId()) == next) {
            dropFallback(next.pluginId());
        }
    }

    /** The new version failed its first calls inside the plugin: the previous one takes the traffic back. */
    private void rollBack(PluginGeneration failing) {
        Fallback fallback = fallbacks.remove(failing.pluginId());
        if (fallback == null || byPlugin.get(failing.pluginId()) != failing) {
            return;
        }
        String why = "its first " + Probation.CALLS + " calls failed inside the plugin; traffic went back to version "
                + fallback.version();
        LOG.warn("Plugin {} {}: {}", failing.pluginId(), failing.version(), why);
        PluginGeneration back;
        try {
            back = loader.start(loader.stage(fallback.copy(), fallback.jar()));
        } catch (PluginLoadException e) {
            LOG.warn("Plugin {}: version {} did not start again ({}); {} stays", failing.pluginId(), fallback.version(),
                    e.getMessage(), failing.version());
            JarLoader.discard(fallback.copy());
            return;
        }
        byPlugin.put(back.pluginId(), back);
        draining.add(failing);
        publish();
        retire(failing);
        boolean sameJar = fallback.jar().equals(failing.jar());
        if (!sameJar && !Files.exists(fallback.jar())) {
            restoreJar(fallback, failing.pluginId());
        }
        Path refused = setAside(failing.jar(), sameJar ? fallback.copy() : null, failing.pluginId());
        failures.put(refused, new JarFailure(refused, failing.pluginId(), failing.version(), why));
        JarLoader.discard(fallback.copy());
        publishListing();
    }

    private void restoreJar(Fallback fallback, String pluginId) {
        try {
            Files.copy(fallback.copy(), fallback.jar(), StandardCopyOption.REPLACE_EXISTING);
            jars.put(fallback.jar(), JarSeen.of(fallback.jar()));
            idsByJar.put(fallback.jar(), pluginId);
        } catch (IOException e) {
            LOG.warn("Cannot put plugin jar {} back: {}", fallback.jar().getFileName(), e.getMessage());
        }
    }

    private void removeJar(Path jar) {
        failures.remove(jar);
        idsByJar.remove(jar);
        byPlugin.values().stream().filter(g -> g.jar().equals(jar)).toList().forEach(g -> {
            byPlugin.remove(g.pluginId());
            dropFallback(g.pluginId());
            draining.add(g);
            publish();
            LOG.info("Plugin {} {} removed with its jar {}", g.pluginId(), g.version(), jar.getFileName());
            retire(g);
            candidate(g.pluginId(), jar).ifPresent(other -> {
                LOG.info("Plugin {} comes back from {}", g.pluginId(), other.getFileName());
                loadJar(other);
            });
        });
    }

    /** Another jar in the folder that declares this plugin id: the bundled one first, else the newest. */
    private Optional<Path> candidate(String pluginId, Path except) {
        return idsByJar.entrySet().stream()
                .filter(e -> e.getValue().equals(pluginId) && !e.getKey().equals(except) && Files.exists(e.getKey()))
                .map(Map.Entry::getKey)
                .min(Comparator.comparing((Path p) -> !BundledPlugins.isBundledJar(p, pluginId))
                        .thenComparing(p -> -jars.getOrDefault(p, new JarSeen(null, 0, 0, 0)).modifiedMillis()));
    }

    /**
     * A generation that takes no new requests unloads once its last one ends. Its callers put it in {@code draining}
     * before they publish the change, so the listing shows it UNLOADING from the moment it stops being STARTED
     * (published in between, it was missing from the listing until the scan ended).
     */
    private void retire(PluginGeneration old) {
        old.retire();
        draining.removeIf(PluginGeneration::isUnloaded);
    }

    private void fail(Path jar, PluginLoadException e) {
        JarFailure before = failures.put(jar, new JarFailure(jar, e.pluginId(), e.version(), e.getMessage()));
        if (before == null || !before.equals(failures.get(jar))) { // a failure tried again at every scan: logged once
            LOG.warn("Plugin jar {} not loaded: {}", jar.getFileName(), e.getMessage());
        }
    }

    private void publish() {
        Map<String, PluginGeneration> index = new HashMap<>();
        byPlugin.values().forEach(g -> g.adapters().keySet().forEach(p -> index.put(p, g)));
        byProvider.set(Map.copyOf(index));
        publishListing();
    }

    private void publishListing() {
        listing.set(new Listing(List.copyOf(byPlugin.values()), List.copyOf(draining), List.copyOf(failures.values()),
                listing.get().startingView()));
    }

    private Map<Path, JarSeen> scan() {
        Map<Path, JarSeen> found = new HashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(pluginsDir, "*.jar")) {
            for (Path jar : stream) {
                BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    found.put(jar, JarSeen.of(a));
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

    /** Runs a task on the writer and waits for it, at most {@code wait} (null: as long as it takes). */
    private <T> T onWriter(Callable<T> task, Duration wait) {
        Future<T> f = writer.submit(task);
        try {
            return wait == null ? f.get() : f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the plugin host", e);
        } catch (TimeoutException e) {
            return null; // it carries on; the listing shows where it is
        } catch (ExecutionException e) {
            throw new IllegalStateException("plugin host failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The version a new one replaced: its original jar, a private copy of its bytes, and its version. */
    private record Fallback(Path jar, Path copy, String version) {}

    /** What the listing shows, replaced whole on every change. */
    private record Listing(List<PluginGeneration> active, List<PluginGeneration> draining, List<JarFailure> failures,
                           PluginView startingView) {
        static final Listing EMPTY = new Listing(List.of(), List.of(), List.of(), null);

        List<PluginView> starting() {
            return startingView == null ? List.of() : List.of(startingView);
        }

        Listing starting(PluginView view) {
            return new Listing(active, draining, failures, view);
        }
    }
}
