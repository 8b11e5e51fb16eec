package io.modelbridge.provider.glm;

import org.pf4j.Plugin;

/** The PF4J entry point. The adapter's only state is its JWT cache, which dies with the plugin's class loader. */
public class GlmPlugin extends Plugin {
    public GlmPlugin() {
        super();
    }
}
