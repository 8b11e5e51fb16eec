package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Builds the plugin listing from the host's generations and failures, without calling plugin code. */
final class PluginViews {
    private PluginViews() {}

    static List<PluginView> of(Collection<PluginGeneration> active, Collection<PluginGeneration> draining,
                               Collection<JarFailure> failures, Collection<PluginView> starting) {
        List<PluginView> views = new ArrayList<>(starting);
        active.forEach(g -> views.add(view(g, "STARTED")));
        draining.stream().filter(g -> !g.isUnloaded()).forEach(g -> views.add(view(g, "UNLOADING")));
        failures.forEach(f -> views.add(new PluginView(f.pluginId() == null ? f.jar().getFileName().toString() : f.pluginId(),
                f.version(), "FAILED", f.jar().toString(), List.of(), null, List.of(), f.reason())));
        views.sort(Comparator.comparing(PluginView::id));
        return views;
    }

    private static PluginView view(PluginGeneration g, String state) {
        List<ProviderInfo> infos = g.infos();
        return new PluginView(g.pluginId(), g.version(), state, g.jar().toString(),
                infos.stream().map(ProviderInfo::id).sorted().toList(),
                infos.isEmpty() ? null : infos.get(0).credentialFormat(),
                infos.stream().flatMap(i -> i.knownModels().stream()).toList(), null);
    }
}
