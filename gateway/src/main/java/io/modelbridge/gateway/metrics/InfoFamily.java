package io.modelbridge.gateway.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A family named {@code ..._info}: 1 per label set, read at scrape time. Micrometer's Prometheus naming strips the
 * reserved {@code _info} suffix from a gauge's name, so this one is a Prometheus info metric registered beside
 * Micrometer's meters: scraped as {@code name_info{...} 1} (TYPE gauge in the 0.0.4 text, info in OpenMetrics).
 */
record InfoFamily(String name, String help, List<String> labels, Supplier<Map<List<String>, Double>> values)
        implements Collector {
    static final String SUFFIX = "_info";

    @Override
    public MetricSnapshot collect() {
        MetricMetadata metadata = new MetricMetadata(name.substring(0, name.length() - SUFFIX.length()), help);
        return new InfoSnapshot(metadata, values.get().keySet().stream()
                .map(v -> new InfoSnapshot.InfoDataPointSnapshot(Labels.of(labels, v))).toList());
    }

    @Override
    public String getPrometheusName() {
        return name.substring(0, name.length() - SUFFIX.length());
    }
}
