package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderAdapter;

/** The right to call one adapter for one request; close it when the request has ended (streams included). */
public final class AdapterLease implements AutoCloseable {
    private final ProviderAdapter adapter;
    private final Runnable release;
    private boolean closed;

    AdapterLease(ProviderAdapter adapter, Runnable release) {
        this.adapter = adapter;
        this.release = release;
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
