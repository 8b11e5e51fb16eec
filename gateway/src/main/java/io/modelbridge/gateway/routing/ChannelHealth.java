package io.modelbridge.gateway.routing;

import io.modelbridge.db.repo.Channel;
import io.modelbridge.gateway.error.ApiError;
import java.util.Optional;

/** What the admin API shows and does about a channel's health on this instance. */
public interface ChannelHealth {

    /**
     * The result of one test call.
     *
     * @param error          the error a client would have seen, when the call failed
     * @param kind           the failure class the plugin reported, e.g. {@code AUTH}, when the call failed
     * @param upstreamStatus the vendor's HTTP status on failure, 0 when there was none
     */
    record Probe(boolean ok, long latencyMillis, String model, Optional<ApiError> error, Optional<String> kind,
                 int upstreamStatus) {}

    CircuitBreakers.Snapshot breaker(String channel);

    /** Sends one minimal real chat request through the channel's plugin; a success closes the channel's breaker. */
    Probe probe(Channel channel, String model);

    /** No breakers and no plugins (an admin API without a gateway behind it). */
    static ChannelHealth none() {
        return new ChannelHealth() {
            @Override
            public CircuitBreakers.Snapshot breaker(String channel) {
                return new CircuitBreakers.Snapshot(CircuitBreakers.State.CLOSED, 0, Optional.empty());
            }

            @Override
            public Probe probe(Channel channel, String model) {
                return new Probe(false, 0, model, Optional.of(ApiError.serverError(503, "provider_not_loaded",
                        "No plugins are loaded here.")), Optional.empty(), 0);
            }
        };
    }
}
