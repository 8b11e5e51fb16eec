package io.modelbridge.spi;

import java.util.List;
import java.util.Set;

/**
 * How a provider presents itself in the plugin listing.
 *
 * @param id               the provider id channels name, lower case
 * @param displayName      a human name, e.g. "Baidu ERNIE"
 * @param credentialFormat how the channel credential is written, e.g. {@code "API_KEY|SECRET_KEY"}
 * @param defaultBaseUrl   the vendor's public endpoint, used when a channel sets no base URL
 * @param knownModels      models the vendor is known to serve (a hint; channels list their own)
 * @param capabilities     what the adapter implements
 */
public record ProviderInfo(String id, String displayName, String credentialFormat, String defaultBaseUrl,
                           List<String> knownModels, Set<Capability> capabilities) {
    public ProviderInfo {
        knownModels = List.copyOf(knownModels);
        capabilities = Set.copyOf(capabilities);
    }
}
