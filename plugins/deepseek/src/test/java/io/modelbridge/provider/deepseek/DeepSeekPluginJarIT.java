package io.modelbridge.provider.deepseek;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.PluginJarContract;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;

/** The deepseek jar as the gateway loads it ({@link PluginJarContract}). */
class DeepSeekPluginJarIT extends PluginJarContract {
    DeepSeekPluginJarIT() {
        super("deepseek", DeepSeekPlugin.class, DeepSeekAdapter.class);
    }

    @Override
    protected void answersFromTheJar(ProviderAdapter adapter, DirectTransport transport) {
        try (DeepSeekSimulator simulator = DeepSeekSimulator.start()) {
            CallContext ctx = context(simulator.baseUri(), simulator.apiKey(), transport);
            assertEquals("echo: from the jar",
                    adapter.chat(question("deepseek-chat", false), ctx).choices().getFirst().message().text());
        }
    }
}
