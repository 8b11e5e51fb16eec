package io.modelbridge.gateway.routing;

import io.modelbridge.spi.ProviderSettings;

/** A usable channel: its provider and the settings (decrypted credential included) handed to the plugin. */
public record ChannelRoute(long id, String name, String provider, ProviderSettings settings) {}
