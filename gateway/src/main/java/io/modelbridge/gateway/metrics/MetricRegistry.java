package io.modelbridge.gateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** The families a scrape writes, in registration order. */
public class MetricRegistry {
    private final List<MetricFamily> families = new CopyOnWriteArrayList<>();

    public Counter counter(String name, String help, String... labels) {
        return add(new Counter(name, help, List.of(labels)));
    }

    public Histogram histogram(String name, String help, List<String> labels, double... bounds) {
        return add(new Histogram(name, help, labels, bounds));
    }

    public void gauge(String name, String help, List<String> labels, Supplier<Map<List<String>, Double>> values) {
        add(new Gauge(name, help, labels, values));
    }

    /** A gauge without labels. */
    public void gauge(String name, String help, Supplier<Double> value) {
        add(new Gauge(name, help, List.of(), () -> Map.of(List.of(), value.get())));
    }

    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        families.forEach(f -> f.write(out));
        return out.toString();
    }

    public static String contentType() {
        return PrometheusText.CONTENT_TYPE;
    }

    private <T extends MetricFamily> T add(T family) {
        families.add(family);
        return family;
    }
}
