package io.modelbridge.provider.deepseek;

import io.modelbridge.testkit.JsonBufferPools;
import org.junit.jupiter.api.Test;

class DeepSeekJsonTest {
    @Test
    void parserBuffersComeFromOnePoolSharedByAllThreads() {
        JsonBufferPools.assertSharedAcrossThreads(DeepSeekJson.MAPPER);
    }
}
