# Sourced by scripts/benchmark-wrk.sh: writes $OUT/wrk.md and $OUT/warm-start.md from $WORK/wrk.rows,
# $WORK/cold.rows, $WORK/cold.starts and (when the generator ran) $OUT/results.json.
# A wrk.rows line: name req/s p50 p99 non200 gw_us pg_us nginx_us upstream_us machine_cores load1

row() { awk -v n="$1" '$1 == n' "$WORK/wrk.rows"; }
median_round() { # path: the name of its median round by req/s
  awk -v p="$1-" 'index($1, p) == 1 && $1 ~ /-[0-9]+$/ {print $2, $1}' "$WORK/wrk.rows" | sort -n \
    | awk '{r[NR] = $2} END {print r[int((NR + 1) / 2)]}'
}
table_row() { # label name: one markdown row
  row "$2" | awk -v label="$1" '{
    hop = $6 + $7 > 0 ? sprintf("%d + %d = **%d**", $6, $7, $6 + $7) : "—"
    printf "| %s | %s | %s | %s | %d | %s | %s | %s | %.2f | %s |\n", label, $2, $3, $4, $5, hop, ($8 > 0 ? $8 : "—"),
      ($9 > 0 ? $9 : "—"), $10, $11 }'
}
ROW_HEAD="| run | req/s | p50 | p99 | non-200 | gateway + PostgreSQL µs/req | nginx µs/req | fake upstream µs/req | machine busy, cores of $(nproc) | load (1 min) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"

FLOOR_ROW="$(median_round floor)" NGINX_ROW="$(median_round nginx)" MB_ROW="$(median_round modelbridge)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
rps_of() { row "$1" | awk '{print $2}'; }

generator_rows() { # the generator's fixed-concurrency phase of this run, from results.json
  [ "${GENERATOR_RAN:-0}" = 1 ] && [ -s "$OUT/results.json" ] || { echo "| (the generator did not run: --wrk-only) | | | |"; return; }
  jq -r '
    def cores($p; $what): .cpu_cores_by_phase["fixed concurrency · " + $p][$what];
    .fixed_concurrency.paths as $paths | ["floor", "nginx", "modelbridge"][] as $p |
    ($paths[$p].throughput_rps) as $rps |
    "| \($p) | \($rps | round) | " +
    (if $p == "modelbridge" then "\(cores($p; "gateway") / $rps * 1e6 | round) + \(cores($p; "postgres") / $rps * 1e6 | round) = **\((cores($p; "gateway") + cores($p; "postgres")) / $rps * 1e6 | round)**"
     elif $p == "nginx" then "nginx \(cores($p; "nginx") / $rps * 1e6 | round)" else "—" end) +
    " | \(cores($p; "upstream") / $rps * 1e6 | round) | \(cores($p; "generator") / $rps * 1e6 | round) |"' "$OUT/results.json"
}

mkdir -p "$OUT"
wrk_part paths && {
  echo "# wrk: the same paths measured with a standard load tool"
  echo
  echo "Written by \`scripts/benchmark\` (its wrk part, \`scripts/benchmark-wrk.sh\`) on $(date -u +%Y-%m-%dT%H:%MZ), commit"
  echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$([ -n "$(git status --porcelain -- gateway plugins 2>/dev/null)" ] && echo ' plus uncommitted changes'), $(nproc) cores, $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)."
  echo "**Load average** at the start of the wrk part: **$WRK_LOAD_START**, at its end: **$WRK_LOAD_END** (1/5/15 min); the machine"
  echo "is shared: compare figures within this file, and read the *machine busy* column (all processes, from \`/proc/stat\`)."
  echo "Method and analysis: [../benchmarks.md](../benchmarks.md#wrk)."
  echo
  echo "## wrk -t1 -c50 -d${WRK_SECONDS}s, keep-alive, POST \`$SMALL_BODY\`"
  echo
  echo "$WRK_ROUNDS rounds taking floor, nginx and ModelBridge in turn; the median round of each path (every round below)."
  echo "ModelBridge: the gateway the generator measured, still running, with the full governance (key, rate limits"
  echo "global/user/key/model, a price, a user quota). CPU per answered request from \`/proc/<pid>/stat\` (utime+stime)"
  echo "before and after each run: the gateway JVM, its PostgreSQL (postmaster and every backend), nginx, the upstream."
  echo
  echo "| path | req/s | vs nginx | p50 | p99 | gateway + PostgreSQL µs/req | nginx µs/req | fake upstream µs/req |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for p in "floor:$FLOOR_ROW" "nginx:$NGINX_ROW" "modelbridge:$MB_ROW"; do
    row "${p#*:}" | awk -v label="${p%%:*}" -v nginx="$(rps_of "$NGINX_ROW")" '{
      printf "| %s | %s | %.2f | %s | %s | %s | %s | %s |\n", label, $2, $2 / nginx, $3, $4,
        ($6 + $7 > 0 ? sprintf("%d + %d = **%d**", $6, $7, $6 + $7) : "—"), ($8 > 0 ? $8 : "—"), $9 }'
  done
  echo
  echo "## The project's generator in the same run (fixed concurrency, 64 connections, results.md)"
  echo
  echo "| path | req/s | gateway + PostgreSQL µs/req | fake upstream µs/req | generator µs/req |"
  echo "|---|---:|---:|---:|---:|"
  generator_rows
  echo
  echo "## What differs: the same gateway, one thing changed at a time"
  echo
  echo "$ROW_HEAD"
  table_row "wrk -c50, small body (median round)" "$MB_ROW"
  table_row "wrk -c64 (the generator's connections)" modelbridge-c64
  table_row "wrk -c50, the generator's request body" modelbridge-generator-body
  table_row "wrk -c4 (a rate the gateway does not saturate)" modelbridge-c4
  table_row "wrk -c1" modelbridge-c1
  echo
  if [ -n "${BASELINE:-}" ] && wrk_part baseline; then
    echo "## Before and after: the baseline build against this one, side by side"
    echo
    echo "Two fresh gateways with the same governance, each warmed with 45 s of wrk, then $WRK_ROUNDS rounds of wrk -c50"
    echo "taking them in turn (before: the build in \`--baseline\`, commit $(cat "$BASELINE/commit" 2>/dev/null || echo "not recorded: write it to \$BASELINE/commit"))."
    echo
    echo "$ROW_HEAD"
    for ((round = 1; round <= WRK_ROUNDS; round++)); do
      table_row "before, round $round" "before-$round"
      table_row "after, round $round" "after-$round"
    done
    echo
    awk 'index($1, "before-") == 1 {bn++; bc += $6 + $7; br += $2} index($1, "after-") == 1 {an++; ac += $6 + $7; ar += $2}
      END {if (bn && an) printf "Mean over the rounds: before %.0f req/s at %.0f µs, after %.0f req/s at %.0f µs of gateway + PostgreSQL CPU per request (%+.1f %%).\n",
        br / bn, bc / bn, ar / an, ac / an, (ac / an - bc / bn) * 100 / (bc / bn)}' "$WORK/wrk.rows"
    echo
  fi
  wrk_part limits || echo "(rate-limit stores not measured: WRK_PARTS=$WRK_PARTS)"
  wrk_part limits && echo "## Rate-limit stores, same governance, wrk -c50 -d${WRK_SECONDS}s"
  echo
  echo "Each store on a gateway of its own (fresh embedded PostgreSQL, 45 s of wrk to warm up first), followed at once by"
  echo "the local-mode gateway above, so each pair shares the machine's load. Redis's own CPU is in the last column."
  echo
  echo "| run | req/s | vs local right after | p99 | gateway + PostgreSQL µs/req | redis-server µs/req | load (1 min) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  wrk_part limits && for mode in distributed redis; do
    local_rps="$(rps_of "limits-local-after-$mode")"
    redis_ticks="$(awk -v n="limits-$mode" '$1 == n {print $2}' "$WORK/redis.ticks")"
    row "limits-$mode" | awk -v mode="$mode" -v l="$local_rps" -v rt="$redis_ticks" -v hz="$CLK_TCK" '{
      printf "| `%s` | %s | %.2f | %s | %d + %d = **%d** | %s | %s |\n", mode, $2, $2 / l, $4, $6, $7, $6 + $7,
        (mode == "redis" ? sprintf("%.0f", rt * 1e6 / hz / ($2 * '"$WRK_SECONDS"')) : "—"), $11 }'
    row "limits-local-after-$mode" | awk '{printf "| `local`, right after | %s | 1.00 | %s | %d + %d = **%d** | — | %s |\n",
      $2, $4, $6, $7, $6 + $7, $11}'
  done
  echo
  echo "## Every wrk run"
  echo
  echo "$ROW_HEAD"
  awk '{print $1}' "$WORK/wrk.rows" | while read -r name; do table_row "$name" "$name"; done
} >"$OUT/wrk.md"

# --- warm start ---
mean_of() { awk -v from="$2" -v to="$3" -v n="$1" '$1 == n && $2 >= from && $2 <= to {s += $3; c++} END {printf "%.0f", c ? s / c : 0}' "$WORK/cold.rows"; }
# cpu_window NAME FROM TO: the gateway's CPU in seconds FROM..TO from the samples in cold.cpu (the first at or after
# each end, else the last): "answers per gateway CPU second" and "the JIT compiler threads' share of that CPU, in per cent"
cpu_window() {
  awk -v n="$1" -v from="$2" -v to="$3" -v hz="$CLK_TCK" -v rows="$WORK/cold.rows" '
    BEGIN { while ((getline line < rows) > 0) { split(line, f, " "); if (f[1] == n && f[2] >= from && f[2] <= to) answers += f[3] } }
    $1 == n && !a && $2 >= from - 1 {a = 1; j0 = $3; t0 = $4}
    $1 == n && !b && $2 >= to {b = 1; j1 = $3; t1 = $4}
    $1 == n {jl = $3; tl = $4}
    END {
      if (!b) {j1 = jl; t1 = tl} # the run ended before the sample of its last second: its last sample
      cpu = t1 - t0
      printf "%.0f %.0f\n", (cpu > 0 ? answers * hz / cpu : 0), (cpu > 0 ? 100 * (j1 - j0) / cpu : 0)
    }' "$WORK/cold.cpu"
}
start_info() { awk -v n="$1" -v k="$2" '$1 == n && $2 == k {print $3}' "$WORK/cold.starts"; }
wrk_part warm && {
  echo "# Warm start: throughput per second from a gateway's first request"
  echo
  echo "Written by \`scripts/benchmark\` on $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)."
  echo "Load average at the start of the wrk part **$WRK_LOAD_START**, at its end **$WRK_LOAD_END**. Method: [../benchmarks.md](../benchmarks.md#warm-start)."
  echo
  echo "Starts of a gateway on one data folder (same governance as wrk.md), each measured with one \`wrk -t1 -c50\`"
  echo "run of ${COLD_SECONDS} s from its first request, its answers counted by the second they completed in: **first** (a fresh install: what \`./modelbridge\` does on"
  echo "its first start with a JDK 25, a training run records the ahead-of-time cache, then the gateway starts with it),"
  echo "**again** (a restart, the cache in use: every later start) and **plain** (the same restart without the cache:"
  echo "\`MB_AOT=off\`), and **warmup** (a restart with the cache and \`MB_WARMUP=$WARM_WARMUP\`: the gateway drives its own"
  echo "request path on a throwaway gateway before it listens, so its ready time includes that). *Training took*: the training run, cache written. *Ready after*: from the process start to"
  echo "\`/readyz\` answering 200 (the first start also creates the embedded PostgreSQL). *Stop took*: from SIGTERM to"
  echo "the process's end."
  echo
  echo "| start | JVM options | training took | ready after | s 1-10, req/s | s 11-20 | s 21-30 | s $((COLD_SECONDS - 9))-$COLD_SECONDS (steady) | first 10 s vs steady | stop took |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for start in $WARM_STARTS; do
    steady="$(mean_of "$start" $((COLD_SECONDS - 9)) "$COLD_SECONDS")"
    first10="$(mean_of "$start" 1 10)"
    opts="$(awk -v n="$start" '$1 == n {$1 = ""; print substr($0, 2)}' "$WORK/cold.opts" 2>/dev/null)"
    train="$(start_info "$start" train_s)"
    echo "| $start | \`${opts:-(none)}\` | ${train:+$train s} | $(start_info "$start" ready_s) s | $first10 | $(mean_of "$start" 11 20) | $(mean_of "$start" 21 30) | $steady | $(ratio "$first10" "$steady") | $(start_info "$start" stop_s) s |"
  done
  echo
  wrk_part paths && echo "The warm gateway of wrk.md (minutes of load) served $(rps_of "$MB_ROW") req/s in its median round."
  echo
  echo "Load-independent view (the machine is shared, so wall-clock seconds also measure the neighbours): answers per"
  echo "CPU second of the gateway's own process (its JIT compiler threads included) in seconds 1-10 and in the steady"
  echo "seconds $((COLD_SECONDS - 9))-$COLD_SECONDS, from /proc; their ratio is the share of its steady throughput the gateway would"
  echo "reach in its first 10 s with the same CPU to itself. *JIT*: the C1 and C2 compiler threads' share of that CPU."
  echo
  echo "| start | s 1-10, answers per gateway CPU s | JIT | s $((COLD_SECONDS - 9))-$COLD_SECONDS | JIT | ratio |"
  echo "|---|---:|---:|---:|---:|---:|"
  for start in $WARM_STARTS; do
    read -r a ja <<<"$(cpu_window "$start" 1 10)"
    read -r b jb <<<"$(cpu_window "$start" $((COLD_SECONDS - 9)) "$COLD_SECONDS")"
    echo "| $start | $a | $ja % | $b | $jb % | $(ratio "$a" "$b") |"
  done
  echo
  echo "Per second (answers completed in each second of the run):"
  echo
  echo "| second | ${WARM_STARTS// / | } |"
  echo "|---:|$(for _ in $WARM_STARTS; do printf -- '---:|'; done)"
  awk -v starts="$WARM_STARTS" -v secs="$COLD_SECONDS" '{n[$1 " " $2] = $3}
    END {k = split(starts, s, " "); for (t = 1; t <= secs; t++) {
      printf "| %d |", t; for (i = 1; i <= k; i++) printf " %s |", n[s[i] " " t]; print ""}}' "$WORK/cold.rows"
  echo
  echo "Cache file after the runs:"
  echo
  echo '```'
  sed "s|$WORK|<work>|g" "$WORK/aot.ls"
  echo '```'
} >"$OUT/warm-start.md"
echo "[bench-wrk] wrote $(wrk_part paths && echo "$OUT/wrk.md ")$(wrk_part warm && echo "$OUT/warm-start.md")" >&2
