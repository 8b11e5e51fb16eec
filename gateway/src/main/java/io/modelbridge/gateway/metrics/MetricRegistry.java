package io.modelbridge.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The gateway's metrics: a small façade over Micrometer's Prometheus registry (names are given as scraped, e.g.
 * {@code _total} on counters), plus the content negotiation of {@code GET /metrics}.
 */
public class MetricRegistry implements AutoCloseable {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<LabelledGauge> labelledGauges = new CopyOnWriteArrayList<>();
    private final ReentrantLock scrapeLock = new ReentrantLock();

    /** {@code name} as scraped, ending in {@code _total}. */
    public Counter counter(String name, String help, String... labels) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        return new Counter(registry, name, help, List.of(labels));
    }

    public Histogram histogram(String name, String help, List<String> labels, double... bounds) {
        return new Histogram(registry, notReserved(name), help, labels, bounds);
    }

    /**
     * A gauge family read at scrape time: label values to current value. A name ending in {@code _info} is an info
     * family: each label set listed is scraped with the value 1.
     */
    public void gauge(String name, String help, List<String> labels, Supplier<Map<List<String>, Double>> values) {
        notReserved(name);
        if (name.endsWith(InfoFamily.SUFFIX)) {
            registry.getPrometheusRegistry().register(new InfoFamily(name, help, labels, values));
        } else {
            labelledGauges.add(new LabelledGauge(registry, name, help, labels, values));
        }
    }

    /** A gauge without labels, read at scrape time. */
    public void gauge(String name, String help, Supplier<Double> value) {
        notReserved(name);
        Gauge.builder(name, value, v -> v.get()).description(help).strongReference(true).register(registry);
    }

    /** Micrometer's Prometheus naming would silently rename these (drop or add the suffix): refuse them. */
    private static String notReserved(String name) {
        for (String suffix : List.of("_total", "_created", "_bucket")) {
            if (name.endsWith(suffix)) {
                throw new IllegalArgumentException(name + " would be renamed when scraped: no " + suffix + " here");
            }
        }
        return name;
    }

    /** For Micrometer binders (JVM, process, connection pool). */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** The Prometheus text format 0.0.4. */
    public String scrape() {
        return scrape(null);
    }

    /** OpenMetrics when the Accept header asks for it, else the Prometheus text format 0.0.4. */
    public String scrape(String accept) {
        scrapeLock.lock(); // one scrape at a time reads the labelled gauges' sources
        try {
            labelledGauges.forEach(LabelledGauge::refresh);
            return registry.scrape(contentType(accept));
        } finally {
            scrapeLock.unlock();
        }
    }

    public static String contentType() {
        return PROMETHEUS_TEXT;
    }

    public static String contentType(String accept) {
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("application/openmetrics-text") ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    }

    @Override
    public void close() {
        registry.close();
    }
}
