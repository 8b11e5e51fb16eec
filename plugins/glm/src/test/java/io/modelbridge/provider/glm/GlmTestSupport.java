package io.modelbridge.provider.glm;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.spi.Transport;
import io.modelbridge.testkit.glm.GlmSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Contexts and requests the GLM tests share. */
final class GlmTestSupport {
    private GlmTestSupport() {}

    static CallContext ctx(GlmSimulator simulator, Transport transport, String credential, Map<String, String> extras,
                           Clock clock) {
        ProviderSettings settings = new ProviderSettings("glm-test", simulator.baseUri().toString(), credential,
                Duration.ofSeconds(2), Duration.ofSeconds(5), extras);
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), clock);
    }

    static CallContext ctx(GlmSimulator simulator, Transport transport) {
        return ctx(simulator, transport, simulator.apiKey(), Map.of(), Clock.systemUTC());
    }

    static ChatRequest ask(String text) {
        return new ChatRequest("glm-4-plus", List.of(Message.of("user", text)), false, false, Sampling.none(),
                List.of(), null, null, Map.of());
    }
}
