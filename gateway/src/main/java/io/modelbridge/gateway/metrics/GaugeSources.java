package io.modelbridge.gateway.metrics;

import io.modelbridge.gateway.health.DatabaseHealth;
import io.modelbridge.gateway.http.InFlight;
import io.modelbridge.gateway.plugin.PluginHost;
import io.modelbridge.gateway.routing.CircuitBreakers;
import io.modelbridge.gateway.routing.RouteTable;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The gauges, read from the parts that own the state when /metrics is scraped. */
public final class GaugeSources {
    private GaugeSources() {}

    public static void register(MetricRegistry metrics, Supplier<RouteTable> routes, CircuitBreakers breakers,
                                PluginHost plugins, UsageRecorder usage, DatabaseHealth db, InFlight inFlight) {
        metrics.gauge("modelbridge_circuit_breaker_state",
                "1 for the state each channel's circuit breaker is in (closed, open, half_open), else 0",
                List.of("channel", "state"), () -> {
                    Map<List<String>, Double> values = new LinkedHashMap<>();
                    for (String channel : routes.get().channels().keySet()) {
                        CircuitBreakers.State now = breakers.snapshot(channel).state();
                        for (CircuitBreakers.State s : CircuitBreakers.State.values()) {
                            values.put(List.of(channel, s.name().toLowerCase(java.util.Locale.ROOT)), now == s ? 1.0 : 0.0);
                        }
                    }
                    return values;
                });
        metrics.gauge("modelbridge_plugin_info", "1 per loaded plugin, labelled with its version and state",
                List.of("plugin", "version", "state"), () -> {
                    Map<List<String>, Double> values = new LinkedHashMap<>();
                    plugins.list().forEach(p -> values.put(List.of(p.id(), String.valueOf(p.version()), p.state()), 1.0));
                    return values;
                });
        metrics.gauge("modelbridge_usage_write_backlog",
                "Usage rows not yet in the database (queued, being written, or kept in the spill file)",
                () -> (double) usage.backlog());
        metrics.gauge("modelbridge_usage_rows_spilled", "Usage rows kept in the spill file until the database answers",
                () -> (double) usage.spilled());
        metrics.gauge("modelbridge_usage_rows_held", "Usage rows kept in memory because neither the database nor the "
                + "spill file took them (a full disk); lost if the process dies", () -> (double) usage.held());
        metrics.gauge("modelbridge_usage_rows_dropped", "Usage rows dropped because the backlog was full (since start)",
                () -> (double) usage.dropped());
        metrics.gauge("modelbridge_database_up", "1 when the database answers, else 0", () -> db.up() ? 1.0 : 0.0);
        metrics.gauge("modelbridge_requests_in_flight", "API requests being served, streams included",
                () -> (double) inFlight.count());
    }
}
