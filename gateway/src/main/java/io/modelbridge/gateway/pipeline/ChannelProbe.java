package io.modelbridge.gateway.pipeline;

import io.modelbridge.db.repo.Channel;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.plugin.AdapterLease;
import io.modelbridge.gateway.plugin.PluginHost;
import io.modelbridge.gateway.routing.ChannelHealth;
import io.modelbridge.gateway.routing.ChannelRoute;
import io.modelbridge.gateway.routing.CircuitBreakers;
import io.modelbridge.gateway.routing.RouteLoader;
import io.modelbridge.gateway.upstream.UpstreamClients;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.Sampling;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The channel test: one short real chat request ("ping", at most 8 completion tokens) through the channel's
 * plugin and transport, whether or not the channel is enabled, reporting the latency or the error a client would
 * see. Does not count against the breaker; a success closes it.
 */
public final class ChannelProbe implements ChannelHealth {
    private static final int MAX_TOKENS = 8;
    private final PluginHost plugins;
    private final UpstreamClients upstream;
    private final RouteLoader routes;
    private final CircuitBreakers breakers;
    private final Clock clock;
    private final Duration timeout;

    public ChannelProbe(PluginHost plugins, UpstreamClients upstream, RouteLoader routes, CircuitBreakers breakers,
                        Clock clock, Duration timeout) {
        this.plugins = plugins;
        this.upstream = upstream;
        this.routes = routes;
        this.breakers = breakers;
        this.clock = clock;
        this.timeout = timeout;
    }

    @Override
    public CircuitBreakers.Snapshot breaker(String channel) {
        return breakers.snapshot(channel);
    }

    @Override
    public Probe probe(Channel record, String model) {
        ChannelRoute channel = routes.route(record);
        Optional<AdapterLease> lease = plugins.acquire(channel.provider());
        if (lease.isEmpty()) {
            return failed(0, model, ApiError.serverError(503, "provider_not_loaded", "provider '" + channel.provider()
                    + "' is not loaded (no started plugin provides it)."), null, 0);
        }
        ChatRequest ping = new ChatRequest(model, List.of(Message.of("user", "ping")), false, false,
                new Sampling(null, null, MAX_TOKENS, List.of(), null, null, null, null), List.of(), null, null, Map.of());
        long start = System.nanoTime();
        try (AdapterLease l = lease.get()) {
            CallContext ctx = new CallContext(channel.settings(), upstream.transportFor(channel.settings()),
                    clock.instant().plus(timeout), clock);
            Duration silence = channel.settings().connectTimeout().plus(channel.settings().readTimeout())
                    .plus(Duration.ofSeconds(1));
            CallWatchdog.watch(silence, ctx, watchdog -> l.adapter().chat(ping, ctx)); // the deadline holds here too
            breakers.reset(channel.name());
            return new Probe(true, millisSince(start), model, Optional.empty(), Optional.empty(), 0);
        } catch (ProviderException e) {
            return failed(millisSince(start), model, UpstreamErrors.toClient(e.failure(), channel.name()).error(),
                    e.failure().kind().name(), e.failure().upstreamStatus());
        } catch (RuntimeException | LinkageError e) { // LinkageError: a class missing from the plugin's jar, ...
            return failed(millisSince(start), model, ApiError.serverError(502, "provider_plugin_error", "channel '"
                    + channel.name() + "': the provider plugin failed (" + e.getClass().getSimpleName() + ")."), null, 0);
        }
    }

    private static Probe failed(long latency, String model, ApiError error, String kind, int status) {
        return new Probe(false, latency, model, Optional.of(error), Optional.ofNullable(kind), status);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
