package io.modelbridge.provider.ernie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderSettings;
import io.modelbridge.spi.Sampling;
import io.modelbridge.testkit.ChunkRecorder;
import io.modelbridge.testkit.DirectTransport;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.ernie.ErnieSimulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The access-token life cycle against the simulator: cached, refreshed ahead of expiry, re-fetched once. */
class ErnieTokenTest {
    private static ErnieSimulator simulator;
    private static DirectTransport transport;
    private ErnieAdapter adapter;
    private int issuedBefore;
    private int expiredBefore;

    @BeforeAll
    static void start() {
        simulator = ErnieSimulator.start();
        transport = new DirectTransport(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        transport.close();
        simulator.close();
    }

    @BeforeEach
    void freshAdapter() {
        simulator.reset();
        adapter = new ErnieAdapter();
        issuedBefore = simulator.tokensIssued();
        expiredBefore = simulator.expiredTokenAnswers();
    }

    @Test
    void theTokenIsFetchedOnceWithTheCredentialAndReusedAcrossCalls() {
        simulator.clearRequests();
        CallContext ctx = ctx(Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            assertEquals("echo: hi " + i, adapter.chat(ask("hi " + i), ctx).choices().getFirst().message().text());
        }
        assertEquals(1, issued());
        RecordedRequest tokenCall = simulator.requests().getFirst();
        assertEquals("/oauth/2.0/token", tokenCall.path());
        assertEquals("POST", tokenCall.method());
        assertTrue(tokenCall.query().contains("grant_type=client_credentials"), tokenCall.query());
        assertTrue(tokenCall.query().contains("client_id=" + simulator.apiKey()), tokenCall.query());
        RecordedRequest chat = simulator.lastRequest();
        assertEquals("/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions", chat.path());
        assertTrue(chat.query().startsWith("access_token=24."), chat.query());
    }

    @Test
    void theTokenIsRefreshedBeforeItExpiresAndNotBefore() {
        simulator.tokenLifetime(Duration.ofSeconds(1000));
        MutableClock clock = new MutableClock(Instant.now());
        adapter.chat(ask("first"), ctx(clock));
        clock.advance(Duration.ofSeconds(850));
        adapter.chat(ask("still fresh"), ctx(clock));
        assertEquals(1, issued(), "a token with more than a tenth of its life left is reused");
        clock.advance(Duration.ofSeconds(60));
        adapter.chat(ask("due for refresh"), ctx(clock));
        assertEquals(2, issued(), "with a tenth of its life left the token is refreshed ahead of expiry");
        assertEquals(0, expiredAnswers(), "no call was sent with an expired token");
    }

    @Test
    void anExpiredTokenIsReFetchedAndTheCallRetriedInvisibly() {
        adapter.chat(ask("warm up"), ctx(Clock.systemUTC()));
        simulator.expireAllTokens();
        assertEquals("echo: after expiry", adapter.chat(ask("after expiry"), ctx(Clock.systemUTC()))
                .choices().getFirst().message().text());
        simulator.expireAllTokens();
        ChunkRecorder stream = new ChunkRecorder();
        adapter.stream(ask("streamed after expiry").withModel("ERNIE-Speed-8K"), ctx(Clock.systemUTC()), stream);
        assertEquals("echo: streamed after expiry", stream.text());
        assertEquals(3, issued());
        assertEquals(2, expiredAnswers());
    }

    @Test
    void aTokenTheVendorKeepsRefusingIsReFetchedOnlyOnceThenAuth() {
        adapter.chat(ask("warm up"), ctx(Clock.systemUTC()));
        simulator.rejectAllTokens(true);
        ProviderFailure failure = assertThrows(ProviderException.class,
                () -> adapter.chat(ask("refused"), ctx(Clock.systemUTC()))).failure();
        assertEquals(Kind.AUTH, failure.kind());
        assertEquals("111", failure.vendorCode());
        assertEquals(2, issued(), "one re-fetch, no loop");
        assertEquals(2, expiredAnswers(), "the call was sent twice: first token, then the re-fetched one");
    }

    @Test
    void concurrentCallsShareOneTokenFetch() throws Exception {
        simulator.tokenDelay(Duration.ofMillis(400));
        List<Future<String>> answers = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 12; i++) {
                String text = "caller " + i;
                answers.add(pool.submit(() -> adapter.chat(ask(text), ctx(Clock.systemUTC()))
                        .choices().getFirst().message().text()));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertEquals("echo: caller " + i, answers.get(i).get());
            }
        }
        assertEquals(1, issued(), "single flight: one fetch for all concurrent callers");
    }

    @Test
    void afterAnExpiryConcurrentCallersReFetchOnce() throws Exception {
        adapter.chat(ask("warm up"), ctx(Clock.systemUTC()));
        simulator.expireAllTokens();
        simulator.tokenDelay(Duration.ofMillis(300));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit(() -> adapter.chat(ask("again"), ctx(Clock.systemUTC()))));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        }
        assertEquals(2, issued(), "the first token and one shared re-fetch");
    }

    @Test
    void tokensAreCachedPerCredentialAndAWrongOneIsAuthWithoutEchoingIt() {
        CallContext wrong = ctx(Clock.systemUTC(), simulator.apiKey() + "|notTheSecretKey123456");
        ProviderFailure failure = assertThrows(ProviderException.class, () -> adapter.chat(ask("x"), wrong)).failure();
        assertEquals(Kind.AUTH, failure.kind());
        assertEquals("invalid_client", failure.vendorCode());
        assertTrue(failure.message().contains("Client authentication failed"), failure.message());
        assertFalse(failure.message().contains("notTheSecretKey123456"), failure.message());
        ProviderFailure unknownId = assertThrows(ProviderException.class, () -> adapter.chat(ask("x"),
                ctx(Clock.systemUTC(), "someOtherApiKey|" + simulator.secretKey()))).failure();
        assertTrue(unknownId.message().contains("unknown client id"), unknownId.message());
        adapter.chat(ask("right one"), ctx(Clock.systemUTC()));
        assertEquals(1, issued());
    }

    @Test
    void aMalformedCredentialIsAuthBeforeAnyCall() {
        simulator.clearRequests();
        for (String credential : List.of("no-bar-here", "|secret", "key|", "a|b|c")) {
            ProviderFailure failure = assertThrows(ProviderException.class,
                    () -> adapter.chat(ask("x"), ctx(Clock.systemUTC(), credential))).failure();
            assertEquals(Kind.AUTH, failure.kind(), credential);
            assertTrue(failure.message().contains("API_KEY|SECRET_KEY"), failure.message());
        }
        assertEquals(List.of(), simulator.requests());
    }

    private int issued() {
        return simulator.tokensIssued() - issuedBefore;
    }

    private int expiredAnswers() {
        return simulator.expiredTokenAnswers() - expiredBefore;
    }

    private static CallContext ctx(Clock clock) {
        return ctx(clock, simulator.credential());
    }

    private static CallContext ctx(Clock clock, String credential) {
        ProviderSettings settings = new ProviderSettings("ernie-test", simulator.baseUri().toString(), credential,
                Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
        return new CallContext(settings, transport, Instant.now().plusSeconds(30), clock);
    }

    static ChatRequest ask(String text) {
        return new ChatRequest("ERNIE-3.5-8K", List.of(Message.of("user", text)), false, false, Sampling.none(),
                List.of(), null, null, Map.of());
    }
}
