package io.modelbridge.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import org.junit.jupiter.api.Test;

class CallerErrorsTest {
    @Test
    void aTransportFailureReachesTheCallerWithoutAddressChannelOrExceptionName() {
        GatewayException e = CallerErrors.of(ProviderFailure.of(Kind.UNAVAILABLE,
                "upstream http://upstream.internal:8000 is unreachable (InsufficientDataAvailableException)"), "x");
        assertEquals("upstream is unreachable", e.error().message());
        assertEquals(502, e.error().status());
        assertEquals("upstream_unavailable", e.error().code());
        assertEquals("x", e.headers().get("x-modelbridge-channel"), "the header is for MB_EXPOSE_ROUTING to show");
    }

    @Test
    void operatorProblemsDoNotNameTheChannel() {
        for (Kind kind : new Kind[] {Kind.AUTH, Kind.QUOTA, Kind.TIMEOUT, Kind.PROTOCOL, Kind.MODEL_NOT_FOUND}) {
            String message = CallerErrors.of(ProviderFailure.of(kind, "upstream https://10.0.0.5/v1 said no"),
                    "secret-channel").error().message();
            assertFalse(message.contains("secret-channel") || message.contains("10.0.0.5"), kind + ": " + message);
        }
    }

    @Test
    void whatTheVendorSaidAboutTheRequestIsRelayed() {
        assertEquals("'temperature' must be at most 2", CallerErrors.of(ProviderFailure.of(Kind.BAD_REQUEST,
                "'temperature' must be at most 2"), "x").error().message());
        assertEquals("The upstream provider failed.", CallerErrors.withoutInternals("http://a:1 (IOException)"));
    }
}
