package io.modelbridge.provider.qwen;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.AdapterContractTest;
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.qwen.QwenSimulator;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared adapter contract, against the DashScope simulator. */
class QwenAdapterContractTest extends AdapterContractTest {
    private static final ProviderAdapter ADAPTER = new QwenAdapter();
    private static QwenSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = QwenSimulator.start();
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

    @Override
    protected String wrongCredential() {
        return "sk-0000000000000000000000000000wxyz";
    }

    @Override
    protected String chatModel() {
        return "qwen-plus";
    }

    @Override
    protected String embeddingModel() {
        return "text-embedding-v3";
    }

    /** DashScope documents no Retry-After on its 429 Throttling answers. */
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
