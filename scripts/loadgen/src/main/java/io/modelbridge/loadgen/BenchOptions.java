package io.modelbridge.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    /** The command line of {@code BenchRun}. */
    @Command(name = "BenchRun", description = "The benchmark's load phases, started by scripts/benchmark.")
    static final class CommandLineOptions {
        @Option(names = "--quick", description = "every phase short: a smoke run of about a minute")
        boolean quick;
        @Option(names = "--floor", required = true, paramLabel = "HOST:PORT", description = "the fake upstream")
        String floor;
        @Option(names = "--nginx", required = true, paramLabel = "HOST:PORT")
        String nginx;
        @Option(names = "--gateway", required = true, paramLabel = "HOST:PORT")
        String gateway;
        @Option(names = "--admin-url", required = true)
        String adminUrl;
        @Option(names = "--work", required = true, description = "the run's scratch folder")
        Path work;
        @Option(names = "--out", defaultValue = "docs/benchmarks")
        Path out;
        @Option(names = "--gateway-pid", defaultValue = "0")
        long gatewayPid;
        @Option(names = "--upstream-pid", defaultValue = "0")
        long upstreamPid;
        @Option(names = "--nginx-pid", defaultValue = "0")
        long nginxPid;
        @Option(names = "--postgres-marker", defaultValue = "")
        String postgresMarker;
        @Option(names = "--jfr-name", defaultValue = "")
        String jfrName;
        @Option(names = "--commit", defaultValue = "unknown")
        String commit;
        @Option(names = "--nginx-version", defaultValue = "unknown")
        String nginxVersion;
        @Option(names = "--chunks", defaultValue = "20")
        int chunks;
        @Option(names = "--chunk-interval-ms", defaultValue = "20")
        long chunkIntervalMillis;
        @Option(names = "--slow-interval-ms", description = "default 5000, 2000 with --quick")
        Long slowIntervalMillis;
        @Option(names = "--slow-streams", description = "default 10000, 1000 with --quick")
        Integer slowStreams;
    }

    /** Throws picocli's {@link CommandLine.ParameterException}, which says what is wrong, on a bad command line. */
    static BenchOptions parse(String[] argv, Map<String, String> env) {
        CommandLineOptions a = CommandLine.populateCommand(new CommandLineOptions(), argv);
        boolean quick = a.quick;
        Duration slowInterval = Duration.ofMillis(a.slowIntervalMillis != null ? a.slowIntervalMillis : quick ? 2000 : 5000);
        Load load = new Load(64, 32, 500, 50, a.chunks, Duration.ofMillis(a.chunkIntervalMillis), slowInterval,
                a.slowStreams != null ? a.slowStreams : quick ? 1000 : 10_000, 1000);
        Duration hold = slowInterval.plusSeconds(quick ? 1 : 3);
        Durations d = quick
                ? new Durations(s(6), s(10), s(2), s(1), s(3), s(4), s(3), hold, 1)
                : new Durations(s(12), s(60), s(4), s(2), s(15), s(12), s(9), hold, 3);
        String upstreamKey = env.getOrDefault("BENCH_UPSTREAM_KEY", "");
        return new BenchOptions(quick, Target.parse("floor", a.floor, upstreamKey),
                Target.parse("nginx", a.nginx, upstreamKey),
                Target.parse("modelbridge", a.gateway, env.getOrDefault("BENCH_MB_KEY", "")),
                a.gatewayPid, a.upstreamPid, a.nginxPid, a.postgresMarker, a.adminUrl, env.getOrDefault("MB_ADMIN_TOKEN", ""),
                a.out, a.work, a.jfrName, a.commit, a.nginxVersion, d, load);
    }

    List<Target> targets() {
        return List.of(floor, nginx, gateway);
    }

    private static Duration s(int seconds) {
        return Duration.ofSeconds(seconds);
    }
}
