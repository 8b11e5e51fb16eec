package io.modelbridge.provider.ernie;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.AdapterContractTest;
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.ernie.ErnieSimulator;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The shared adapter contract, against the ERNIE simulator (token exchange included in every call). */
class ErnieAdapterContractTest extends AdapterContractTest {
    private static final ProviderAdapter ADAPTER = new ErnieAdapter();
    private static ErnieSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = ErnieSimulator.start();
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
        return simulator.credential();
    }

    @Override
    protected String wrongCredential() {
        return simulator.apiKey() + "|wrongSecretKey0000000000";
    }

    @Override
    protected String chatModel() {
        return "ERNIE-3.5-8K";
    }

    @Override
    protected String embeddingModel() {
        return "Embedding-V1";
    }

    /** ERNIE sends no Retry-After with its QPS error (error_code 18). */
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
