package io.modelbridge.compat;

import io.modelbridge.testkit.JsonBufferPools;
import org.junit.jupiter.api.Test;

class OpenAiJsonTest {
    @Test
    void parserBuffersComeFromOnePoolSharedByAllThreads() {
        JsonBufferPools.assertSharedAcrossThreads(OpenAiJson.MAPPER);
    }
}
