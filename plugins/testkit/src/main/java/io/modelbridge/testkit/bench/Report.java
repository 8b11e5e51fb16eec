package io.modelbridge.testkit.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Everything one run measured, in the order the result files show it. */
record Report(BenchOptions options, Map<String, Object> machine, Instant startedAt, double minutes, String loadStart,
              String loadEnd, List<RequestResult> closed, List<RequestResult> open, List<StreamResult> streams,
              SlowResult slow, Map<String, Map<String, Double>> cpu, Governance governance) {

    RequestResult closed(String target) {
        return closed.stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow();
    }

    RequestResult open(String target) {
        return open.stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow();
    }

    StreamResult streams(String target) {
        return streams.stream().filter(r -> r.target().equals(target)).findFirst().orElseThrow();
    }
}
