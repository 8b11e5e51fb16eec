package io.modelbridge.db.repo;

import java.util.List;
import java.util.Map;

/** A channel to create or replace; {@code credentialSealed} may be null (no credential set). */
public record ChannelSpec(String name, String provider, String baseUrl, byte[] credentialSealed, List<String> models,
                          int priority, int weight, boolean enabled, int connectTimeoutMs, int readTimeoutMs,
                          Map<String, String> extras, boolean responsesNative) {
    public ChannelSpec {
        models = List.copyOf(models);
        extras = Map.copyOf(extras);
    }

    /** A channel whose Responses API requests are translated through chat (the default). */
    public ChannelSpec(String name, String provider, String baseUrl, byte[] credentialSealed, List<String> models,
                       int priority, int weight, boolean enabled, int connectTimeoutMs, int readTimeoutMs,
                       Map<String, String> extras) {
        this(name, provider, baseUrl, credentialSealed, models, priority, weight, enabled, connectTimeoutMs,
                readTimeoutMs, extras, false);
    }

    public static ChannelSpec of(Channel c) {
        return new ChannelSpec(c.name(), c.provider(), c.baseUrl(), c.credentialSealed(), c.models(), c.priority(),
                c.weight(), c.enabled(), c.connectTimeoutMs(), c.readTimeoutMs(), c.extras(), c.responsesNative());
    }
}
