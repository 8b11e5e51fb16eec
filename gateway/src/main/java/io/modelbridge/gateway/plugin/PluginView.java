package io.modelbridge.gateway.plugin;

import java.util.List;

/**
 * One plugin as the admin API lists it.
 *
 * @param state            STARTING (loading, at most the start timeout), STARTED, FAILED, STOPPED, UNLOADING
 *                         (draining in-flight calls)
 * @param providerIds      the provider ids its adapters serve
 * @param credentialFormat the credential format of its (first) provider, or null
 * @param error            why it failed to load or start, or null
 */
public record PluginView(String id, String version, String state, String jar, List<String> providerIds,
                         String credentialFormat, List<String> knownModels, String error) {
    public PluginView {
        providerIds = List.copyOf(providerIds);
        knownModels = List.copyOf(knownModels);
    }
}
