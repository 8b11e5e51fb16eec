# Sourced by scripts/benchmark after its own generator (BenchRun) has run: the same paths measured with wrk, the
# standard load tool, in the same run and against the same processes (fake upstream, nginx, the warm gateway);
# then the rate-limit stores (distributed on PostgreSQL, Redis) and the warm start, on gateways of their own.
# Writes $OUT/wrk.md and $OUT/warm-start.md. Method and analysis: docs/benchmarks.md ("wrk").
# Uses from scripts/benchmark: WORK OUT JAVA_HOME UPSTREAM_* NGINX_* GATEWAY_* MB_KEY UPSTREAM_KEY ADMIN_TOKEN,
# free_port, wait_until, stop_pid, EXTRA_PIDS (stopped by its cleanup).

WRK_SECONDS="${WRK_SECONDS:-15}" WRK_ROUNDS="${WRK_ROUNDS:-3}" COLD_SECONDS="${COLD_SECONDS:-60}"
WARM_STARTS="${WARM_STARTS:-first again plain warmup}" WARM_WARMUP="${WARM_WARMUP:-20s}"
CLK_TCK="$(getconf CLK_TCK)"
SMALL_BODY='{"model":"bench","messages":[{"role":"user","content":"hi"}],"max_tokens":8}'
# byte for byte what BenchRun sends (Target.java), to tell the request's shape from the tool's
GENERATOR_BODY='{"model":"bench","messages":[{"role":"user","content":"Say hello in five words."}],"max_tokens":64}'

cat >"$WORK/post.lua" <<'EOF'
-- POST a chat completion with keep-alive (wrk's default); counts answers by status (wrk -t1: one thread)
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counts = {} end
function response(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do all[status] = (all[status] or 0) + n end
  end
  for status, n in pairs(all) do io.write(string.format("status %d: %d\n", status, n)) end
end
EOF

# --- CPU from /proc: clock ticks (utime+stime) of a process; of a process tree's children too ---
proc_ticks() { # pid (or pid/task/tid: one thread): utime+stime (+ cutime+cstime with a second argument "tree")
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }" # the command name may hold spaces: fields after it, the 3rd of the line first
  awk -v tree="${2:-}" '{print $12 + $13 + (tree ? $14 + $15 : 0)}' <<<"$stat"
}
tree_ticks() { # pid: the process (with its reaped children) plus its live children, e.g. a postmaster and backends
  local total child
  total="$(proc_ticks "$1" tree)"
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do total=$((total + $(proc_ticks "$child" tree))); done
  echo "$total"
}
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; } # busy, all cores
postmaster_of() { head -n 1 "$(find "$1" -name postmaster.pid | head -n 1)"; } # data folder

# cpu_snapshot GATEWAY_PID DATA_DIR: gateway postgres nginx upstream machine (ticks), then the time (s)
cpu_snapshot() {
  local pg=0
  [ -n "${2:-}" ] && pg="$(tree_ticks "$(postmaster_of "$2")")"
  echo "$(proc_ticks "${1:-0}") $pg $(tree_ticks "$NGINX_PID") $(proc_ticks "$UPSTREAM_PID") $(machine_ticks) $(date +%s.%N)"
}

# wrk_run NAME PORT KEY BODY CONNECTIONS SECONDS [GATEWAY_PID DATA_DIR]: one measured run, then a result line
# "name req/s p50 p99 non200 gw_us pg_us nginx_us upstream_us machine_cores load1" appended to $WORK/wrk.rows
wrk_run() {
  local name=$1 port=$2 key=$3 body=$4 conns=$5 secs=$6 gw=${7:-} data=${8:-} before after out
  out="$WORK/wrk-$name.txt"
  before="$(cpu_snapshot "$gw" "$data")"
  BENCH_KEY="$key" BENCH_BODY="$body" wrk -t1 -c"$conns" -d"${secs}s" --timeout 30s --latency -s "$WORK/post.lua" \
    "http://127.0.0.1:$port/v1/chat/completions" >"$out"
  after="$(cpu_snapshot "$gw" "$data")"
  awk -v name="$name" -v b="$before" -v a="$after" -v hz="$CLK_TCK" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
    /^Requests\/sec:/ {rps = $2}
    /^ +[0-9]+ requests in/ {n = $1}
    /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
    $1 == "status" && $2 != "200:" {bad += $3}
    END {
      split(b, x, " "); split(a, y, " ")
      us = n - bad > 0 ? 1e6 / hz / (n - bad) : 0 # per answered (200) request: a refusal costs less than an answer
      printf "%s %.0f %s %s %d %.0f %.0f %.0f %.0f %.2f %s\n", name, rps, p50, p99, bad,
        (y[1] - x[1]) * us, (y[2] - x[2]) * us, (y[3] - x[3]) * us, (y[4] - x[4]) * us, (y[5] - x[5]) / hz / (y[6] - x[6]), load
    }' "$out" | tee -a "$WORK/wrk.rows" | sed 's/^/[bench-wrk] /' >&2
}

# --- gateways of their own (rate-limit stores, warm start) ---
# start_extra_gateway NAME [VAR=value...] -- [java options...]: sets GW_PID GW_PORT GW_ADMIN GW_DATA GW_KEY, configured
start_extra_gateway() {
  local name=$1 env_vars=() java_opts=() admin_port key_json
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do env_vars+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  java_opts=("$@")
  local dist="${GW_DIST:-gateway/target}" # a distribution folder: modelbridge-gateway.jar, lib/, plugins/
  # ./modelbridge's environment defaults, for this build; the baseline runs as it was (GW_DEFAULT_ENV=off)
  # shellcheck disable=SC2207 # VAR=value words
  [ "${GW_DEFAULT_ENV:-on}" = off ] || env_vars=($(mb_default_env) "${env_vars[@]}")
  GW_DATA="${GW_DATA_REUSE:-$WORK/gw-$name/data}"
  mkdir -p "$GW_DATA/plugins" "$WORK/gw-$name"
  cp "$dist/plugins/modelbridge-plugin-openai.jar" "$GW_DATA/plugins/"
  GW_PORT="$(free_port)"
  admin_port="$(free_port)"
  while [ "$admin_port" = "$GW_PORT" ]; do admin_port="$(free_port)"; done
  env "${env_vars[@]}" MB_HOST=127.0.0.1 MB_ADMIN_HOST=127.0.0.1 MB_DATA_DIR="$GW_DATA" MB_PORT="$GW_PORT" \
    MB_ADMIN_PORT="$admin_port" MB_ADMIN_TOKEN="$ADMIN_TOKEN" MB_DRAIN_SECONDS=2 \
    MB_INSTANCE_ID="bench-$(basename "$(dirname "$GW_DATA")")" \
    "$JAVA_HOME/bin/java" "${java_opts[@]}" -jar "$dist/modelbridge-gateway.jar" >>"$WORK/gw-$name/gateway.log" 2>&1 &
  GW_PID=$!
  EXTRA_PIDS+=("$GW_PID")
  GW_ADMIN="http://127.0.0.1:$admin_port/admin/v1"
  wait_until 180 "gateway $name (see $WORK/gw-$name/gateway.log)" curl -sf "http://127.0.0.1:$GW_PORT/readyz"
  wait_until 60 "the openai plugin of $name" bash -c "curl -sf -H @'$WORK/admin.header' '$GW_ADMIN/plugins' \
    | jq -e '.data[] | select(.id == \"openai\" and .state == \"STARTED\")'"
}
extra_admin() { # method path [body]
  printf '%s' "${3:-}" | curl -sS --fail-with-body -X "$1" -H "@$WORK/admin.header" \
    -H 'Content-Type: application/json' "$GW_ADMIN$2" ${3:+--data-binary @-}
}
# The governance of scripts/benchmark: a user with a quota, a key, a price, limits at the global, user, key scopes.
configure_extra_gateway() {
  local key_json key_id
  extra_admin POST /channels "{\"name\":\"fake-upstream\",\"provider\":\"openai\",\"credential\":\"$UPSTREAM_KEY\",
    \"base_url\":\"http://127.0.0.1:$UPSTREAM_PORT\",\"models\":[\"bench\"]}" >/dev/null
  extra_admin PUT /aliases/bench '{"targets":[{"channel":"fake-upstream","model":"bench"}]}' >/dev/null
  extra_admin PUT /prices/bench '{"input_per_1k":0.001,"output_per_1k":0.002}' >/dev/null
  extra_admin POST /users '{"name":"bench","quota":1000000000}' >/dev/null
  key_json="$(extra_admin POST /keys '{"user":"bench","label":"benchmark"}')"
  GW_KEY="$(jq -r .key <<<"$key_json")"
  key_id="$(jq -r .id <<<"$key_json")"
  extra_admin PUT /limits "{\"scope\":\"global\",\"rpm\":$HUGE_RPM,\"tpm\":$HUGE_TPM}" >/dev/null
  extra_admin PUT /limits "{\"scope\":\"user\",\"subject\":\"bench\",\"rpm\":$HUGE_RPM,\"tpm\":$HUGE_TPM}" >/dev/null
  extra_admin PUT /limits "{\"scope\":\"key\",\"subject\":\"$key_id\",\"rpm\":$HUGE_RPM,\"tpm\":$HUGE_TPM}" >/dev/null
  wait_until 30 "limits in force on $GW_PORT" bash -c "curl -sfi -H 'Authorization: Bearer $GW_KEY' \
    -H 'Content-Type: application/json' -d '$SMALL_BODY' http://127.0.0.1:$GW_PORT/v1/chat/completions \
    | grep -qi '^x-ratelimit-limit-requests: $HUGE_RPM'"
}

# WRK_PARTS picks the parts (all by default); the report covers those that ran.
WRK_PARTS="${WRK_PARTS:-paths baseline limits warm}"
wrk_part() { [[ " $WRK_PARTS " == *" $1 "* ]]; }
: >"$WORK/wrk.rows"
WRK_LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. the same paths as the generator, with wrk ---
if wrk_part paths; then
  echo "[bench-wrk] wrk against floor, nginx and the gateway; load average $WRK_LOAD_START" >&2
  BENCH_KEY="$MB_KEY" BENCH_BODY="$SMALL_BODY" wrk -t1 -c50 -d"$([ "${GENERATOR_RAN:-0}" = 1 ] && echo 10 || echo 45)s" -s "$WORK/post.lua" \
    "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" >/dev/null # warm: again after the slow streams, or from cold
  for ((round = 1; round <= WRK_ROUNDS; round++)); do
    wrk_run "floor-$round" "$UPSTREAM_PORT" "$UPSTREAM_KEY" "$SMALL_BODY" 50 "$WRK_SECONDS"
    wrk_run "nginx-$round" "$NGINX_PORT" "$UPSTREAM_KEY" "$SMALL_BODY" 50 "$WRK_SECONDS"
    wrk_run "modelbridge-$round" "$GATEWAY_PORT" "$MB_KEY" "$SMALL_BODY" 50 "$WRK_SECONDS" "$GATEWAY_PID" "$WORK/data"
  done
  # What differs from the generator: its 64 connections, its request, and a fixed low rate (CPU per request at a
  # rate the gateway does not saturate: what a separate, slower run measures)
  wrk_run "modelbridge-c64" "$GATEWAY_PORT" "$MB_KEY" "$SMALL_BODY" 64 "$WRK_SECONDS" "$GATEWAY_PID" "$WORK/data"
  wrk_run "modelbridge-generator-body" "$GATEWAY_PORT" "$MB_KEY" "$GENERATOR_BODY" 50 "$WRK_SECONDS" "$GATEWAY_PID" "$WORK/data"
  wrk_run "modelbridge-c4" "$GATEWAY_PORT" "$MB_KEY" "$SMALL_BODY" 4 "$WRK_SECONDS" "$GATEWAY_PID" "$WORK/data"
  wrk_run "modelbridge-c1" "$GATEWAY_PORT" "$MB_KEY" "$SMALL_BODY" 1 "$WRK_SECONDS" "$GATEWAY_PID" "$WORK/data"
fi

# --- before/after: a baseline build (--baseline DIR) against this build, fresh gateways side by side ---
if [ -n "${BASELINE:-}" ] && wrk_part baseline; then
  echo "[bench-wrk] before/after: $BASELINE against this build" >&2
  # shellcheck disable=SC2086 # BEFORE_JAVA_OPTS / AFTER_JAVA_OPTS hold several options (an A/B of JVM options)
  GW_DIST="$BASELINE" GW_DEFAULT_ENV=off start_extra_gateway before -- ${BEFORE_JAVA_OPTS:-}
  configure_extra_gateway
  BEFORE_PID="$GW_PID" BEFORE_PORT="$GW_PORT" BEFORE_KEY="$GW_KEY" BEFORE_DATA="$GW_DATA"
  # shellcheck disable=SC2046,SC2086 # this build starts with ./modelbridge's options; the baseline as it was
  start_extra_gateway after -- $(mb_default_jvm_opts) ${AFTER_JAVA_OPTS:-}
  configure_extra_gateway
  AFTER_PID="$GW_PID" AFTER_PORT="$GW_PORT" AFTER_KEY="$GW_KEY" AFTER_DATA="$GW_DATA"
  for side in BEFORE AFTER; do # warm-up, one after the other
    BENCH_KEY="$(eval echo "\$${side}_KEY")" BENCH_BODY="$SMALL_BODY" wrk -t1 -c50 -d45s -s "$WORK/post.lua" \
      "http://127.0.0.1:$(eval echo "\$${side}_PORT")/v1/chat/completions" >/dev/null
  done
  for ((round = 1; round <= WRK_ROUNDS; round++)); do
    wrk_run "before-$round" "$BEFORE_PORT" "$BEFORE_KEY" "$SMALL_BODY" 50 "$WRK_SECONDS" "$BEFORE_PID" "$BEFORE_DATA"
    wrk_run "after-$round" "$AFTER_PORT" "$AFTER_KEY" "$SMALL_BODY" 50 "$WRK_SECONDS" "$AFTER_PID" "$AFTER_DATA"
  done
  stop_pid "$BEFORE_PID" TERM 30
  stop_pid "$AFTER_PID" TERM 30
fi

# --- 2. rate-limit stores: the same governance with MB_RATE_LIMITS=distributed and redis:// ---
if wrk_part limits; then
  REDIS_PORT="$(free_port)"
  mkdir -p "$WORK/redis"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --dir "$WORK/redis" \
    --daemonize no --loglevel warning >"$WORK/redis/redis.log" 2>&1 &
  REDIS_PID=$!
  EXTRA_PIDS+=("$REDIS_PID")
  wait_until 10 "redis-server" bash -c "exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT"
  for mode in distributed redis; do
    url="$mode"
    [ "$mode" = redis ] && url="redis://127.0.0.1:$REDIS_PORT/0"
    echo "[bench-wrk] a gateway with MB_RATE_LIMITS=$mode" >&2
    # shellcheck disable=SC2046 # ./modelbridge's options
    start_extra_gateway "$mode" MB_RATE_LIMITS="$url" -- $(mb_default_jvm_opts)
    configure_extra_gateway
    BENCH_KEY="$GW_KEY" BENCH_BODY="$SMALL_BODY" wrk -t1 -c50 -d45s -s "$WORK/post.lua" \
      "http://127.0.0.1:$GW_PORT/v1/chat/completions" >/dev/null # warm-up: what the warm-start phase shows it needs
    before_redis="$(proc_ticks "$REDIS_PID")"
    wrk_run "limits-$mode" "$GW_PORT" "$GW_KEY" "$SMALL_BODY" 50 "$WRK_SECONDS" "$GW_PID" "$GW_DATA"
    echo "limits-$mode $(( $(proc_ticks "$REDIS_PID") - before_redis ))" >>"$WORK/redis.ticks"
    wrk_run "limits-local-after-$mode" "$GATEWAY_PORT" "$MB_KEY" "$SMALL_BODY" 50 "$WRK_SECONDS" "$GATEWAY_PID" "$WORK/data"
    stop_pid "$GW_PID" TERM 30
  done
fi

# --- 3. warm start: throughput per second from the first request, three starts on one data folder ---
if wrk_part warm; then
  # first: ./modelbridge's first start on this build and JDK (a fresh install: a training run records the ahead-of-time
  # cache, then the gateway starts with it); again: every later start (a restart, the cache in use); plain: the same
  # restart without the cache (MB_AOT=off, and every start before the cache existed); warmup: a restart with the cache
  # and MB_WARMUP=$WARM_WARMUP (ready only after warming itself). WARM_STARTS picks some (first must come first: it
  # records the cache and configures the data folder the others reuse); WARM_JAVA_OPTS adds JVM options to each.
  cat >"$WORK/cold.lua" <<'EOF'
-- post.lua's request; counts the 200 answers by the wall-clock second (os.time) they completed in, printed at the end
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) per_second = {} end
function response(status, headers, body)
  if status == 200 then
    local s = os.time()
    per_second[s] = (per_second[s] or 0) + 1
  end
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("per_second")) do io.write(string.format("second %d %d\n", s, n)) end
  end
end
EOF
  jit_ticks() { # pid: clock ticks of its JIT compiler threads (C1 and C2), then of the whole process
    local task comm jit=0
    for task in /proc/"$1"/task/*; do
      { read -r comm <"$task/comm"; } 2>/dev/null || continue
      case "$comm" in "C1 CompilerThre"* | "C2 CompilerThre"*) jit=$((jit + $(proc_ticks "$1/task/${task##*/}"))) ;; esac
    done
    echo "$jit $(proc_ticks "$1")"
  }
  # cold_curve NAME: one wrk run of COLD_SECONDS from the first request on (one run, not one per second: a run that
  # ends drops the answers in flight and the next one opens its connections anew, which undercounts slow seconds);
  # "name second answers" lines in cold.rows, and, sampled about every second, "name elapsed_s jit_ticks gateway_ticks"
  # in cold.cpu
  cold_curve() {
    local name=$1 began sampler
    sleep "$(awk -v ns="$(date +%N)" 'BEGIN {printf "%.3f", 1 - ns / 1e9}')" # start on a whole second: second 1 is whole
    began="$(date +%s)"
    ( while kill -0 "$GW_PID" 2>/dev/null; do
        echo "$name $(($(date +%s) - began)) $(jit_ticks "$GW_PID")"
        sleep 1
      done ) >>"$WORK/cold.cpu" &
    sampler=$!
    BENCH_KEY="$GW_KEY" BENCH_BODY="$SMALL_BODY" wrk -t1 -c50 -d"${COLD_SECONDS}s" --timeout 30s -s "$WORK/cold.lua" \
      "http://127.0.0.1:$GW_PORT/v1/chat/completions" >"$WORK/cold-$name.txt"
    kill "$sampler" 2>/dev/null
    wait "$sampler" 2>/dev/null || true
    awk -v n="$name" -v b="$began" -v secs="$COLD_SECONDS" '$1 == "second" {c[$2 - b + 1] += $3}
      END {for (s = 1; s <= secs; s++) print n, s, c[s] + 0}' "$WORK/cold-$name.txt" >>"$WORK/cold.rows"
  }
  : >"$WORK/cold.rows"
  : >"$WORK/cold.cpu"
  AOT_DIR="$WORK/gw-first/data/aot"
  GW_DATA_REUSE="$WORK/gw-first/data"
  dist="${GW_DIST:-gateway/target}"
  for start in $WARM_STARTS; do
    opts=() env_vars=()
    # ./modelbridge's first start: the training run records the cache, then the start (WARM_TRAINING=off: the first
    # start records it instead, written when it stops, as before the training existed)
    if [ "$start" = first ] && [ "${WARM_TRAINING:-on}" != off ]; then
      began="$(date +%s.%N)"
      mb_aot_train "$AOT_DIR" "$dist/modelbridge-gateway.jar" "$dist/plugins" \
        || echo "[bench-wrk] the training failed: the first start records the cache instead" >&2
      echo "$start train_s $(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')" >>"$WORK/cold.starts"
    fi
    [ "$start" = plain ] || read -r -a opts <<<"$(mb_aot_opts "$AOT_DIR" "$dist/modelbridge-gateway.jar")"
    # shellcheck disable=SC2206,SC2207 # ./modelbridge's options, then WARM_JAVA_OPTS
    opts+=($(mb_default_jvm_opts) ${WARM_JAVA_OPTS:-})
    [ "$start" = warmup ] && env_vars=("MB_WARMUP=$WARM_WARMUP")
    echo "[bench-wrk] warm start: $start (${opts[*]:-no cache})" >&2
    echo "$start ${opts[*]:-}" | sed "s|$WORK|<work>|g" >>"$WORK/cold.opts"
    began="$(date +%s.%N)"
    start_extra_gateway "$start" "${env_vars[@]}" -- "${opts[@]}"
    echo "$start ready_s $(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')" >>"$WORK/cold.starts"
    if [ "$start" = first ]; then configure_extra_gateway; FIRST_KEY="$GW_KEY"; else GW_KEY="$FIRST_KEY"; fi
    cold_curve "$start"
    stopping="$(date +%s.%N)"
    stop_pid "$GW_PID" TERM 300 # without the training, the first start writes its cache on the way out
    echo "$start stop_s $(awk -v a="$stopping" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')" >>"$WORK/cold.starts"
  done
  unset GW_DATA_REUSE
  ls -l "$AOT_DIR" >"$WORK/aot.ls" 2>&1 || true
fi
WRK_LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"

. scripts/benchmark-wrk-report.sh
