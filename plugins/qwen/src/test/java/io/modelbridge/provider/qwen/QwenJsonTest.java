package io.modelbridge.provider.qwen;

import io.modelbridge.testkit.JsonBufferPools;
import org.junit.jupiter.api.Test;

class QwenJsonTest {
    @Test
    void parserBuffersComeFromOnePoolSharedByAllThreads() {
        JsonBufferPools.assertSharedAcrossThreads(QwenJson.MAPPER);
    }
}
