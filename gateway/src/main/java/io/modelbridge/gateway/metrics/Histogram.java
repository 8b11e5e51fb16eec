package io.modelbridge.gateway.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram family with fixed bucket bounds (in seconds), one set of buckets per label values. */
public final class Histogram implements MetricFamily {
    private final String name;
    private final String help;
    private final List<String> labels;
    private final double[] bounds;
    private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

    Histogram(String name, String help, List<String> labels, double... bounds) {
        this.name = name;
        this.help = help;
        this.labels = List.copyOf(labels);
        this.bounds = bounds.clone();
    }

    public void observe(double value, String... labelValues) {
        Series s = series.computeIfAbsent(PrometheusText.key(labels, labelValues), k -> new Series(bounds.length));
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                s.buckets[i].increment();
                break;
            }
        }
        s.count.increment();
        s.sum.add(value);
    }

    @Override
    public void write(StringBuilder out) {
        PrometheusText.header(out, name, help, "histogram");
        List<String> withLe = new ArrayList<>(labels);
        withLe.add("le");
        series.forEach((values, s) -> {
            long cumulative = 0;
            List<String> v = new ArrayList<>(values);
            v.add("");
            for (int i = 0; i < bounds.length; i++) {
                cumulative += s.buckets[i].sum();
                v.set(v.size() - 1, PrometheusText.number(bounds[i]));
                PrometheusText.sample(out, name + "_bucket", withLe, v, cumulative);
            }
            long count = s.count.sum();
            v.set(v.size() - 1, "+Inf");
            PrometheusText.sample(out, name + "_bucket", withLe, v, count);
            PrometheusText.sample(out, name + "_sum", labels, values, s.sum.sum());
            PrometheusText.sample(out, name + "_count", labels, values, count);
        });
    }

    private static final class Series {
        final LongAdder[] buckets;
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Series(int n) {
            buckets = new LongAdder[n];
            for (int i = 0; i < n; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }
}
