package io.modelbridge.provider.openai;

import io.modelbridge.testkit.JsonBufferPools;
import org.junit.jupiter.api.Test;

class OpenAiJsonTest {
    @Test
    void parserBuffersComeFromOnePoolSharedByAllThreads() {
        JsonBufferPools.assertSharedAcrossThreads(OpenAiJson.MAPPER);
    }
}
