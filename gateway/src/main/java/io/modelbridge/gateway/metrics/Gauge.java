package io.modelbridge.gateway.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A Prometheus gauge family read at scrape time: label values to current value. */
record Gauge(String name, String help, List<String> labels, Supplier<Map<List<String>, Double>> values)
        implements MetricFamily {
    @Override
    public void write(StringBuilder out) {
        PrometheusText.header(out, name, help, "gauge");
        values.get().forEach((labelValues, value) -> PrometheusText.sample(out, name, labels, labelValues, value));
    }
}
