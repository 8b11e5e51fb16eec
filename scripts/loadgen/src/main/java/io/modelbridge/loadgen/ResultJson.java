package io.modelbridge.loadgen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** docs/benchmarks/results.json: the whole run, machine-readable. */
final class ResultJson {
    private ResultJson() {}

    static String write(Report r, List<Verdict> verdicts) {
        BenchOptions.Load load = r.options().load();
        return Json.write(Json.obj(
                "generated_at", r.startedAt().toString(),
                "mode", r.options().quick() ? "quick" : "full",
                "minutes", r.minutes(),
                "machine", r.machine(),
                "load_average_start", r.loadStart(),
                "load_average_end", r.loadEnd(),
                "gateway_warm_up", Json.obj("seconds", r.warmUp().seconds(), "jit_share_of_cpu_at_end", r.warmUp().jitShare()),
                "targets", verdicts.stream().map(v -> Json.obj("target", v.target(), "goal", v.goal(),
                        "actual", v.actual(), "result", v.result(), "note", v.note())).toList(),
                "fixed_concurrency", requests(r.closed(), Json.obj("connections", load.connections(),
                        "seconds_per_path", r.options().durations().closed().toSeconds(),
                        "hop_cpu_us_per_request", Json.obj("nginx", r.proxyMicrosPerRequest("nginx"),
                                "modelbridge", r.proxyMicrosPerRequest("modelbridge")))),
                "fixed_rate", requests(r.open(), Json.obj("requests_per_second", load.ratePerSecond(),
                        "connections", load.connections(), "seconds_per_path", r.options().durations().open().toSeconds(),
                        "latency_from", "intended send time")),
                "streams", streams(r, load),
                "slow_streams", slow(r.slow(), load),
                "cpu_cores_by_phase", r.cpu(),
                "gateway_cpu_seconds_by_thread", threads(r.gatewayThreads()),
                "governance", governance(r.governance())));
    }

    private static Map<String, Object> requests(List<RequestResult> results, Map<String, Object> setup) {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (RequestResult x : results) {
            paths.put(x.target(), Json.obj("requests", x.ok(), "errors", x.errors(), "throughput_rps", x.throughput(),
                    "latency_ms", stats(x.stats()), "first_error", x.firstError()));
        }
        LatencyStats floor = find(results, "floor").stats();
        setup.put("paths", paths);
        setup.put("modelbridge_added_ms", added(find(results, "modelbridge").stats(), floor));
        setup.put("nginx_added_ms", added(find(results, "nginx").stats(), floor));
        return setup;
    }

    private static Map<String, Object> streams(Report r, BenchOptions.Load load) {
        Map<String, Object> paths = new LinkedHashMap<>();
        for (StreamResult s : r.streams()) {
            paths.put(s.target(), Json.obj("streams", s.ok(), "errors", s.errors(), "ttft_ms", stats(s.ttft()),
                    "inter_chunk_ms", stats(s.gaps()), "first_error", s.firstError()));
        }
        StreamResult floor = r.streams("floor");
        Map<String, Object> added = new LinkedHashMap<>();
        for (String t : List.of("nginx", "modelbridge")) {
            StreamResult s = r.streams(t);
            added.put(t, Json.obj("ttft_p50", s.ttft().p50() - floor.ttft().p50(),
                    "ttft_p99", s.ttft().p99() - floor.ttft().p99(), "inter_chunk_p99", s.gaps().p99() - floor.gaps().p99()));
        }
        return Json.obj("concurrency", load.streamConcurrency(), "chunks", load.chunks(),
                "chunk_interval_ms", load.chunkInterval().toMillis(), "paths", paths, "added_over_floor_ms", added);
    }

    private static Map<String, Object> slow(SlowResult s, BenchOptions.Load load) {
        return Json.obj("target", s.target(), "tried", s.requested(), "cap", s.cap(), "opened", s.opened(),
                "alive_after_hold", s.alive(), "failed", s.failed(), "chunk_interval_ms", load.slowInterval().toMillis(),
                "ramp_seconds", s.rampSeconds(), "heap_used_before_mib", s.heapBefore() / 1048576.0,
                "heap_used_during_mib", s.heapDuring() / 1048576.0, "heap_committed_during_mib",
                s.heapCommitted() / 1048576.0, "heap_per_1000_streams_mib", s.heapPerThousandBytes() / 1048576.0,
                "rss_during_mib", s.rssDuring() / 1048576.0, "growth_per_stream", s.growth().stream()
                        .map(g -> Json.obj("class", g.className(), "instances", g.instancesPerStream(),
                                "bytes", g.bytesPerStream())).toList(),
                "first_error", s.firstError());
    }

    private static Map<String, Object> threads(Map<String, Map<String, long[]>> phases) {
        Map<String, Object> out = new LinkedHashMap<>();
        phases.forEach((phase, kinds) -> {
            Map<String, Object> seconds = new LinkedHashMap<>();
            kinds.forEach((kind, ticks) -> seconds.put(kind, ThreadCpu.seconds(ticks)));
            out.put(phase, seconds);
        });
        return out;
    }

    private static Map<String, Object> governance(Governance g) {
        return Json.obj("probe_status", g.probeStatus(), "rate_limit_headers", g.rateLimitHeaders(),
                "quota_balance_before", g.quotaBefore(), "quota_balance_after", g.quotaAfter(),
                "usage_rows", g.usageRows(), "requests_sent", g.requestsSent());
    }

    private static Map<String, Object> stats(LatencyStats s) {
        return Json.obj("count", s.count(), "p50", s.p50(), "p90", s.p90(), "p99", s.p99(), "p99_9", s.p999(),
                "max", s.max(), "mean", s.mean());
    }

    private static Map<String, Object> added(LatencyStats path, LatencyStats floor) {
        return Json.obj("p50", path.p50() - floor.p50(), "p90", path.p90() - floor.p90(), "p99", path.p99() - floor.p99());
    }

    private static RequestResult find(List<RequestResult> results, String target) {
        return results.stream().filter(x -> x.target().equals(target)).findFirst().orElseThrow();
    }
}
