package io.modelbridge.provider.glm;

import io.modelbridge.testkit.JsonBufferPools;
import org.junit.jupiter.api.Test;

class GlmJsonTest {
    @Test
    void parserBuffersComeFromOnePoolSharedByAllThreads() {
        JsonBufferPools.assertSharedAcrossThreads(GlmJson.MAPPER);
    }
}
