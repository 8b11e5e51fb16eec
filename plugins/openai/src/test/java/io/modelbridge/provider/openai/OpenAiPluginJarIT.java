package io.modelbridge.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.PluginJarContract;
import io.modelbridge.testkit.openai.OpenAiSimulator;

/** The openai jar as the gateway loads it ({@link PluginJarContract}). */
class OpenAiPluginJarIT extends PluginJarContract {
    OpenAiPluginJarIT() {
        super("openai", OpenAiPlugin.class, OpenAiAdapter.class);
    }

    @Override
    protected void answersFromTheJar(ProviderAdapter adapter, DirectTransport transport) {
        try (OpenAiSimulator simulator = OpenAiSimulator.start()) {
            CallContext ctx = context(simulator.baseUri(), simulator.apiKey(), transport);
            assertEquals("echo: from the jar",
                    adapter.chat(question("gpt-4o", false), ctx).choices().getFirst().message().text());
        }
    }
}
