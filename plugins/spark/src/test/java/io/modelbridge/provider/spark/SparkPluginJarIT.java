package io.modelbridge.provider.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.PluginJarContract;
import io.modelbridge.testkit.spark.SparkSimulator;

/** The spark jar as the gateway loads it ({@link PluginJarContract}): it signs and streams. */
class SparkPluginJarIT extends PluginJarContract {
    SparkPluginJarIT() {
        super("spark", SparkPlugin.class, SparkAdapter.class);
    }

    @Override
    protected void answersFromTheJar(ProviderAdapter adapter, DirectTransport transport) {
        try (SparkSimulator simulator = SparkSimulator.start()) {
            CallContext ctx = context(simulator.baseUri(), simulator.credential(), transport);
            assertEquals("APPID|APISecret|APIKey", adapter.info().credentialFormat());
            ChunkRecorder out = new ChunkRecorder();
            adapter.stream(question("spark-max", true), ctx, out);
            assertEquals("echo: from the jar", out.text());
            assertTrue(simulator.lastRequest().query().startsWith("authorization="), simulator.lastRequest().query());
        }
    }
}
