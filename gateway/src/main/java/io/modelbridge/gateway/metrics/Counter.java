package io.modelbridge.gateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** A Prometheus counter family: one monotonically growing value per combination of label values. */
public final class Counter implements MetricFamily {
    private final String name;
    private final String help;
    private final List<String> labels;
    private final Map<List<String>, DoubleAdder> series = new ConcurrentHashMap<>();

    Counter(String name, String help, List<String> labels) {
        this.name = name;
        this.help = help;
        this.labels = List.copyOf(labels);
    }

    public void inc(String... labelValues) {
        add(1, labelValues);
    }

    public void add(double amount, String... labelValues) {
        if (amount > 0) {
            series.computeIfAbsent(PrometheusText.key(labels, labelValues), k -> new DoubleAdder()).add(amount);
        }
    }

    @Override
    public void write(StringBuilder out) {
        PrometheusText.header(out, name, help, "counter");
        series.forEach((values, value) -> PrometheusText.sample(out, name, labels, values, value.sum()));
    }
}
