package io.modelbridge.provider.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.PluginJarContract;
import io.modelbridge.testkit.ernie.ErnieSimulator;

/** The ernie jar as the gateway loads it ({@link PluginJarContract}): it exchanges and caches a token. */
class ErniePluginJarIT extends PluginJarContract {
    ErniePluginJarIT() {
        super("ernie", ErniePlugin.class, ErnieAdapter.class);
    }

    @Override
    protected void answersFromTheJar(ProviderAdapter adapter, DirectTransport transport) {
        try (ErnieSimulator simulator = ErnieSimulator.start()) {
            CallContext ctx = context(simulator.baseUri(), simulator.credential(), transport);
            assertEquals("API_KEY|SECRET_KEY (Qianfan application API Key and Secret Key)",
                    adapter.info().credentialFormat());
            var request = question("ERNIE-4.0-8K", false, Message.of("system", "Be brief."));
            assertEquals("echo: from the jar", adapter.chat(request, ctx).choices().getFirst().message().text());
            ChunkRecorder stream = new ChunkRecorder();
            adapter.stream(request, ctx, stream);
            assertEquals("echo: from the jar", stream.text());
            assertEquals(1, simulator.tokensIssued(), "the jar's adapter caches its token");
            assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro", simulator.lastRequest().path());
        }
    }
}
