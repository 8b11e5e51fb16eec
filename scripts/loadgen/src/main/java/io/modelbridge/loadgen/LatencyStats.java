package io.modelbridge.loadgen;

import org.HdrHistogram.Histogram;

/** Percentiles of one latency distribution, in milliseconds. */
record LatencyStats(long count, double p50, double p90, double p99, double p999, double max, double mean) {

    /** A latency recorder in nanoseconds: three significant digits, any range. */
    static Histogram histogram() {
        return new Histogram(3);
    }

    static LatencyStats of(Histogram nanos) {
        return new LatencyStats(nanos.getTotalCount(), ms(nanos.getValueAtPercentile(50)),
                ms(nanos.getValueAtPercentile(90)), ms(nanos.getValueAtPercentile(99)),
                ms(nanos.getValueAtPercentile(99.9)), ms(nanos.getMaxValue()), nanos.getMean() / 1e6);
    }

    /** All the recordings of several histograms in one. */
    static Histogram merge(Iterable<Histogram> parts) {
        Histogram all = histogram();
        parts.forEach(all::add);
        return all;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
