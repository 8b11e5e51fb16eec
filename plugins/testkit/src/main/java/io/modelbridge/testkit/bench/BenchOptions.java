package io.modelbridge.testkit.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one benchmark run does, from the command line of {@code scripts/benchmark} plus the environment (keys are
 * passed there, never on a command line). {@code --quick} shortens every phase for a smoke run of about a minute.
 */
record BenchOptions(boolean quick, Target floor, Target nginx, Target gateway, long gatewayPid, long upstreamPid,
                    long nginxPid, String postgresMarker, String adminUrl, String adminToken, Path out, Path work,
                    String jfrName, String commit, String nginxVersion, Durations durations, Load load) {

    /**
     * How long each phase runs per path, split into {@code rounds} that take the paths in turn. The gateway warms
     * up until its JIT compiler has settled, for at least {@code warmGatewayMin} and at most {@code warmGatewayMax}.
     */
    record Durations(Duration warmGatewayMin, Duration warmGatewayMax, Duration warmOther, Duration warmStreams,
                     Duration closed, Duration open, Duration streams, Duration slowHold, int rounds) {}

    /** The shape of the load; chunks and intervals must match what the fake upstream was started with. */
    record Load(int connections, int warmConnections, int ratePerSecond, int streamConcurrency, int chunks,
                Duration chunkInterval, Duration slowInterval, int slowStreams, int slowOpenPerSecond) {}

    static BenchOptions parse(String[] argv, java.util.Map<String, String> env) {
        Args a = new Args(argv);
        boolean quick = a.flag("--quick");
        Duration slowInterval = Duration.ofMillis(a.longValue("--slow-interval-ms", quick ? 2000 : 5000));
        Load load = new Load(64, 32, 500, 50, a.integer("--chunks", 20),
                Duration.ofMillis(a.longValue("--chunk-interval-ms", 20)), slowInterval,
                a.integer("--slow-streams", quick ? 1000 : 10_000), 1000);
        Duration hold = slowInterval.plusSeconds(quick ? 1 : 3);
        Durations d = quick
                ? new Durations(s(6), s(10), s(2), s(1), s(3), s(4), s(3), hold, 1)
                : new Durations(s(12), s(60), s(4), s(2), s(15), s(12), s(9), hold, 3);
        return new BenchOptions(quick,
                Target.parse("floor", a.required("--floor"), env.getOrDefault("BENCH_UPSTREAM_KEY", "")),
                Target.parse("nginx", a.required("--nginx"), env.getOrDefault("BENCH_UPSTREAM_KEY", "")),
                Target.parse("modelbridge", a.required("--gateway"), env.getOrDefault("BENCH_MB_KEY", "")),
                a.longValue("--gateway-pid", 0), a.longValue("--upstream-pid", 0), a.longValue("--nginx-pid", 0),
                a.text("--postgres-marker", ""), a.required("--admin-url"), env.getOrDefault("MB_ADMIN_TOKEN", ""),
                Path.of(a.text("--out", "docs/benchmarks")), Path.of(a.required("--work")), a.text("--jfr-name", ""),
                a.text("--commit", "unknown"), a.text("--nginx-version", "unknown"), d, load);
    }

    List<Target> targets() {
        return List.of(floor, nginx, gateway);
    }

    private static Duration s(int seconds) {
        return Duration.ofSeconds(seconds);
    }
}
