package io.modelbridge.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A counter family: one monotonically growing value per combination of label values (a Micrometer counter each). */
public final class Counter {
    private final String name;
    private final String help;
    private final Labels labels;
    private final MeterRegistry registry;
    private final Map<List<String>, io.micrometer.core.instrument.Counter> series = new ConcurrentHashMap<>();

    Counter(MeterRegistry registry, String name, String help, List<String> labels) {
        this.registry = registry;
        this.name = name;
        this.help = help;
        this.labels = new Labels(labels);
        if (labels.isEmpty()) {
            series(List.of()); // scraped as 0 before the first event, as before
        }
    }

    /** Starts a series at 0, for label values known in advance (a rate over it then works from the first scrape). */
    public void init(String... labelValues) {
        series(labels.key(labelValues));
    }

    public void inc(String... labelValues) {
        add(1, labelValues);
    }

    public void add(double amount, String... labelValues) {
        if (amount > 0) {
            series(labels.key(labelValues)).increment(amount);
        }
    }

    private io.micrometer.core.instrument.Counter series(List<String> key) {
        return series.computeIfAbsent(key, k -> io.micrometer.core.instrument.Counter.builder(name).description(help)
                .tags(labels.tags(k)).register(registry));
    }
}
