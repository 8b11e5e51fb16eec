package io.modelbridge.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A gauge family whose label sets come and go (channels, plugins): read once per scrape, before the registry is
 * written; a series whose labels the source no longer reports disappears.
 */
final class LabelledGauge {
    private final Labels labels;
    private final Supplier<Map<List<String>, Double>> source;
    private final MultiGauge gauge;
    private volatile Map<List<String>, Double> current = Map.of();

    LabelledGauge(MeterRegistry registry, String name, String help, List<String> labels,
                  Supplier<Map<List<String>, Double>> source) {
        this.labels = new Labels(labels);
        this.source = source;
        this.gauge = MultiGauge.builder(name).description(help).register(registry);
    }

    void refresh() {
        Map<List<String>, Double> now = Map.copyOf(source.get());
        current = now;
        // rows read the snapshot, so a series is only (un)registered when its label set appears or goes
        gauge.register(now.keySet().stream().map(key -> MultiGauge.Row.of(labels.tags(key),
                () -> current.getOrDefault(key, Double.NaN))).toList(), false);
    }
}
