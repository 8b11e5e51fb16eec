package io.modelbridge.provider.deepseek;

import org.pf4j.Plugin;

/** The PF4J entry point. It holds nothing: the adapter is stateless and the gateway owns all I/O. */
public class DeepSeekPlugin extends Plugin {
    public DeepSeekPlugin() {
        super();
    }
}
