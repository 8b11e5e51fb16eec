package io.modelbridge.gateway.pipeline;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
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
    private final PluginHost plugins;
    private final UpstreamClients upstream;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final CircuitBreakers breakers;

    public Failover(PluginHost plugins, UpstreamClients upstream, Clock clock, int maxAttempts, Duration requestTimeout,
                    CircuitBreakers breakers) {
        this.breakers = breakers;
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
    public <T> Served<T> run(List<Target> plan, Attempt<T> attempt, BooleanSupplier mayRetry, Consumer<Target> onTarget) {
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
                onTarget.accept(target);
                try (AdapterLease l = lease.get()) {
                    return new Served<>(target, call(target, l, attempt, p));
                } catch (ProviderException e) {
                    last = UpstreamErrors.toClient(e.failure(), target.channel().name());
                    LOG.info("Channel {} failed ({}): {}", target.channel().name(), e.failure().kind(), e.failure().message());
                    if (!e.failure().kind().failover() || !mayRetry.getAsBoolean()) {
                        throw last;
                    }
                } catch (ClientGoneException | GatewayException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.error("Plugin for provider {} threw on channel {}", target.channel().provider(), target.channel().name(), e);
                    last = new GatewayException(ApiError.serverError(502, "provider_plugin_error", "channel '"
                            + target.channel().name() + "': the provider plugin failed (" + e.getClass().getSimpleName() + ")."));
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
            T value = attempt.call(target, lease.adapter(), ctx);
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

    private static GatewayException providerMissing(Target target) {
        return new GatewayException(ApiError.serverError(503, "provider_not_loaded", "channel '"
                + target.channel().name() + "': provider '" + target.channel().provider()
                + "' is not loaded (no started plugin provides it)."));
    }
}
