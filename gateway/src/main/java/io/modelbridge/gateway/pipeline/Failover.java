package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.plugin.AdapterLease;
import io.modelbridge.gateway.plugin.PluginHost;
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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a plan's targets in order until one serves the call. It moves on only for failures another channel may
 * not have (see {@link ProviderFailure.Kind#failover()}), at most {@code maxAttempts} times, and only while
 * {@code mayRetry} says nothing has reached the client yet. Channels whose circuit breaker is open are skipped, and
 * every outcome is reported to the breaker: a failure another channel may not have counts against the channel,
 * anything else (success, a request the vendor refused as invalid) counts for it.
 */
public final class Failover {
    private static final Logger LOG = LoggerFactory.getLogger(Failover.class);
    private static final Duration WATCHDOG_MARGIN = Duration.ofSeconds(1);
    private final PluginHost plugins;
    private final UpstreamClients upstream;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final CircuitBreakers breakers;
    private final GatewayMetrics metrics;
    private final PluginFailureLog failureLog = new PluginFailureLog();

    public Failover(PluginHost plugins, UpstreamClients upstream, Clock clock, int maxAttempts, Duration requestTimeout,
                    CircuitBreakers breakers, GatewayMetrics metrics) {
        this.breakers = breakers;
        this.metrics = metrics;
        this.plugins = plugins;
        this.upstream = upstream;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.requestTimeout = requestTimeout;
    }

    /** One call of an adapter on one target. */
    @FunctionalInterface
    public interface Attempt<T> {
        T call(Target target, ProviderAdapter adapter, CallContext ctx);
    }

    /**
     * @param onTarget told of each target as it is tried (for headers and usage rows)
     * @throws GatewayException the client-facing error of the last failure
     */
    public <T> UpstreamResult<T> run(List<Target> plan, Attempt<T> attempt, BooleanSupplier mayRetry,
                                     Consumer<ServingTarget> onTarget) {
        GatewayException last = null;
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
                onTarget.accept(serving);
                try (AdapterLease l = lease.get()) {
                    UpstreamResult<T> served = new UpstreamResult<>(serving, call(target, l, attempt, p));
                    l.pluginWorked();
                    return served;
                } catch (ProviderException e) {
                    lease.get().pluginWorked(); // the plugin classified a vendor failure: it works
                    last = CallerErrors.of(e.failure(), target.channel().name());
                    metrics.upstreamError(target.channel().name(), e.failure().kind());
                    LOG.info("Request {}: channel {} failed ({}): {}", RequestContext.id(), target.channel().name(),
                            e.failure().kind(), e.failure().message());
                    if (!e.failure().kind().failover() || !mayRetry.getAsBoolean()) {
                        throw last;
                    }
                } catch (ClientGoneException | GatewayException e) {
                    throw e;
                } catch (RuntimeException e) {
                    lease.get().pluginFailed();
                    metrics.pluginError(target.channel().name());
                    failureLog.report(serving.plugin(), target.channel().provider(), target.channel().name(), e);
                    last = CallerErrors.of(ApiError.serverError(502, "provider_plugin_error", "The provider plugin "
                            + "failed unexpectedly; the gateway log has the details."), target.channel().name());
                    if (!mayRetry.getAsBoolean()) {
                        throw last;
                    }
                }
            }
        }
        if (last != null) {
            throw last;
        }
        if (!cooling.isEmpty()) {
            long seconds = Math.max(1, (breakers.retryIn(cooling).toMillis() + 999) / 1000);
            throw new GatewayException(ApiError.serverError(503, "no_available_channel", "Every channel serving this "
                    + "model failed repeatedly and is cooling down; retry in " + seconds + " s."),
                    Map.of("Retry-After", String.valueOf(seconds)));
        }
        throw new GatewayException(ApiError.serverError(503, "no_available_channel", "No channel is available for this model."));
    }

    /** One attempt, its outcome reported to the channel's breaker. */
    private <T> T call(Target target, AdapterLease lease, Attempt<T> attempt, CircuitBreakers.Permit permit) {
        CallContext ctx = new CallContext(target.channel().settings(),
                upstream.transportFor(target.channel().settings()), clock.instant().plus(requestTimeout), clock);
        try {
            T value = watched(target, lease, attempt, ctx);
            permit.success();
            return value;
        } catch (ProviderException e) {
            if (e.failure().kind().failover()) {
                permit.failure();
            } else {
                permit.success();
            }
            throw e;
        } catch (ClientGoneException e) {
            permit.success(); // the channel was delivering
            throw e;
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            permit.failure();
            throw e;
        }
    }

    /**
     * Runs the attempt under a {@link CallWatchdog}: a plugin silent for longer than the channel's connect and read
     * timeouts together (plus a margin, so the transport's own timeouts fire first) is interrupted, and the attempt
     * fails as a timeout whatever the plugin does next. The same happens to any call still running at its deadline.
     */
    private static <T> T watched(Target target, AdapterLease lease, Attempt<T> attempt, CallContext ctx) {
        var settings = target.channel().settings();
        Duration silence = settings.connectTimeout().plus(settings.readTimeout()).plus(WATCHDOG_MARGIN);
        try (CallWatchdog watchdog = new CallWatchdog(silence, CallWatchdog.budget(ctx))) {
            T value;
            try {
                value = attempt.call(target, new WatchedAdapter(lease.adapter(), watchdog), ctx);
            } catch (RuntimeException e) {
                if (watchdog.fired()) {
                    throw hung(lease, watchdog);
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
