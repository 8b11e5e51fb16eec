package io.modelbridge.provider.spark;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.testkit.AdapterContractTest;
import io.modelbridge.testkit.UpstreamFault;
import io.modelbridge.testkit.spark.SparkSimulator;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The shared adapter contract, against the Spark simulator over real WebSockets (signed URL, frames with status
 * 0/1/2, Spark's error codes). Every case applies: HTTP statuses of the contract's faults become Spark's error
 * frames (500 → 10012, 503 → 10110), "hang before headers" is a hang before the first frame.
 */
class SparkAdapterContractTest extends AdapterContractTest {
    private static final ProviderAdapter ADAPTER = new SparkAdapter();
    private static SparkSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = SparkSimulator.start();
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

    /** The right APPID and APIKey with a wrong APISecret: the URL signature does not verify (HTTP 401). */
    @Override
    protected String wrongCredential() {
        return SparkSimulator.DEFAULT_APP_ID + "|WrongSecretWrongSecretWrongSecr1|" + SparkSimulator.DEFAULT_API_KEY;
    }

    @Override
    protected String chatModel() {
        return "spark-max";
    }

    /** Spark's 11202 says "per second" but carries no wait; the adapter suggests one second whatever was injected. */
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
