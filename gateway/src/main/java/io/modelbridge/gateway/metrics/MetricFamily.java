package io.modelbridge.gateway.metrics;

/** One metric family, written in the Prometheus text exposition format (version 0.0.4). */
interface MetricFamily {
    void write(StringBuilder out);
}
