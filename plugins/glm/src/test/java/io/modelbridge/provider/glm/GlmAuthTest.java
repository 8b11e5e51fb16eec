package io.modelbridge.provider.glm;

import static io.modelbridge.provider.glm.GlmTestSupport.ask;
import static io.modelbridge.provider.glm.GlmTestSupport.ctx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.glm.GlmSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWT as the simulator verifies it (signature, millisecond expiry), its reuse, and its renewal on 1003. */
class GlmAuthTest {
    private static GlmSimulator simulator;
    private static DirectTransport transport;

    @BeforeAll
    static void start() {
        simulator = GlmSimulator.start();
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        transport.close();
        simulator.close();
    }

    @BeforeEach
    void reset() {
        simulator.reset();
        simulator.clearRequests();
    }

    @Test
    void callsCarryABearerJwtThatIsReusedAcrossCalls() {
        GlmAdapter adapter = new GlmAdapter();
        adapter.chat(ask("one"), ctx(simulator, transport));
        adapter.chat(ask("two"), ctx(simulator, transport));
        List<String> headers = authorizations();
        assertEquals(2, headers.size());
        assertTrue(headers.getFirst().matches("Bearer eyJ[\\w-]+\\.eyJ[\\w-]+\\.[\\w-]+"), headers.getFirst());
        assertEquals(headers.get(0), headers.get(1), "the cached token is reused");
        assertEquals("/api/paas/v4/chat/completions", simulator.lastRequest().path());
    }

    @Test
    void aTokenZhipuCallsExpiredIsDroppedAndTheCallRetriedOnceWithAFreshOne() throws InterruptedException {
        GlmAdapter adapter = new GlmAdapter();
        adapter.chat(ask("warm the cache"), ctx(simulator, transport));
        Thread.sleep(5);
        simulator.expireTokensIssuedUpTo(Instant.now());
        Thread.sleep(5);
        simulator.clearRequests();
        assertEquals("echo: again", adapter.chat(ask("again"), ctx(simulator, transport))
                .choices().getFirst().message().text());
        List<String> headers = authorizations();
        assertEquals(2, headers.size(), "refused once with 1003, then served");
        assertNotEquals(headers.get(0), headers.get(1));
    }

    @Test
    void aTokenExpiredByTheClockIsRefusedWith1003AndNotRetriedForever() {
        Clock anHourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        CallContext ctx = ctx(simulator, transport, simulator.apiKey(), Map.of(), anHourAgo);
        ProviderFailure failure = assertThrows(ProviderException.class, () -> new GlmAdapter().chat(ask("hi"), ctx))
                .failure();
        assertEquals(Kind.AUTH, failure.kind());
        assertEquals("1003", failure.vendorCode());
        assertEquals(401, failure.upstreamStatus());
        assertEquals(2, simulator.requests().size(), "one retry with a re-signed token, then the failure");
    }

    @Test
    void aWrongSecretOrAnUnknownKeyIdIsAuth() {
        GlmAdapter adapter = new GlmAdapter();
        ProviderFailure badSignature = fail(adapter, GlmSimulator.DEFAULT_KEY_ID + ".NotTheSecret0000");
        assertEquals(Kind.AUTH, badSignature.kind());
        assertEquals("1004", badSignature.vendorCode());
        ProviderFailure unknownId = fail(adapter, "ffffffffffffffffffffffffffffffff." + GlmSimulator.DEFAULT_SECRET);
        assertEquals(Kind.AUTH, unknownId.kind());
        assertEquals("1000", unknownId.vendorCode());
    }

    @Test
    void apiKeyModeSendsTheKeyItselfAsTheOfficialSdkDoes() {
        CallContext ctx = ctx(simulator, transport, simulator.apiKey(), Map.of("auth", "api-key"), Clock.systemUTC());
        new GlmAdapter().chat(ask("plain key"), ctx);
        assertEquals("Bearer " + simulator.apiKey(), simulator.lastRequest().header("authorization").orElseThrow());
    }

    @Test
    void misconfiguredChannelsFailAsAuthWithoutCallingZhipu() {
        for (Map<String, String> extras : List.of(Map.of("auth", "oauth"), Map.of("token-ttl-seconds", "60"),
                Map.of("token-ttl-seconds", "soon"))) {
            CallContext ctx = ctx(simulator, transport, simulator.apiKey(), extras, Clock.systemUTC());
            assertEquals(Kind.AUTH, assertThrows(ProviderException.class, () -> new GlmAdapter().chat(ask("x"), ctx))
                    .failure().kind(), extras.toString());
        }
        assertEquals(Kind.AUTH, fail(new GlmAdapter(), "not-a-glm-key").kind());
        assertEquals(0, simulator.requests().size());
    }

    private ProviderFailure fail(GlmAdapter adapter, String credential) {
        CallContext ctx = ctx(simulator, transport, credential, Map.of(), Clock.systemUTC());
        return assertThrows(ProviderException.class, () -> adapter.chat(ask("hi"), ctx)).failure();
    }

    private static List<String> authorizations() {
        return simulator.requests().stream().map(r -> r.header("authorization").orElse("")).toList();
    }
}
