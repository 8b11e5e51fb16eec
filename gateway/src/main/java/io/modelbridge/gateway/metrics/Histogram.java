package io.modelbridge.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A histogram of durations with fixed bucket bounds (in seconds), one set of buckets per label values: a Micrometer
 * timer whose service level objectives are the buckets, scraped as a Prometheus histogram in seconds.
 */
public final class Histogram {
    private final String name;
    private final String help;
    private final Labels labels;
    private final Duration[] bounds;
    private final MeterRegistry registry;
    private final Map<List<String>, Timer> series = new ConcurrentHashMap<>();

    Histogram(MeterRegistry registry, String name, String help, List<String> labels, double... boundsSeconds) {
        this.registry = registry;
        this.name = name;
        this.help = help;
        this.labels = new Labels(labels);
        this.bounds = Arrays.stream(boundsSeconds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9)))
                .toArray(Duration[]::new);
    }

    public void observe(double seconds, String... labelValues) {
        series.computeIfAbsent(labels.key(labelValues), k -> Timer.builder(name).description(help)
                .tags(labels.tags(k)).serviceLevelObjectives(bounds).register(registry))
                .record(Math.round(seconds * 1e9), TimeUnit.NANOSECONDS);
    }
}
