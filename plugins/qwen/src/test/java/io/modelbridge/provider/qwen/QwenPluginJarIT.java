package io.modelbridge.provider.qwen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.PluginJarContract;
import io.modelbridge.testkit.qwen.QwenSimulator;

/** The qwen jar as the gateway loads it ({@link PluginJarContract}). */
class QwenPluginJarIT extends PluginJarContract {
    QwenPluginJarIT() {
        super("qwen", QwenPlugin.class, QwenAdapter.class);
    }

    @Override
    protected void answersFromTheJar(ProviderAdapter adapter, DirectTransport transport) {
        try (QwenSimulator simulator = QwenSimulator.start()) {
            CallContext ctx = context(simulator.baseUri(), simulator.apiKey(), transport);
            assertEquals("echo: from the jar",
                    adapter.chat(question("qwen-plus", false), ctx).choices().getFirst().message().text());
        }
    }
}
