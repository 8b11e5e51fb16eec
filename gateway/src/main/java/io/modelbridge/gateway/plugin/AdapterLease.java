package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderAdapter;

/** The right to call one adapter for one request; close it when the request has ended (streams included). */
public final class AdapterLease implements AutoCloseable {
    private final ProviderAdapter adapter;
    private final String plugin;
    private final Runnable release;
    private boolean closed;

    AdapterLease(ProviderAdapter adapter, String plugin, Runnable release) {
        this.adapter = adapter;
        this.plugin = plugin;
        this.release = release;
    }

    /** The plugin serving this lease and its version, e.g. {@code "openai@1.0.2"}. */
    public String plugin() {
        return plugin;
    }

    public ProviderAdapter adapter() {
        return adapter;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
