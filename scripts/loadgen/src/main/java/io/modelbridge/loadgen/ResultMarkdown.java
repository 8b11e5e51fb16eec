package io.modelbridge.loadgen;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** docs/benchmarks/results.md: the targets table first, then the figures behind it. */
final class ResultMarkdown {
    private final StringBuilder md = new StringBuilder();
    private final Report r;

    private ResultMarkdown(Report r) {
        this.r = r;
    }

    static String write(Report r, List<Verdict> verdicts) {
        return new ResultMarkdown(r).render(verdicts);
    }

    private String render(List<Verdict> verdicts) {
        BenchOptions.Load load = r.options().load();
        line("# ModelBridge benchmark results");
        line("");
        line(f("Run of %s (%s mode, %.1f min, commit %s) on %s × %s, %s GiB, %s.", r.startedAt(),
                r.options().quick() ? "quick" : "full", r.minutes(), r.machine().get("commit"), r.machine().get("cpus"),
                r.machine().get("cpu_model"), r.machine().get("memory_gib"), r.machine().get("java")));
        line(f("**Load average** (`uptime`, 1/5/15 min) at the start: **%s**, at the end: **%s**. On a 2-core machine "
                + "anything above ~2 means other work competed with the benchmark: read the figures as ratios within "
                + "this run, not as absolutes. Method and analysis: [../benchmarks.md](../benchmarks.md).",
                r.loadStart(), r.loadEnd()));
        line(f("The gateway was warmed up for %.0f s (until its JIT compiler used under 5 %% of its CPU, or at most %d s); "
                + "in the last warm-up slice the JIT compiler took %.0f %%.", r.warmUp().seconds(),
                r.options().durations().warmGatewayMax().toSeconds(), r.warmUp().jitShare() * 100));
        line("");
        line("## Targets (issue 7)");
        line("");
        line("| target | goal | actual | result | note |");
        line("|---|---|---|---|---|");
        for (Verdict v : verdicts) {
            String result = v.result().equals(Verdict.PASS) ? "PASS" : "**" + v.result() + "**";
            line(f("| %s | %s | %s | %s | %s |", v.target(), v.goal(), v.actual(), result, v.note()));
        }
        requests(f("## Non-streamed requests, %d keep-alive connections (closed loop)", load.connections()), r.closed());
        cpuPerRequest();
        requests(f("## Non-streamed requests at %d req/s (open loop, latency from the intended send time)",
                load.ratePerSecond()), r.open());
        streams(load);
        slow(load);
        cpu();
        governance();
        line("");
        line("![latency distributions](latency.png)");
        return md.toString();
    }

    private void requests(String title, List<RequestResult> results) {
        line("");
        line(title);
        line("");
        line("| path | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | added p50 ms | added p99 ms | errors |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        LatencyStats floor = results.getFirst().stats();
        for (RequestResult x : results) {
            LatencyStats s = x.stats();
            line(f("| %s | %,.0f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %s | %d |", x.target(), x.throughput(), s.p50(),
                    s.p90(), s.p99(), s.p999(), s.max(), added(s.p50() - floor.p50(), x), added(s.p99() - floor.p99(), x),
                    x.errors()));
        }
        results.stream().filter(x -> x.firstError() != null)
                .forEach(x -> line(f("\nFirst error on %s: `%s`", x.target(), x.firstError().replace('`', '\''))));
    }

    private void cpuPerRequest() {
        line("");
        line("CPU time per answered request in this phase, from `/proc` (less sensitive to other work on the machine "
                + "than throughput):");
        line("");
        line("| path | the hop itself µs | fake upstream µs | load generator µs |");
        line("|---|---:|---:|---:|");
        for (RequestResult x : r.closed()) {
            line(f("| %s | %s | %.0f | %.0f |", x.target(), x.target().equals("floor") ? "—"
                            : f("%.0f", r.proxyMicrosPerRequest(x.target())),
                    r.cpuMicrosPerRequest(Report.CLOSED, x, "upstream"), r.cpuMicrosPerRequest(Report.CLOSED, x, "generator")));
        }
        line("");
        line("The hop: nginx's master and workers, or the gateway plus its PostgreSQL.");
    }

    private void streams(BenchOptions.Load load) {
        line("");
        line(f("## Streams: %d at a time, %d chunks %d ms apart", load.streamConcurrency(), load.chunks(),
                load.chunkInterval().toMillis()));
        line("");
        line("| path | streams | TTFT p50 ms | TTFT p99 ms | added TTFT p50 | added TTFT p99 | gap p50 ms | gap p99 ms | added gap p99 | errors |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        StreamResult floor = r.streams("floor");
        for (StreamResult s : r.streams()) {
            line(f("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %d |", s.target(), s.ok(), s.ttft().p50(),
                    s.ttft().p99(), s.ttft().p50() - floor.ttft().p50(), s.ttft().p99() - floor.ttft().p99(),
                    s.gaps().p50(), s.gaps().p99(), s.gaps().p99() - floor.gaps().p99(), s.errors()));
        }
        r.streams().stream().filter(s -> s.firstError() != null)
                .forEach(s -> line(f("\nFirst error on %s: `%s`", s.target(), s.firstError())));
    }

    private void slow(BenchOptions.Load load) {
        SlowResult s = r.slow();
        line("");
        line(f("## Slow streams through ModelBridge (a chunk every %d s)", load.slowInterval().toSeconds()));
        line("");
        line(f("Tried %,d of the %,d asked for%s; %,d opened in %.1f s; %,d still open and receiving after the hold; "
                + "%d failed%s.", s.requested(), s.target(), s.cap().isEmpty() ? "" : " (" + s.cap() + ")", s.opened(),
                s.rampSeconds(), s.alive(), s.failed(), s.firstError().isEmpty() ? "" : " (first: `" + s.firstError() + "`)"));
        line(f("Gateway heap after a full GC: %.0f MiB before, %.0f MiB with the streams open (committed %.0f MiB, "
                + "process RSS %.0f MiB): **%.1f MiB per 1,000 streams**.", s.heapBefore() / 1048576.0,
                s.heapDuring() / 1048576.0, s.heapCommitted() / 1048576.0, s.rssDuring() / 1048576.0,
                s.heapPerThousandBytes() / 1048576.0));
        if (!s.growth().isEmpty()) {
            line("");
            line("Live objects added per open stream (`GC.class_histogram` with the streams open minus before):");
            line("");
            line("| class | instances per stream | bytes per stream |");
            line("|---|---:|---:|");
            s.growth().forEach(g -> line(f("| `%s` | %.2f | %,.0f |", g.className(), g.instancesPerStream(),
                    g.bytesPerStream())));
        }
    }

    private void cpu() {
        line("");
        line("## CPU used per phase (cores, of 2)");
        line("");
        List<String> groups = r.cpu().values().iterator().next().keySet().stream().toList();
        line("| phase | " + String.join(" | ", groups) + " |");
        line("|---|" + "---:|".repeat(groups.size()));
        for (Map.Entry<String, Map<String, Double>> e : r.cpu().entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            groups.forEach(g -> row.append(f(" %.2f |", e.getValue().getOrDefault(g, 0.0))));
            line(row.toString());
        }
        line("");
        line("`other` is everything else running on the machine meanwhile (other builds); `machine` is the total.");
    }

    private void governance() {
        Governance g = r.governance();
        boolean charged = !g.quotaBefore().equals(g.quotaAfter());
        line("");
        line("## Governance path: what the measured build did");
        line("");
        line("Configured through the admin API before the load: an API key for every request, generous rate limits "
                + "(global, user, key and model), a price on both models and a user quota of 10⁹ credits.");
        line("");
        line(f("- Authentication: every request carried the bench key (the probe request answered HTTP %d).",
                g.probeStatus()));
        line(f("- Usage logging: %,d usage rows for %,d requests sent to the gateway.", g.usageRows(), g.requestsSent()));
        line(f("- Rate limits: %s.", g.rateLimitHeaders() ? "active (the answers carry x-ratelimit-* headers)"
                : "**no sign of enforcement** (no x-ratelimit-* headers): this build stores limits but does not apply them"));
        line(f("- Quota reservation: %s (balance %s before, %s after).", charged ? "active, the balance was charged"
                : "**not charged**: this build stores prices and quotas but does not reserve or settle them",
                g.quotaBefore(), g.quotaAfter()));
        if (!g.rateLimitHeaders() || !charged) {
            line("");
            line("So these figures do not yet include the cost of rate limiting and quota reservation; rerun "
                    + "`scripts/benchmark` on a build that enforces them.");
        }
    }

    private static String added(double value, RequestResult x) {
        return x.target().equals("floor") ? "—" : f("%.3f", value);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
