# Shared by the wrk benchmarks (bench/http/run.sh, bench/chat/run.sh): sourced, not run.
#   source bench/lib/wrk_common.sh; bench_begin NAME BUILD_DIR
# reads the common settings from the environment, checks the binaries and wrk, makes `tmp`
# and `pids`, and installs the cleanup that stops every started process.

# Settings: DURATION, CONNECTIONS, THREADS, WARMUP; binaries: parley and bench_bare_beast in
# the build dir (relative to the repository unless absolute).
bench_begin() {
  local name=$1 build=$2
  [[ $build = /* ]] || build="$repo/$build"
  duration=${DURATION:-10}
  duration=${duration%s}
  connections=${CONNECTIONS:-64}
  wrk_threads=${THREADS:-2}
  warmup=${WARMUP:-3}
  warmup=${warmup%s}
  parley_bin="$build/parley"
  bare_bin="$build/bench/bench_bare_beast"
  for bin in "$parley_bin" "$bare_bin"; do
    if [ ! -x "$bin" ]; then
      echo "$name: no $bin; build it first: cmake --build $build --target parley bench_bare_beast" >&2
      exit 2
    fi
  done
  command -v wrk >/dev/null || { echo "$name: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/parley-$name.XXXXXX")
  pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Stops every process in `pids` (TERM, then KILL after 5 s) and removes `tmp`.
bench_cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}

# Waits (up to 10 s) for a regex's first match in a file; prints capture group 1.
wait_for() {
  local file=$1 regex=$2
  for _ in $(seq 100); do
    if [ -s "$file" ] && [[ $(cat "$file") =~ $regex ]]; then
      echo "${BASH_REMATCH[1]}"
      return 0
    fi
    sleep 0.1
  done
  echo "$(basename "$0"): timed out waiting for $file; it says:" >&2
  cat "$file" >&2 || true
  return 1
}

# 32 bytes 0x00..0x1f: a fixed key for a throwaway data dir, never a real one.
bench_master_key="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

# Starts `parley serve` on a free loopback port with data in $1, its log in $2, and only the
# master key from the environment (anything else PARLEY_* would change the config). Sets
# parley_pid and parley_port.
start_parley() {
  local parley_bin=$1 data=$2 log=$3
  env -i PATH="$PATH" PARLEY_MASTER_KEY="$bench_master_key" \
    "$parley_bin" serve --port 0 --bind 127.0.0.1 --data "$data" \
    >"$tmp/parley.out" 2>"$log" &
  parley_pid=$!
  pids+=("$parley_pid")
  parley_port=$(wait_for "$tmp/parley.out" 'listening on http://127\.0\.0\.1:([0-9]+)')
}

# Starts bench_bare_beast on a free port. Sets bare_pid and bare_port.
start_bare() {
  "$1" --port 0 >"$tmp/bare.out" 2>"$tmp/bare.err" &
  bare_pid=$!
  pids+=("$bare_pid")
  bare_port=$(wait_for "$tmp/bare.out" '^([0-9]+)')
}

ticks_per_second=$(getconf CLK_TCK)
# CPU time (user + sys, in clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# wrk against one server, bounded in time whatever happens to it; appends the server's CPU
# ticks during the run to the report. Extra arguments go to wrk (e.g. -s script.lua).
#   run_wrk SECONDS URL OUT PID [wrk args...]
run_wrk() {
  local seconds=$1 url=$2 out=$3 pid=$4 before
  shift 4
  before=$(cpu_ticks "$pid")
  timeout --kill-after=5 $((seconds + 30)) \
    wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency "$@" "$url" >"$out"
  echo "server_cpu_ticks $(($(cpu_ticks "$pid") - before))" >>"$out"
}

# From a wrk --latency report: requests/s, p99 in ms, failed requests (socket errors plus
# non-2xx/3xx), the server's CPU microseconds per request and p50 in ms, space-separated.
summarize() {
  awk -v tick_us=$((1000000 / ticks_per_second)) '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errors += $i + 0
    }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    / requests in / { requests = $1 }
    /^server_cpu_ticks/ { ticks = $2 }
    END {
      printf "%.0f %.3f %d %.2f %.3f\n", rps, p99, errors, requests ? ticks * tick_us / requests : 0, p50
    }
  ' "$1"
}

# One JSON object (without its closing brace, so that the caller may add fields) from two
# files of summarize lines, parley's first, then the bare server's.
#   compare_json NAME WRK_ARGS PARLEY_SUMMARIES BARE_SUMMARIES
compare_json() {
  awk -v name="$1" -v wrk_args="$2" '
    {
      side = (NR == FNR) ? "parley" : "bare"
      i = ++n[side]
      rps[side, i] = $1; p99[side, i] = $2; err[side] += $3; cpu[side, i] = $4; p50[side, i] = $5
      cpu_sum[side] += $4
      sum[side] += $1
      if ($1 > best[side]) best[side] = $1
    }
    function list(arr, side, fmt,   s, k) {
      s = ""
      for (k = 1; k <= n[side]; k++) s = s (k > 1 ? "," : "") sprintf(fmt, arr[side, k])
      return "[" s "]"
    }
    END {
      pm = sum["parley"] / n["parley"]; bm = sum["bare"] / n["bare"]
      order = ""
      for (k = 1; k <= n["parley"]; k++) order = order (k > 1 ? "," : "") "parley,bare"
      printf "{\"bench\":\"%s\",\"wrk\":\"%s\",\"order\":\"%s\"", name, wrk_args, order
      printf ",\"parley_rps\":%s,\"bare_rps\":%s", list(rps, "parley", "%d"), list(rps, "bare", "%d")
      printf ",\"parley_rps_mean\":%.0f,\"bare_rps_mean\":%.0f", pm, bm
      printf ",\"parley_rps_best\":%d,\"bare_rps_best\":%d", best["parley"], best["bare"]
      printf ",\"parley_p50_ms\":%s,\"bare_p50_ms\":%s", list(p50, "parley", "%.2f"), list(p50, "bare", "%.2f")
      printf ",\"parley_p99_ms\":%s,\"bare_p99_ms\":%s", list(p99, "parley", "%.2f"), list(p99, "bare", "%.2f")
      printf ",\"parley_errors\":%d,\"bare_errors\":%d", err["parley"], err["bare"]
      printf ",\"parley_cpu_us_per_req\":%s,\"bare_cpu_us_per_req\":%s", list(cpu, "parley", "%.2f"), list(cpu, "bare", "%.2f")
      printf ",\"cpu_per_req_parley_over_bare\":%.2f", cpu_sum["parley"] / cpu_sum["bare"]
      printf ",\"ratio_of_means\":%.3f,\"ratio_of_bests\":%.3f", pm / bm, best["parley"] / best["bare"]
    }
  ' "$3" "$4"
}
