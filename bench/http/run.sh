#!/usr/bin/env bash
# Parley's GET /healthz against a bare Beast server (bench_bare_beast), side by side on this
# machine, under wrk. Builds nothing: pass the build dir (default build/release) that holds
# parley and bench/bench_bare_beast.
#   bench/http/run.sh [BUILD_DIR]
# Env: DURATION (seconds per measured run, default 10), CONNECTIONS (default 64), THREADS
# (wrk threads, default 2), WARMUP (seconds, default 3), PARLEY_STDERR (where parley's log
# goes: a file in the temp dir by default; /dev/null to drop it).
# Parley runs with its default config (access log on) and a fixed test master key. Runs
# alternate A B A B; prints one JSON line: requests/s of each run, their mean and best, p99
# latencies, errors, the ratio parley/bare of the means (the goal: at least 0.8), and each
# server's CPU time per request (user+sys from /proc): on a shared 2-core machine the
# requests/s swing with whatever else runs, the CPU per request much less.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build/release}
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
    echo "run.sh: no $bin; build it first: cmake --build $build --target parley bench_bare_beast" >&2
    exit 2
  fi
done
command -v wrk >/dev/null || { echo "run.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/parley-bench-http.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
  echo "run.sh: timed out waiting for $file; it says:" >&2
  cat "$file" >&2 || true
  return 1
}

# 32 bytes 0x00..0x1f: a fixed key for a throwaway data dir, never a real one.
test_key="AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
parley_err=${PARLEY_STDERR:-$tmp/parley.log}
# Only the master key from the environment: anything else PARLEY_* would change the config.
env -i PATH="$PATH" PARLEY_MASTER_KEY="$test_key" \
  "$parley_bin" serve --port 0 --bind 127.0.0.1 --data "$tmp/data" \
  >"$tmp/parley.out" 2>"$parley_err" &
parley_pid=$!
pids+=("$parley_pid")
parley_port=$(wait_for "$tmp/parley.out" 'listening on http://127\.0\.0\.1:([0-9]+)')

"$bare_bin" --port 0 >"$tmp/bare.out" 2>"$tmp/bare.err" &
bare_pid=$!
pids+=("$bare_pid")
bare_port=$(wait_for "$tmp/bare.out" '^([0-9]+)')

parley_url="http://127.0.0.1:$parley_port/healthz"
bare_url="http://127.0.0.1:$bare_port/"
for url in "$parley_url" "$bare_url"; do
  if ! curl -fsS --max-time 5 "$url" | grep -q '"status":"ok"'; then
    echo "run.sh: $url does not answer {\"status\":\"ok\"}" >&2
    exit 1
  fi
done

ticks_per_second=$(getconf CLK_TCK)
# CPU time (user + sys, in clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# wrk against one server, bounded in time whatever happens to it; appends the server's CPU
# ticks during the run to the report.
run_wrk() {
  local seconds=$1 url=$2 out=$3 pid=$4 before
  before=$(cpu_ticks "$pid")
  timeout --kill-after=5 $((seconds + 30)) \
    wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency "$url" >"$out"
  echo "server_cpu_ticks $(($(cpu_ticks "$pid") - before))" >>"$out"
}

# From a wrk --latency report: requests/s, p99 in ms, failed requests (socket errors plus
# non-2xx/3xx) and the server's CPU microseconds per request, space-separated.
summarize() {
  awk -v tick_us=$((1000000 / ticks_per_second)) '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    /^ +99%/ { p99 = ms($2) }
    /Socket errors:/ {
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) errors += $i + 0
    }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    / requests in / { requests = $1 }
    /^server_cpu_ticks/ { ticks = $2 }
    END { printf "%.0f %.3f %d %.2f\n", rps, p99, errors, requests ? ticks * tick_us / requests : 0 }
  ' "$1"
}

run_wrk "$warmup" "$parley_url" "$tmp/warm-parley.txt" "$parley_pid"
run_wrk "$warmup" "$bare_url" "$tmp/warm-bare.txt" "$bare_pid"

parley_runs=()
bare_runs=()
for round in 1 2; do
  run_wrk "$duration" "$parley_url" "$tmp/parley-$round.txt" "$parley_pid"
  parley_runs+=("$(summarize "$tmp/parley-$round.txt")")
  run_wrk "$duration" "$bare_url" "$tmp/bare-$round.txt" "$bare_pid"
  bare_runs+=("$(summarize "$tmp/bare-$round.txt")")
done

printf '%s\n' "${parley_runs[@]}" >"$tmp/parley.sum"
printf '%s\n' "${bare_runs[@]}" >"$tmp/bare.sum"
awk -v duration="$duration" -v connections="$connections" -v threads="$wrk_threads" '
  {
    side = (NR == FNR) ? "parley" : "bare"
    i = ++n[side]
    rps[side, i] = $1; p99[side, i] = $2; err[side] += $3; cpu[side, i] = $4
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
    printf "{\"bench\":\"http_healthz\",\"wrk\":\"-t%d -c%d -d%ds --latency\",\"order\":\"parley,bare,parley,bare\"", threads, connections, duration
    printf ",\"parley_rps\":%s,\"bare_rps\":%s", list(rps, "parley", "%d"), list(rps, "bare", "%d")
    printf ",\"parley_rps_mean\":%.0f,\"bare_rps_mean\":%.0f", pm, bm
    printf ",\"parley_rps_best\":%d,\"bare_rps_best\":%d", best["parley"], best["bare"]
    printf ",\"parley_p99_ms\":%s,\"bare_p99_ms\":%s", list(p99, "parley", "%.2f"), list(p99, "bare", "%.2f")
    printf ",\"parley_errors\":%d,\"bare_errors\":%d", err["parley"], err["bare"]
    printf ",\"parley_cpu_us_per_req\":%s,\"bare_cpu_us_per_req\":%s", list(cpu, "parley", "%.2f"), list(cpu, "bare", "%.2f")
    printf ",\"cpu_per_req_parley_over_bare\":%.2f", cpu_sum["parley"] / cpu_sum["bare"]
    printf ",\"ratio_of_means\":%.3f,\"ratio_of_bests\":%.3f}\n", pm / bm, best["parley"] / best["bare"]
  }
' "$tmp/parley.sum" "$tmp/bare.sum"
