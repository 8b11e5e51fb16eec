package io.modelbridge.gateway.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.error.ClientGoneException;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.plugin.AdapterLease;
import io.modelbridge.gateway.routing.ChannelRoute;
import io.modelbridge.gateway.routing.CircuitBreakers;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.gateway.upstream.UpstreamClients;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover over fake adapters (no plugin jar, no socket: the attempt is the test's), with the real circuit
 * breakers and watchdog: which targets are tried, what the outcome says, and what the breakers and leases are told.
 */
@Timeout(60)
class FailoverTest {
    private final UpstreamClients upstream = new UpstreamClients();
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final CircuitBreakers breakers = new CircuitBreakers(3, Duration.ofSeconds(30), Clock.systemUTC());
    /** Each lease's outcome: the channel's provider, then "worked", "failed" (inside the plugin) or "closed". */
    private final List<String> leases = new CopyOnWriteArrayList<>();
    private final List<String> tried = new CopyOnWriteArrayList<>();
    private final Failover failover = failover(3);

    @AfterEach
    void close() {
        upstream.close();
        metrics.close();
    }

    @Test
    void aFailureAnotherChannelMayNotHaveMovesOnAndTheOutcomeNamesTheTargetThatServed() {
        FailoverOutcome<String> outcome = failover.run(plan("a", "b"), attempt(Map.of(
                "a", () -> { throw failure(ProviderFailure.Kind.UNAVAILABLE); })));

        FailoverOutcome.Served<String> served = assertInstanceOf(FailoverOutcome.Served.class, outcome);
        assertEquals("answer from b", served.value());
        assertEquals("b", served.servedBy().target().channel().name());
        assertEquals("p-b@1.0", served.servedBy().plugin());
        assertEquals(List.of("a", "b"), tried);
        assertEquals(1, breakers.snapshot("a").consecutiveFailures(), "a's failure counts against it");
        assertEquals(List.of("p-a closed", "p-a worked", "p-b worked", "p-b closed"), leases);
    }

    @Test
    void aRequestTheVendorRefusedIsFinalAndCountsForTheChannel() {
        FailoverOutcome<String> outcome = failover.run(plan("a", "b"), attempt(Map.of(
                "a", () -> { throw failure(ProviderFailure.Kind.BAD_REQUEST); })));

        FailoverOutcome.Failed<String> failed = assertInstanceOf(FailoverOutcome.Failed.class, outcome);
        assertEquals("a", failed.lastTried().orElseThrow().target().channel().name());
        assertEquals(400, assertInstanceOf(GatewayException.class, failed.error()).error().status());
        assertEquals(List.of("a"), tried);
        assertEquals(0, breakers.snapshot("a").consecutiveFailures());
    }

    @Test
    void aFailureAfterTheAnswerBeganIsFinalThoughAnotherChannelCouldServe() {
        FailoverOutcome<String> outcome = failover.run(plan("a", "b"), attempt(Map.of(
                "a", () -> { throw AnswerStartedException.wrap(failure(ProviderFailure.Kind.UNAVAILABLE)); })));

        FailoverOutcome.Failed<String> failed = assertInstanceOf(FailoverOutcome.Failed.class, outcome);
        GatewayException error = assertInstanceOf(GatewayException.class, failed.error());
        assertEquals("upstream_unavailable", error.error().code(), "classified by its cause");
        assertEquals("a", failed.lastTried().orElseThrow().target().channel().name());
        assertEquals(List.of("a"), tried);
        assertEquals(1, breakers.snapshot("a").consecutiveFailures(), "still counted against the channel");
    }

    @Test
    void aPluginThatThrowsIsReportedAsFailedAndTheNextTargetServes() {
        FailoverOutcome<String> outcome = failover.run(plan("a", "b"), attempt(Map.of(
                "a", () -> { throw new IllegalStateException("a bug in the plugin"); })));

        assertEquals("b", outcome.target().orElseThrow().target().channel().name());
        assertInstanceOf(FailoverOutcome.Served.class, outcome);
        assertTrue(leases.contains("p-a failed"), leases.toString());
    }

    @Test
    void aClientThatLeftEndsTheCallWithoutBlamingTheChannel() {
        FailoverOutcome<String> outcome = failover.run(plan("a", "b"), attempt(Map.of(
                "a", () -> { throw new ClientGoneException(new java.io.IOException("reset")); })));

        FailoverOutcome.Failed<String> failed = assertInstanceOf(FailoverOutcome.Failed.class, outcome);
        assertInstanceOf(ClientGoneException.class, failed.error());
        assertEquals(List.of("a"), tried);
        assertEquals(0, breakers.snapshot("a").consecutiveFailures());
    }

    @Test
    void attemptsStopAtTheLimitAndTheLastFailureIsTheAnswer() {
        Failover twice = failover(2);
        FailoverOutcome<String> outcome = twice.run(plan("a", "b", "c"), attempt(Map.of(
                "a", () -> { throw failure(ProviderFailure.Kind.UNAVAILABLE); },
                "b", () -> { throw failure(ProviderFailure.Kind.TIMEOUT); })));

        FailoverOutcome.Failed<String> failed = assertInstanceOf(FailoverOutcome.Failed.class, outcome);
        assertEquals(504, assertInstanceOf(GatewayException.class, failed.error()).error().status());
        assertEquals(List.of("a", "b"), tried);
    }

    @Test
    void aProviderNoPluginServesIsA503AndNoTargetWasTried() {
        FailoverOutcome<String> outcome = failover.run(List.of(target("a", "missing")), attempt(Map.of()));

        FailoverOutcome.Failed<String> failed = assertInstanceOf(FailoverOutcome.Failed.class, outcome);
        assertEquals("provider_not_loaded", ((GatewayException) failed.error()).error().code());
        assertEquals(Optional.empty(), failed.lastTried());
        assertEquals(List.of(), tried);
    }

    @Test
    void channelsWhoseBreakerIsOpenAreSkippedWithARetryAfter() {
        for (int i = 0; i < 3; i++) {
            failover.run(plan("a"), attempt(Map.of("a", () -> { throw failure(ProviderFailure.Kind.UNAVAILABLE); })));
        }
        tried.clear();

        FailoverOutcome<String> outcome = failover.run(plan("a"), attempt(Map.of()));

        GatewayException error = assertInstanceOf(GatewayException.class,
                assertInstanceOf(FailoverOutcome.Failed.class, outcome).error());
        assertEquals("no_available_channel", error.error().code());
        assertTrue(error.headers().containsKey("Retry-After"));
        assertEquals(List.of(), tried);
    }

    private Failover failover(int maxAttempts) {
        return new Failover(this::lease, upstream, Clock.systemUTC(), maxAttempts, Duration.ofSeconds(10), breakers,
                metrics);
    }

    private Optional<AdapterLease> lease(String provider) {
        if (provider.equals("missing")) {
            return Optional.empty();
        }
        return Optional.of(new AdapterLease(new Unused(), provider + "@1.0", () -> leases.add(provider + " closed"),
                failed -> leases.add(provider + (failed ? " failed" : " worked"))));
    }

    /** Calls the adapter as the real attempts do, then answers as {@code behaviour} says (by channel). */
    private Failover.Attempt<String> attempt(Map<String, Runnable> behaviour) {
        return (serving, adapter, ctx) -> {
            String channel = serving.target().channel().name();
            tried.add(channel);
            behaviour.getOrDefault(channel, () -> { }).run();
            return "answer from " + channel;
        };
    }

    private static ProviderException failure(ProviderFailure.Kind kind) {
        return new ProviderException(ProviderFailure.of(kind, kind + " (test)"));
    }

    private static List<Target> plan(String... channels) {
        return java.util.Arrays.stream(channels).map(c -> target(c, "p-" + c)).toList();
    }

    private static Target target(String channel, String provider) {
        ProviderSettings settings = new ProviderSettings(channel, "", "secret", Duration.ofSeconds(1),
                Duration.ofSeconds(2), Map.of());
        return new Target(new ChannelRoute(channel.hashCode(), channel, provider, settings), "model-" + channel, 0, 1);
    }

    /** The attempts never reach the adapter's methods in these tests. */
    private static final class Unused implements ProviderAdapter {
        @Override
        public ProviderInfo info() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ChatResponse chat(ChatRequest request, CallContext ctx) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stream(ChatRequest request, CallContext ctx, Consumer<ChatChunk> out) {
            throw new UnsupportedOperationException();
        }
    }
}
