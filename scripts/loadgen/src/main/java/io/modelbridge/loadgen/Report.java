package io.modelbridge.loadgen;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Everything one run measured, in the order the result files show it. */
record Report(BenchOptions options, Map<String, Object> machine, Instant startedAt, double minutes, String loadStart,
              String loadEnd, WarmUp warmUp, List<RequestResult> closed, List<RequestResult> open, List<StreamResult> streams,
              SlowResult slow, Map<String, Map<String, Double>> cpu, Map<String, Map<String, long[]>> gatewayThreads,
              Governance governance) {

    /** How long the gateway was warmed up, and the JIT compiler's share of its CPU at the end of it. */
    record WarmUp(double seconds, double jitShare) {}

    static final String CLOSED = "fixed concurrency";
    static final String OPEN = "fixed rate";
    static final String STREAMS = "streams";

    /**
     * CPU microseconds per answered request used by the given process groups (see {@link CpuMeter}) in a phase on
     * a path. Unlike throughput on a shared machine, this hardly depends on what else runs.
     */
    double cpuMicrosPerRequest(String phase, RequestResult r, String... groups) {
        Map<String, Double> cores = cpu.getOrDefault(phase + " · " + r.target(), Map.of());
        double sum = Arrays.stream(groups).mapToDouble(g -> cores.getOrDefault(g, 0.0)).sum();
        return r.ok() == 0 ? 0 : sum * r.seconds() / r.ok() * 1e6;
    }

    /** The proxy's own CPU per request in the fixed-concurrency phase (gateway + its database, or nginx). */
    double proxyMicrosPerRequest(String target) {
        return target.equals("modelbridge") ? cpuMicrosPerRequest(CLOSED, closed(target), "gateway", "postgres")
                : cpuMicrosPerRequest(CLOSED, closed(target), target.equals("nginx") ? "nginx" : "upstream");
    }

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
