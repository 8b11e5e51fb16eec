package io.modelbridge.provider.spark;

import io.modelbridge.testkit.JsonBufferPools;
import org.junit.jupiter.api.Test;

class SparkJsonTest {
    @Test
    void parserBuffersComeFromOnePoolSharedByAllThreads() {
        JsonBufferPools.assertSharedAcrossThreads(SparkJson.MAPPER);
    }
}
