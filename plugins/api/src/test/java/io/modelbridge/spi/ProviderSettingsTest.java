package io.modelbridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

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

    @Test
    void anEndpointIsParsedOnceNotOnEveryCall() {
        var first = base("http://127.0.0.1:9000/").endpoint("https://api.openai.com", "/v1/chat/completions");
        var again = base("http://127.0.0.1:9000/").endpoint("https://api.openai.com", "/v1/chat/completions");
        assertSame(first, again, "issue 16: URI.create on every call was ~1 % of the gateway's CPU");
        assertEquals("http://127.0.0.1:9000/v1/embeddings",
                base("http://127.0.0.1:9000/").endpoint("https://api.openai.com", "/v1/embeddings").toString());
        assertEquals("http://127.0.0.1:9001/v1/chat/completions",
                base("http://127.0.0.1:9001").endpoint("https://api.openai.com", "/v1/chat/completions").toString());
    }
}
