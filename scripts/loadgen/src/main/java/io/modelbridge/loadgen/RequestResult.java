package io.modelbridge.loadgen;

import java.util.List;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/** Non-streamed requests through one path: successes, failures, the measured seconds and every latency (ns). */
record RequestResult(String target, long ok, long errors, double seconds, Histogram latencyNanos, String firstError)
        implements PhaseResult {
    @Override
    public long attempts() {
        return ok + errors;
    }

    /** The rounds of one path as one result. */
    static RequestResult combine(List<RequestResult> rounds) {
        return new RequestResult(rounds.getFirst().target(), rounds.stream().mapToLong(RequestResult::ok).sum(),
                rounds.stream().mapToLong(RequestResult::errors).sum(),
                rounds.stream().mapToDouble(RequestResult::seconds).sum(),
                LatencyStats.merge(rounds.stream().map(RequestResult::latencyNanos).toList()),
                rounds.stream().map(RequestResult::firstError).filter(Objects::nonNull).findFirst().orElse(null));
    }

    double throughput() {
        return ok / seconds;
    }

    LatencyStats stats() {
        return LatencyStats.of(latencyNanos);
    }
}
