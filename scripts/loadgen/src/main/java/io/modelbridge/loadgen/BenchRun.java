package io.modelbridge.loadgen;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;

/**
 * The benchmark run that {@code scripts/benchmark} starts once the fake upstream, nginx and the gateway are up:
 * the same load through the three paths, phase by phase, then the result files in docs/benchmarks/.
 */
public final class BenchRun {
    private static final long STARTED = System.nanoTime();
    /** The gateway counts as warm when its JIT compiler takes less than this share of its CPU. */
    private static final double MAX_JIT_SHARE = 0.05;
    private final BenchOptions o;
    private final CpuMeter cpu;
    private final Map<String, Map<String, Double>> cpuByPhase = new LinkedHashMap<>();
    private final List<JfrSummary.Window> gatewayPhases = new ArrayList<>();
    private final Map<String, Map<String, long[]>> gatewayThreads = new LinkedHashMap<>();
    private long gatewayRequests;
    private double warmUpSeconds;
    private double lastWarmUpJitShare;

    /** One round of a phase against one path. */
    private interface Phase<R> {
        R run(Target target, Duration duration) throws Exception;
    }

    private BenchRun(BenchOptions o) {
        this.o = o;
        this.cpu = new CpuMeter(List.of(new CpuMeter.Group("generator", ProcessHandle.current().pid(), ""),
                new CpuMeter.Group("upstream", o.upstreamPid(), ""), new CpuMeter.Group("nginx", o.nginxPid(), ""),
                new CpuMeter.Group("gateway", o.gatewayPid(), ""), new CpuMeter.Group("postgres", 0, o.postgresMarker())));
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, System.getenv());
        } catch (CommandLine.ParameterException e) {
            System.err.println(e.getMessage());
            e.getCommandLine().usage(System.err);
            System.exit(2);
            return;
        }
        new BenchRun(options).run();
    }

    private void run() throws Exception {
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long t0 = System.nanoTime();
        String loadStart = Machine.loadAverage();
        AdminProbe admin = new AdminProbe(o);
        Governance governance = admin.probe();
        gatewayRequests = 1;
        log("probe through the gateway: HTTP %d, rate-limit headers %s, quota %s", governance.probeStatus(),
                governance.rateLimitHeaders(), governance.quotaBefore());
        warmUp();
        BenchOptions.Load load = o.load();
        BenchOptions.Durations d = o.durations();
        List<RequestResult> closed = everyPath(Report.CLOSED, d.closed(), RequestResult::combine,
                (t, time) -> ClosedLoop.run(t, load.connections(), time));
        List<RequestResult> open = everyPath(Report.OPEN, d.open(), RequestResult::combine,
                (t, time) -> OpenLoop.run(t, load.ratePerSecond(), load.connections(), time));
        List<StreamResult> streams = everyPath(Report.STREAMS, d.streams(), StreamResult::combine,
                (t, time) -> StreamLoad.run(t, load.streamConcurrency(), time, load.chunks()));
        SlowResult slow = slowStreams();
        gatewayRequests += slow.requested();
        long rows = admin.awaitUsageRows(gatewayRequests, load.slowInterval().plusSeconds(20));
        governance = governance.after(admin.quotaBalance(), rows, gatewayRequests);
        Report report = new Report(o, Machine.describe(o), started, (System.nanoTime() - t0) / 6e10, loadStart,
                Machine.loadAverage(), new Report.WarmUp(warmUpSeconds, lastWarmUpJitShare), closed, open, streams, slow,
                cpuByPhase, gatewayThreads, governance);
        write(report);
    }

    /** Many long-lived streams through the gateway only: how many it holds, and the heap they take. */
    private SlowResult slowStreams() throws Exception {
        BenchOptions.Load load = o.load();
        CpuMeter.Snapshot before = cpu.snapshot();
        Map<String, long[]> threadsBefore = ThreadCpu.snapshot(o.gatewayPid());
        Instant start = Instant.now();
        SlowResult slow = SlowStreams.run(o.gateway(), load.slowStreams(), load.slowOpenPerSecond(),
                o.durations().slowHold(), o.gatewayPid());
        gatewayPhases.add(new JfrSummary.Window("modelbridge · slow streams", start, Instant.now()));
        ThreadCpu.accumulate(threadsBefore, ThreadCpu.snapshot(o.gatewayPid()),
                gatewayThreads.computeIfAbsent("slow streams", k -> new LinkedHashMap<>()));
        cpuByPhase.put("slow streams · modelbridge", CpuMeter.Usage.between(before, cpu.snapshot()).cores());
        log("slow streams: %,d tried%s, %,d opened in %.1f s, %,d alive after the hold, %d failed%s; heap %.0f -> %.0f MiB",
                slow.requested(), slow.cap().isEmpty() ? "" : " (" + slow.cap() + ")", slow.opened(), slow.rampSeconds(),
                slow.alive(), slow.failed(), slow.firstError().isEmpty() ? "" : " (" + slow.firstError() + ")",
                slow.heapBefore() / 1048576.0, slow.heapDuring() / 1048576.0);
        return slow;
    }

    private void warmUp() throws Exception {
        BenchOptions.Durations d = o.durations();
        for (Target t : List.of(o.floor(), o.nginx())) {
            warmSlice(t, d.warmOther(), d.warmStreams());
        }
        long start = System.nanoTime();
        double jitShare = 1;
        while (System.nanoTime() - start < d.warmGatewayMax().toNanos()
                && (jitShare > MAX_JIT_SHARE || System.nanoTime() - start < d.warmGatewayMin().toNanos())) {
            Map<String, long[]> before = ThreadCpu.snapshot(o.gatewayPid());
            warmSlice(o.gateway(), Duration.ofSeconds(4), Duration.ofSeconds(1));
            Map<String, long[]> used = new LinkedHashMap<>();
            ThreadCpu.accumulate(before, ThreadCpu.snapshot(o.gatewayPid()), used);
            double total = used.values().stream().mapToDouble(ThreadCpu::seconds).sum();
            jitShare = total == 0 ? 1 : ThreadCpu.seconds(used.get(ThreadCpu.JIT)) / total;
            log("  the gateway's JIT compiler used %.0f %% of its CPU in that slice", jitShare * 100);
        }
        warmUpSeconds = (System.nanoTime() - start) / 1e9;
        lastWarmUpJitShare = jitShare;
    }

    /** Non-streamed requests, then a few streams, through one path. */
    private void warmSlice(Target t, Duration requests, Duration streams) throws Exception {
        RequestResult r = ClosedLoop.run(t, o.load().warmConnections(), requests);
        StreamResult s = StreamLoad.run(t, 10, streams, o.load().chunks());
        count(t, r);
        count(t, s);
        log("warm-up %s: %,.0f req/s, %d errors%s; %d streams, %d errors%s", t.name(), r.throughput(), r.errors(),
                r.firstError() == null ? "" : " (" + r.firstError() + ")", s.ok(), s.errors(),
                s.firstError() == null ? "" : " (" + s.firstError() + ")");
    }

    /**
     * Runs a phase on every path in rounds (floor, nginx, ModelBridge, floor, ...), so that changes in the
     * machine's background load hit the three paths alike; records the CPU each process used and, for the
     * gateway, the time windows of its flight recording.
     */
    private <R extends PhaseResult> List<R> everyPath(String phase, Duration total, Function<List<R>, R> combine,
                                                      Phase<R> body) throws Exception {
        int rounds = o.durations().rounds();
        Duration slice = total.dividedBy(rounds);
        Map<Target, List<R>> parts = new LinkedHashMap<>();
        Map<Target, CpuMeter.Usage> usage = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Target t : o.targets()) {
                CpuMeter.Snapshot before = cpu.snapshot();
                Map<String, long[]> threadsBefore = ThreadCpu.snapshot(o.gatewayPid());
                Instant start = Instant.now();
                R r = body.run(t, slice);
                if (t == o.gateway()) {
                    gatewayPhases.add(new JfrSummary.Window("modelbridge · " + phase, start, Instant.now()));
                    ThreadCpu.accumulate(threadsBefore, ThreadCpu.snapshot(o.gatewayPid()),
                            gatewayThreads.computeIfAbsent(phase, k -> new LinkedHashMap<>()));
                }
                usage.merge(t, CpuMeter.Usage.between(before, cpu.snapshot()), CpuMeter.Usage::plus);
                parts.computeIfAbsent(t, k -> new ArrayList<>()).add(r);
                count(t, r);
                Thread.sleep(500);
            }
        }
        List<R> results = new ArrayList<>();
        for (Target t : o.targets()) {
            R r = combine.apply(parts.get(t));
            results.add(r);
            cpuByPhase.put(phase + " · " + t.name(), usage.get(t).cores());
            log("%s, %s: %s", phase, t.name(), summary(r));
        }
        return results;
    }

    private void count(Target t, PhaseResult r) {
        if (t == o.gateway()) {
            gatewayRequests += r.attempts();
        }
    }

    private void write(Report report) throws Exception {
        Path out = o.out();
        Files.createDirectories(out);
        List<Verdict> verdicts = Verdict.of(report);
        Files.writeString(out.resolve("results.json"), ResultJson.write(report, verdicts), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("results.md"), ResultMarkdown.write(report, verdicts), StandardCharsets.UTF_8);
        LatencyPlot.write(out.resolve("latency.png"), List.of(
                panel(f("Non-streamed, %d req/s (open loop)", o.load().ratePerSecond()),
                        report.open().stream().map(RequestResult::latencyNanos).toList()),
                panel(f("Non-streamed, %d connections", o.load().connections()),
                        report.closed().stream().map(RequestResult::latencyNanos).toList()),
                panel(f("Streams: time to first chunk (%d at a time)", o.load().streamConcurrency()),
                        report.streams().stream().map(StreamResult::ttftNanos).toList()),
                panel(f("Streams: gap between chunks (sent %d ms apart)", o.load().chunkInterval().toMillis()),
                        report.streams().stream().map(StreamResult::gapNanos).toList())));
        if (!o.jfrName().isEmpty()) {
            Path jfr = o.work().resolve("gateway.jfr");
            ProcessProbe.stopFlightRecording(o.gatewayPid(), o.jfrName(), jfr);
            Files.writeString(out.resolve("profile.md"), ProfilePage.markdown(report, JfrSummary.markdown(jfr,
                    gatewayPhases)), StandardCharsets.UTF_8);
        } else {
            Files.writeString(out.resolve("profile.md"), ProfilePage.markdown(report, "(no flight recording: run "
                    + "without --no-jfr for the per-phase samples)\n"), StandardCharsets.UTF_8);
        }
        verdicts.forEach(v -> log("%-45s goal %-18s actual %s -> %s %s", v.target(), v.goal(), v.actual(), v.result(),
                v.note()));
        log("results in %s (results.md, results.json, latency.png%s)", out, o.jfrName().isEmpty() ? "" : ", profile.md");
    }

    private LatencyPlot.Panel panel(String title, List<Histogram> nanos) {
        return new LatencyPlot.Panel(title, o.targets().stream().map(Target::name).toList(), nanos);
    }

    private static String summary(PhaseResult r) {
        return switch (r) {
            case RequestResult x -> f("%,.0f req/s, p50 %.3f ms, p99 %.3f ms, %d errors%s", x.throughput(),
                    x.stats().p50(), x.stats().p99(), x.errors(), x.firstError() == null ? "" : " (" + x.firstError() + ")");
            case StreamResult s -> f("%d streams, TTFT p50 %.3f ms, gap p99 %.3f ms, %d errors%s", s.ok(), s.ttft().p50(),
                    s.gaps().p99(), s.errors(), s.firstError() == null ? "" : " (" + s.firstError() + ")");
            default -> r.toString();
        };
    }

    private static void log(String format, Object... args) {
        System.out.println(f("[bench %5.0fs] ", (System.nanoTime() - STARTED) / 1e9) + f(format, args));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
