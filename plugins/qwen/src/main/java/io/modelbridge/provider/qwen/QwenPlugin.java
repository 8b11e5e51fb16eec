package io.modelbridge.provider.qwen;

import org.pf4j.Plugin;

/** The PF4J entry point. It holds nothing: the adapter is stateless and the gateway owns all I/O. */
public class QwenPlugin extends Plugin {
    public QwenPlugin() {
        super();
    }
}
