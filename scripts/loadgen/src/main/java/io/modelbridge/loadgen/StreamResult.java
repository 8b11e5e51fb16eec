package io.modelbridge.loadgen;

import java.util.List;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * Streams through one path: complete streams, failed ones, time to the first content chunk and the gaps between
 * consecutive content chunks (nanoseconds).
 */
record StreamResult(String target, long ok, long errors, double seconds, Histogram ttftNanos, Histogram gapNanos,
                    String firstError) implements PhaseResult {
    @Override
    public long attempts() {
        return ok + errors;
    }

    /** The rounds of one path as one result. */
    static StreamResult combine(List<StreamResult> rounds) {
        return new StreamResult(rounds.getFirst().target(), rounds.stream().mapToLong(StreamResult::ok).sum(),
                rounds.stream().mapToLong(StreamResult::errors).sum(),
                rounds.stream().mapToDouble(StreamResult::seconds).sum(),
                LatencyStats.merge(rounds.stream().map(StreamResult::ttftNanos).toList()),
                LatencyStats.merge(rounds.stream().map(StreamResult::gapNanos).toList()),
                rounds.stream().map(StreamResult::firstError).filter(Objects::nonNull).findFirst().orElse(null));
    }

    LatencyStats ttft() {
        return LatencyStats.of(ttftNanos);
    }

    LatencyStats gaps() {
        return LatencyStats.of(gapNanos);
    }
}
