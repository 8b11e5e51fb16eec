package io.modelbridge.provider.glm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.PluginJarContract;
import io.modelbridge.testkit.glm.GlmSimulator;

/** The glm jar as the gateway loads it ({@link PluginJarContract}): it signs a JWT. */
class GlmPluginJarIT extends PluginJarContract {
    GlmPluginJarIT() {
        super("glm", GlmPlugin.class, GlmAdapter.class);
    }

    @Override
    protected void answersFromTheJar(ProviderAdapter adapter, DirectTransport transport) {
        try (GlmSimulator simulator = GlmSimulator.start()) {
            CallContext ctx = context(simulator.baseUri(), simulator.apiKey(), transport);
            assertTrue(adapter.info().credentialFormat().contains("id.secret"), adapter.info().credentialFormat());
            assertEquals("echo: from the jar",
                    adapter.chat(question("glm-4-plus", false), ctx).choices().getFirst().message().text());
            assertTrue(simulator.lastRequest().header("authorization").orElseThrow().startsWith("Bearer eyJ"));
        }
    }
}
