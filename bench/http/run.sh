#!/usr/bin/env bash
# Parley's GET /healthz against a bare Beast server (bench_bare_beast), side by side on this
# machine, under wrk. Builds nothing: pass the build dir (default build/release) that holds
# parley and bench/bench_bare_beast.
#   bench/http/run.sh [BUILD_DIR]
# Env: DURATION (seconds per measured run, default 10), CONNECTIONS (default 64), THREADS
# (wrk threads, default 2), WARMUP (seconds, default 3), PARLEY_STDERR (where parley's log
# goes: a file in the temp dir by default; /dev/null to drop it).
# Parley runs with its default config (access log on) and a fixed test master key. Runs
# alternate A B A B; prints one JSON line: requests/s of each run, their mean and best, p50
# and p99 latencies, errors, the ratio parley/bare of the means (the goal: at least 0.8), and
# each server's CPU time per request (user+sys from /proc): on a shared 2-core machine the
# requests/s swing with whatever else runs, the CPU per request much less.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/bench/lib/wrk_common.sh"
bench_begin bench-http "${1:-build/release}"

start_parley "$parley_bin" "$tmp/data" "${PARLEY_STDERR:-$tmp/parley.log}"
start_bare "$bare_bin"

parley_url="http://127.0.0.1:$parley_port/healthz"
bare_url="http://127.0.0.1:$bare_port/"
for url in "$parley_url" "$bare_url"; do
  if ! curl -fsS --max-time 5 "$url" | grep -q '"status":"ok"'; then
    echo "run.sh: $url does not answer {\"status\":\"ok\"}" >&2
    exit 1
  fi
done

run_wrk "$warmup" "$parley_url" "$tmp/warm-parley.txt" "$parley_pid"
run_wrk "$warmup" "$bare_url" "$tmp/warm-bare.txt" "$bare_pid"

for round in 1 2; do
  run_wrk "$duration" "$parley_url" "$tmp/parley-$round.txt" "$parley_pid"
  summarize "$tmp/parley-$round.txt" >>"$tmp/parley.sum"
  run_wrk "$duration" "$bare_url" "$tmp/bare-$round.txt" "$bare_pid"
  summarize "$tmp/bare-$round.txt" >>"$tmp/bare.sum"
done

compare_json http_healthz "-t$wrk_threads -c$connections -d${duration}s --latency" \
  "$tmp/parley.sum" "$tmp/bare.sum"
echo "}"
