#!/usr/bin/env bash
# Two builds of parley on the same chat benchmark, alternating in one run: how a change
# moves the CPU per chat turn on a machine too noisy for turns/s alone. The bot is set up
# once (by A, as bench/chat/run.sh does it), its data directory copied, then A and B serve
# their copy side by side and wrk runs A, B, A, B... (ROUNDS pairs).
#   bench/chat/ab.sh BUILD_DIR_A BUILD_DIR_B
# A build dir holds `parley` (and bench/bench_bare_beast, unused here). Env as in run.sh:
# DURATION, CONNECTIONS, THREADS, WARMUP, ROUNDS (default 3), FOLLOW_UPS, TARGET_CHUNKS,
# CORPUS, QUERIES; ENV_A / ENV_B: extra NAME=value settings for one side (space-separated).
# Prints one JSON line: per side turns/s, p50, p99, CPU µs per turn of each run, and the
# ratio of B's mean CPU per turn to A's.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/bench/lib/wrk_common.sh"
build_b=${2:?usage: ab.sh BUILD_A BUILD_B}
[[ $build_b = /* ]] || build_b="$repo/$build_b"
parley_b="$build_b/parley"
[ -x "$parley_b" ] || { echo "ab.sh: no $parley_b" >&2; exit 2; }
bench_begin bench-chat-ab "$1"
parley_a=$parley_bin
rounds=${ROUNDS:-3}
target_chunks=${TARGET_CHUNKS:-10000}
corpus=${CORPUS:-$repo/../shared/data/beir/scifact/corpus.jsonl}
queries=${QUERIES:-$repo/../shared/data/beir/scifact/queries.jsonl}
export FOLLOW_UPS=${FOLLOW_UPS:-0}

# Starts `parley serve` (binary $1) on data dir $2 with extra settings $3; sets
# served_pid and served_port (its output in $2.out). Not in a subshell: the cleanup must
# know every pid.
serve() {
  local bin=$1 data=$2 extra=$3
  # shellcheck disable=SC2086
  env -i PATH="$PATH" PARLEY_MASTER_KEY="$bench_master_key" $extra \
    "$bin" serve --port 0 --bind 127.0.0.1 --data "$data" >"$data.out" 2>"$data.log" &
  served_pid=$!
  pids+=("$served_pid")
  served_port=$(wait_for "$data.out" 'listening on http://127\.0\.0\.1:([0-9]+)')
}
stop() {
  kill -TERM "$1"
  wait "$1" 2>/dev/null || true
}

serve "$parley_a" "$tmp/a" ""
setup_pid=$served_pid
setup_port=$served_port
PARLEY_MASTER_KEY="$bench_master_key" python3 "$repo/bench/chat/setup_bot.py" \
  --parley "$parley_a" --data "$tmp/a" --port "$setup_port" --out "$tmp/setup.json" \
  --corpus "$corpus" --queries "$queries" --questions "$tmp/questions.jsonl" \
  --target-chunks "$target_chunks" 2>"$tmp/setup.log" || { cat "$tmp/setup.log" >&2; exit 1; }
stop "$setup_pid"
cp -a "$tmp/a" "$tmp/b"
setup_field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$tmp/setup.json" "$1"; }
bot_id=$(setup_field bot_id)
export CHAT_PATH="/api/v1/bots/$bot_id/chat"
export CHAT_KEY=$(setup_field chat_key)
export CHAT_QUESTIONS="$tmp/questions.jsonl"

serve "$parley_a" "$tmp/a" "${ENV_A:-}"
pid_a=$served_pid
port_a=$served_port
serve "$parley_b" "$tmp/b" "${ENV_B:-}"
pid_b=$served_pid
port_b=$served_port
script=(-s "$repo/bench/chat/chat.lua")
run_wrk "$warmup" "http://127.0.0.1:$port_a" "$tmp/warm-a.txt" "$pid_a" "${script[@]}"
run_wrk "$warmup" "http://127.0.0.1:$port_b" "$tmp/warm-b.txt" "$pid_b" "${script[@]}"
for round in $(seq "$rounds"); do
  run_wrk "$duration" "http://127.0.0.1:$port_a" "$tmp/a-$round.txt" "$pid_a" "${script[@]}"
  summarize "$tmp/a-$round.txt" >>"$tmp/a.sum"
  run_wrk "$duration" "http://127.0.0.1:$port_b" "$tmp/b-$round.txt" "$pid_b" "${script[@]}"
  summarize "$tmp/b-$round.txt" >>"$tmp/b.sum"
done

awk -v a="$1" -v b="$2" -v chunks="$(setup_field chunks)" '
  {
    side = (NR == FNR) ? "a" : "b"
    i = ++n[side]
    rps[side, i] = $1; p99[side, i] = $2; err[side] += $3; cpu[side, i] = $4; p50[side, i] = $5
    cpu_sum[side] += $4
  }
  function list(arr, side, fmt,   s, k) {
    s = ""
    for (k = 1; k <= n[side]; k++) s = s (k > 1 ? "," : "") sprintf(fmt, arr[side, k])
    return "[" s "]"
  }
  END {
    printf "{\"bench\":\"chat_ab\",\"a\":\"%s\",\"b\":\"%s\",\"chunks\":%d", a, b, chunks
    for (s = 1; s <= 2; s++) {
      side = s == 1 ? "a" : "b"
      printf ",\"%s_rps\":%s,\"%s_p50_ms\":%s,\"%s_p99_ms\":%s,\"%s_cpu_us_per_turn\":%s,\"%s_errors\":%d",
        side, list(rps, side, "%d"), side, list(p50, side, "%.2f"), side, list(p99, side, "%.2f"),
        side, list(cpu, side, "%.1f"), side, err[side]
    }
    printf ",\"cpu_b_over_a\":%.3f}\n", cpu_sum["b"] / n["b"] / (cpu_sum["a"] / n["a"])
  }' "$tmp/a.sum" "$tmp/b.sum"
