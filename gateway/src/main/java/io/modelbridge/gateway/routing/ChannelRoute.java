package io.modelbridge.gateway.routing;

import io.modelbridge.spi.ProviderSettings;

/**
 * A usable channel: its provider and the settings (decrypted credential included) handed to the plugin;
 * {@code responsesNative}: its upstream serves the Responses API itself (an openai channel marked so).
 */
public record ChannelRoute(long id, String name, String provider, ProviderSettings settings, boolean responsesNative) {

    /** A channel whose Responses API requests are translated through chat. */
    public ChannelRoute(long id, String name, String provider, ProviderSettings settings) {
        this(id, name, provider, settings, false);
    }
}
