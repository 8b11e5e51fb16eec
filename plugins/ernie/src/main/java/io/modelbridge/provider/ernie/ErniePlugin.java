package io.modelbridge.provider.ernie;

import org.pf4j.Plugin;

/** The PF4J entry point. It holds nothing: the adapter keeps its token cache and the gateway owns all I/O. */
public class ErniePlugin extends Plugin {
    public ErniePlugin() {
        super();
    }
}
