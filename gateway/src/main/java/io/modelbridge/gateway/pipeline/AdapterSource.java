package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.plugin.AdapterLease;
import java.util.Optional;

/** Where {@link Failover} leases the adapter of a channel's provider: the plugin host ({@code PluginHost::acquire}). */
@FunctionalInterface
public interface AdapterSource {

    /** A lease on the adapter serving this provider, or empty when no started plugin provides it. */
    Optional<AdapterLease> acquire(String providerId);
}
