package io.modelbridge.provider.openai;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.AdapterContractTest;
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared adapter contract, against the OpenAI simulator. */
class OpenAiAdapterContractTest extends AdapterContractTest {
    private static final ProviderAdapter ADAPTER = new OpenAiAdapter();
    private static OpenAiSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = OpenAiSimulator.start();
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
        return "sk-wrong-0000000000000000";
    }

    @Override
    protected String chatModel() {
        return "gpt-4o";
    }

    @Override
    protected String embeddingModel() {
        return "text-embedding-3-small";
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
