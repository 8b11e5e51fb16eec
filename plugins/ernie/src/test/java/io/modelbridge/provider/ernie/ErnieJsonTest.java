package io.modelbridge.provider.ernie;

import io.modelbridge.testkit.JsonBufferPools;
import org.junit.jupiter.api.Test;

class ErnieJsonTest {
    @Test
    void parserBuffersComeFromOnePoolSharedByAllThreads() {
        JsonBufferPools.assertSharedAcrossThreads(ErnieJson.MAPPER);
    }
}
