package io.modelbridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSettingsTest {

    private static ProviderSettings base(String url) {
        return new ProviderSettings("c", url, "k", Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
    }

    @Test
    void appendsTheVendorPathToTheBase() {
        assertEquals("http://127.0.0.1:9000/v1/chat/completions",
                base("http://127.0.0.1:9000").endpoint("https://api.openai.com", "/v1/chat/completions").toString());
        assertEquals("http://127.0.0.1:9000/v1/chat/completions",
                base("http://127.0.0.1:9000/").endpoint("https://api.openai.com", "/v1/chat/completions").toString());
    }

    @Test
    void usesTheVendorDefaultWithoutABase() {
        assertEquals("https://api.openai.com/v1/embeddings",
                base("").endpoint("https://api.openai.com", "/v1/embeddings").toString());
    }

    @Test
    void doesNotDoubleAVersionSegmentTheBaseAlreadyHas() {
        assertEquals("https://proxy.example/v1/chat/completions",
                base("https://proxy.example/v1").endpoint("https://api.openai.com", "/v1/chat/completions").toString());
    }
}
