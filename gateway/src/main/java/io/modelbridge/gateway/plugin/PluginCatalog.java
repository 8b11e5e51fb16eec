package io.modelbridge.gateway.plugin;

import java.util.List;
import java.util.Optional;

/** What the admin API may see and do of the loaded plugins. */
public interface PluginCatalog {

    List<PluginView> list();

    /** Reloads the plugin from its jar; empty when no plugin has that id. */
    Optional<PluginView> reload(String pluginId);

    /** Whether some started plugin serves this provider id (channels of unknown providers are refused). */
    boolean hasProvider(String providerId);
}
