package io.modelbridge.testkit.bench;

/** Percentiles of one latency distribution, in milliseconds. */
record LatencyStats(int count, double p50, double p90, double p99, double p999, double max, double mean) {

    static LatencyStats of(long[] sortedNanos) {
        double sum = 0;
        for (long v : sortedNanos) {
            sum += v;
        }
        int n = sortedNanos.length;
        return new LatencyStats(n, ms(Samples.quantile(sortedNanos, 0.50)), ms(Samples.quantile(sortedNanos, 0.90)),
                ms(Samples.quantile(sortedNanos, 0.99)), ms(Samples.quantile(sortedNanos, 0.999)),
                n == 0 ? 0 : ms(sortedNanos[n - 1]), n == 0 ? 0 : sum / n / 1e6);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
