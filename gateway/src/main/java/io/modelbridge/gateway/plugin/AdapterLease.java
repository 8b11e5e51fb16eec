package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderAdapter;
import java.util.function.Consumer;

/** The right to call one adapter for one request; close it when the request has ended (streams included). */
public final class AdapterLease implements AutoCloseable {
    private final ProviderAdapter adapter;
    private final String plugin;
    private final Runnable release;
    private final Consumer<Boolean> outcome;
    private boolean closed;

    /**
     * @param release run once, when the lease is closed
     * @param outcome told whether the call failed inside the plugin ({@code true}) or not
     */
    public AdapterLease(ProviderAdapter adapter, String plugin, Runnable release, Consumer<Boolean> outcome) {
        this.adapter = adapter;
        this.plugin = plugin;
        this.release = release;
        this.outcome = outcome;
    }

    /** The plugin serving this lease and its version, e.g. {@code "openai@1.0.2"}. */
    public String plugin() {
        return plugin;
    }

    public ProviderAdapter adapter() {
        return adapter;
    }

    /** The call worked, or failed for a reason outside the plugin (the vendor, the client, a timeout). */
    public void pluginWorked() {
        outcome.accept(false);
    }

    /** The call failed inside the plugin: an exception or Error that is not a classified provider failure. */
    public void pluginFailed() {
        outcome.accept(true);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
