package io.modelbridge.provider.glm;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.AdapterContractTest;
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.glm.GlmSimulator;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared adapter contract, against the GLM simulator (JWT auth, GLM framing and error codes). */
class GlmAdapterContractTest extends AdapterContractTest {
    private static final ProviderAdapter ADAPTER = new GlmAdapter();
    private static GlmSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = GlmSimulator.start();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @Override
    protected ProviderAdapter adapter() {
        return ADAPTER;
    }

    @Override
    protected URI simulatorBaseUrl() {
        return simulator.baseUri();
    }

    @Override
    protected String credential() {
        return simulator.apiKey();
    }

    /** The right key id with a wrong secret: the JWT's signature does not verify. */
    @Override
    protected String wrongCredential() {
        return GlmSimulator.DEFAULT_KEY_ID + ".WrongSecret99999";
    }

    @Override
    protected String chatModel() {
        return "glm-4-plus";
    }

    @Override
    protected String embeddingModel() {
        return "embedding-3";
    }

    /** Zhipu documents no Retry-After on its 429s (GlmErrorMappingTest covers one added by a proxy). */
    @Override
    protected boolean reportsRetryAfter() {
        return false;
    }

    @Override
    protected boolean inject(UpstreamFault fault) {
        simulator.inject(fault);
        return true;
    }

    @Override
    protected void resetSimulator() {
        simulator.reset();
    }

    @Override
    protected int cancelledStreams() {
        return simulator.cancelledStreams();
    }
}
