package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One loaded version of one plugin jar and the adapters it provides. Calls hold it through {@link AdapterLease}s;
 * once retired (replaced or removed) it unloads itself when the last lease is closed.
 */
final class PluginGeneration {
    private final String pluginId;
    private final String version;
    private final Path jar;
    private final Path staged;
    private final Map<String, ProviderAdapter> adapters;
    private final List<ProviderInfo> infos;
    private final Runnable unload;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean unloaded = new AtomicBoolean();
    private volatile Probation probation;

    PluginGeneration(String pluginId, String version, Path jar, Path staged, List<ProviderAdapter> adapters,
                     List<ProviderInfo> infos, Runnable unload) {
        this.pluginId = pluginId;
        this.version = version;
        this.jar = jar;
        this.staged = staged;
        this.adapters = adapters.stream()
                .collect(Collectors.toUnmodifiableMap(ProviderAdapter::id, Function.identity()));
        this.infos = List.copyOf(infos);
        this.unload = unload;
    }

    String pluginId() {
        return pluginId;
    }

    String version() {
        return version;
    }

    /** The jar in the plugins folder it was loaded from. */
    Path jar() {
        return jar;
    }

    /** The private copy it runs from. */
    Path staged() {
        return staged;
    }

    Map<String, ProviderAdapter> adapters() {
        return adapters;
    }

    /** Its adapters' descriptions, read once at load: listing plugins never calls plugin code. */
    List<ProviderInfo> infos() {
        return infos;
    }

    ProviderInfo info(String providerId) {
        return infos.stream().filter(i -> i.id().equals(providerId)).findFirst().orElse(null);
    }

    int inFlight() {
        return inFlight.get();
    }

    boolean isRetired() {
        return retired.get();
    }

    boolean isUnloaded() {
        return unloaded.get();
    }

    /** Watches this (new) version's first calls; see {@link Probation}. */
    void onProbation(Probation watch) {
        this.probation = watch;
    }

    /** A lease on the adapter for this provider id, or null when this generation is already retired. */
    AdapterLease lease(String providerId) {
        inFlight.incrementAndGet();
        if (retired.get()) {
            release();
            return null;
        }
        return new AdapterLease(adapters.get(providerId), pluginId + "@" + version, this::release, this::outcome);
    }

    private void outcome(boolean pluginFailed) {
        Probation watch = probation;
        if (watch != null && watch.record(pluginFailed)) {
            probation = null;
        }
    }

    /** No new leases; unloads now if idle, else when the last lease closes. */
    void retire() {
        retired.set(true);
        if (inFlight.get() == 0) {
            unloadOnce();
        }
    }

    private void release() {
        if (inFlight.decrementAndGet() == 0 && retired.get()) {
            unloadOnce();
        }
    }

    private void unloadOnce() {
        if (unloaded.compareAndSet(false, true)) {
            unload.run();
        }
    }
}
