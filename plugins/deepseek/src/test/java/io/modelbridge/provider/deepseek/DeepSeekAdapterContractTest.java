package io.modelbridge.provider.deepseek;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.AdapterContractTest;
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared adapter contract, against the DeepSeek simulator. */
class DeepSeekAdapterContractTest extends AdapterContractTest {
    private static final ProviderAdapter ADAPTER = new DeepSeekAdapter();
    private static DeepSeekSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = DeepSeekSimulator.start();
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
        return "deepseek-chat";
    }

    /** DeepSeek's 429 carries no Retry-After (its limit is dynamic concurrency). */
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
