package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ClientGoneException;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.plugin.AdapterLease;
import io.modelbridge.gateway.routing.CircuitBreakers;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.gateway.upstream.UpstreamClients;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a plan's targets in order until one serves the call. It moves on only for failures another channel may
 * not have (see {@link ProviderFailure.Kind#failover()}), at most {@code maxAttempts} times, and only while nothing
 * has reached the client yet (an attempt says so by marking its failure, {@link AnswerStartedException}). Channels whose circuit breaker is open are skipped, and
 * every outcome is reported to the breaker: a failure another channel may not have counts against the channel,
 * anything else (success, a request the vendor refused as invalid) counts for it.
 */
public final class Failover {
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
    private static final Duration WATCHDOG_MARGIN = Duration.ofSeconds(1);
    private final AdapterSource plugins;
    private final UpstreamClients upstream;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final CircuitBreakers breakers;
    private final GatewayMetrics metrics;
    private final PluginFailureLog failureLog = new PluginFailureLog();

    public Failover(AdapterSource plugins, UpstreamClients upstream, Clock clock, int maxAttempts, Duration requestTimeout,
                    CircuitBreakers breakers, GatewayMetrics metrics) {
        this.breakers = breakers;
        this.metrics = metrics;
        this.plugins = plugins;
        this.upstream = upstream;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.requestTimeout = requestTimeout;
    }

    /** One call of an adapter on one target; it is handed the target and the plugin version serving it. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call(ServingTarget serving, ProviderAdapter adapter, CallContext ctx);
    }

    /**
     * Tries the plan. A failure the attempt marks with {@link AnswerStartedException} (part of the answer reached the
     * client) is final. Returns what happened, never throws the client-facing failure: {@link FailoverOutcome.Failed}
     * carries it.
     */
    public <T> FailoverOutcome<T> run(List<Target> plan, Attempt<T> attempt) {
        GatewayException last = null;
        Optional<ServingTarget> lastTried = Optional.empty();
        List<String> cooling = new ArrayList<>();
        int attempts = 0;
        for (Target target : plan) {
            if (attempts >= maxAttempts) {
                break;
            }
            Optional<CircuitBreakers.Permit> permit = breakers.tryAcquire(target.channel().name());
            if (permit.isEmpty()) {
                cooling.add(target.channel().name());
                continue;
            }
            try (CircuitBreakers.Permit p = permit.get()) {
                Optional<AdapterLease> lease = plugins.acquire(target.channel().provider());
                if (lease.isEmpty()) {
                    last = providerMissing(target);
                    continue;
                }
                attempts++;
                ServingTarget serving = new ServingTarget(target, lease.get().plugin());
                lastTried = Optional.of(serving);
                try (AdapterLease l = lease.get()) {
                    FailoverOutcome<T> served = new FailoverOutcome.Served<>(serving, call(serving, l, attempt, p));
                    l.pluginWorked();
                    return served;
                } catch (RuntimeException marked) {
                    boolean answerStarted = marked instanceof AnswerStartedException;
                    RuntimeException e = AnswerStartedException.cause(marked);
                    if (e instanceof ClientGoneException || e instanceof GatewayException) {
                        return new FailoverOutcome.Failed<>(lastTried, e);
                    }
                    last = failed(serving, lease.get(), e);
                    boolean mayMoveOn = !(e instanceof ProviderException pe) || pe.failure().kind().failover();
                    if (!mayMoveOn || answerStarted) {
                        return new FailoverOutcome.Failed<>(lastTried, last);
                    }
                }
            }
        }
        return new FailoverOutcome.Failed<>(lastTried, last != null ? last : noChannel(cooling));
    }

    /** Reports a failed attempt (metrics, plugin health, the log) and returns its client-facing error. */
    private GatewayException failed(ServingTarget serving, AdapterLease lease, RuntimeException e) {
        Target target = serving.target();
        if (e instanceof ProviderException pe) {
            lease.pluginWorked(); // the plugin classified a vendor failure: it works
            metrics.upstreamError(target.channel().name(), pe.failure().kind());
            LOG.info("Request {}: channel {} failed ({}): {}", RequestContext.id(), target.channel().name(),
                    pe.failure().kind(), pe.failure().message());
            return CallerErrors.of(pe.failure(), target.channel().name());
        }
        lease.pluginFailed();
        metrics.pluginError(target.channel().name());
        failureLog.report(serving.plugin(), target.channel().provider(), target.channel().name(), e);
        return CallerErrors.of(ApiError.serverError(502, "provider_plugin_error", "The provider plugin "
                + "failed unexpectedly; the gateway log has the details."), target.channel().name());
    }

    private GatewayException noChannel(List<String> cooling) {
        if (!cooling.isEmpty()) {
            long seconds = Math.max(1, (breakers.retryIn(cooling).toMillis() + 999) / 1000);
            return new GatewayException(ApiError.serverError(503, "no_available_channel", "Every channel serving this "
                    + "model failed repeatedly and is cooling down; retry in " + seconds + " s."),
                    Map.of("Retry-After", String.valueOf(seconds)));
        }
        return new GatewayException(ApiError.serverError(503, "no_available_channel", "No channel is available for this model."));
    }

    /** One attempt, its outcome reported to the channel's breaker. */
    private <T> T call(ServingTarget serving, AdapterLease lease, Attempt<T> attempt, CircuitBreakers.Permit permit) {
        Target target = serving.target();
        CallContext ctx = new CallContext(target.channel().settings(),
                upstream.transportFor(target.channel().settings()), clock.instant().plus(requestTimeout), clock);
        try {
            T value = watched(serving, lease, attempt, ctx);
            permit.success();
            return value;
        } catch (RuntimeException marked) {
            switch (AnswerStartedException.cause(marked)) {
                case ProviderException e when e.failure().kind().failover() -> permit.failure();
                case ProviderException e -> permit.success(); // the vendor refused the request: the channel works
                case ClientGoneException e -> permit.success(); // the channel was delivering
                case GatewayException e -> { }
                default -> permit.failure();
            }
            throw marked;
        }
    }

    /**
     * Runs the attempt under a {@link CallWatchdog}: a plugin silent for longer than the channel's connect and read
     * timeouts together (plus a margin, so the transport's own timeouts fire first) is interrupted, and the attempt
     * fails as a timeout whatever the plugin does next. The same happens to any call still running at its deadline.
     */
    private static <T> T watched(ServingTarget serving, AdapterLease lease, Attempt<T> attempt, CallContext ctx) {
        var settings = serving.target().channel().settings();
        Duration silence = settings.connectTimeout().plus(settings.readTimeout()).plus(WATCHDOG_MARGIN);
        try (CallWatchdog watchdog = new CallWatchdog(silence, CallWatchdog.budget(ctx))) {
            T value;
            try {
                value = attempt.call(serving, new WatchedAdapter(lease.adapter(), watchdog), ctx);
            } catch (RuntimeException e) {
                if (watchdog.fired()) {
                    ProviderException hung = hung(lease, watchdog);
                    throw e instanceof AnswerStartedException ? AnswerStartedException.wrap(hung) : hung;
                }
                throw e;
            }
            if (watchdog.fired()) {
                throw hung(lease, watchdog);
            }
            return value;
        }
    }

    private static ProviderException hung(AdapterLease lease, CallWatchdog watchdog) {
        ProviderException failure = watchdog.failure();
        LOG.warn("Request {}: plugin {} call was ended: {}", RequestContext.id(), lease.plugin(),
                failure.failure().message());
        return failure;
    }

    private static GatewayException providerMissing(Target target) {
        LOG.info("Request {}: channel {} cannot serve: provider '{}' is not loaded (no started plugin provides it)",
                RequestContext.id(), target.channel().name(), target.channel().provider());
        return CallerErrors.of(ApiError.serverError(503, "provider_not_loaded", "Provider '"
                + target.channel().provider() + "' serving this model is not loaded."), target.channel().name());
    }
}
