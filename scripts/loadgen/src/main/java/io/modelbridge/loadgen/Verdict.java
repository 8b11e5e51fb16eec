package io.modelbridge.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One target of issue 7 checked against the run: {@code result} is PASS, MISSED or NOT MEASURED (a quick run
 * is too small to judge the 10,000-stream targets).
 */
record Verdict(String target, String goal, String actual, String result, String note) {
    static final String PASS = "PASS";
    static final String MISSED = "MISSED";
    static final String NOT_MEASURED = "NOT MEASURED";
    private static final double GIB = 1024.0 * 1024 * 1024;

    static List<Verdict> of(Report r) {
        List<Verdict> v = new ArrayList<>();
        RequestResult mb = r.closed("modelbridge");
        RequestResult nginx = r.closed("nginx");
        double ratio = mb.throughput() / nginx.throughput();
        double mbCpu = r.proxyMicrosPerRequest("modelbridge");
        double nginxCpu = r.proxyMicrosPerRequest("nginx");
        String cpuNote = f("CPU per request: ModelBridge %.0f µs (gateway + PostgreSQL), nginx %.0f µs: %.2f× by CPU cost",
                mbCpu, nginxCpu, mbCpu == 0 ? 0 : nginxCpu / mbCpu);
        v.add(check("Throughput vs nginx, " + r.options().load().connections() + " connections", "≥ 0.70× nginx",
                f("%.2f× (%,.0f vs %,.0f req/s)", ratio, mb.throughput(), nginx.throughput()), ratio >= 0.70,
                join(cpuNote, errors(mb.errors()))));
        LatencyStats floor = r.open("floor").stats();
        LatencyStats nginxOpen = r.open("nginx").stats();
        RequestResult gw = r.open("modelbridge");
        int rate = r.options().load().ratePerSecond();
        double p50 = gw.stats().p50() - floor.p50();
        double p99 = gw.stats().p99() - floor.p99();
        v.add(check("Added latency p50 at " + rate + " req/s", "< 1 ms", f("%.3f ms", p50), p50 < 1 && gw.errors() == 0,
                join(f("nginx added %.3f ms in the same run", nginxOpen.p50() - floor.p50()), errors(gw.errors()))));
        v.add(check("Added latency p99 at " + rate + " req/s", "< 5 ms", f("%.3f ms", p99), p99 < 5 && gw.errors() == 0,
                join(f("nginx added %.3f ms in the same run; the floor's own p99 was %.3f ms", nginxOpen.p99() - floor.p99(),
                        floor.p99()), errors(gw.errors()))));
        StreamResult streams = r.streams("modelbridge");
        LatencyStats floorStreams = r.streams("floor").gaps();
        double gap = streams.gaps().p99() - floorStreams.p99();
        v.add(check("Added inter-chunk delay p99", "< 5 ms", f("%.3f ms", gap), gap < 5 && streams.errors() == 0,
                join(f("nginx added %.3f ms; ModelBridge added %.3f ms to the first chunk (p50)",
                        r.streams("nginx").gaps().p99() - floorStreams.p99(),
                        streams.ttft().p50() - r.streams("floor").ttft().p50()), errors(streams.errors()))));
        slowStreams(v, r.slow());
        return v;
    }

    private static void slowStreams(List<Verdict> v, SlowResult s) {
        String held = f("%,d held of %,d tried, %d failed", s.alive(), s.requested(), s.failed());
        boolean full = s.target() >= 10_000;
        if (!full) {
            v.add(new Verdict("Concurrent slow streams", "10,000, no error", held, NOT_MEASURED,
                    "quick run: only " + s.target() + " streams"));
        } else {
            boolean ok = s.requested() == s.target() && s.alive() == s.target() && s.failed() == 0;
            v.add(check("Concurrent slow streams", "10,000, no error", held, ok, s.cap()));
        }
        double perThousand = s.heapPerThousandBytes();
        double at10k = s.heapBefore() + perThousand * 10;
        String heap = f("%.0f MiB with %,d open (%.1f MiB per 1,000); %.0f MiB at 10,000%s", s.heapDuring() / 1048576.0,
                s.opened(), perThousand / 1048576.0, at10k / 1048576.0, s.opened() == 10_000 ? "" : " (extrapolated)");
        boolean heapOk = (s.opened() == 10_000 ? s.heapDuring() : at10k) < GIB;
        v.add(s.opened() == 0 ? new Verdict("Gateway heap, 10,000 slow streams", "< 1 GiB", heap, NOT_MEASURED, "no stream opened")
                : check("Gateway heap, 10,000 slow streams", "< 1 GiB", heap, heapOk, ""));
    }

    private static Verdict check(String target, String goal, String actual, boolean pass, String note) {
        return new Verdict(target, goal, actual, pass ? PASS : MISSED, note);
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + "; " + b;
    }

    private static String errors(long errors) {
        return errors == 0 ? "" : errors + " requests failed";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
