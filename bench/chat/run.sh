#!/usr/bin/env bash
# Extractive chat turns under wrk (issue 6's benchmark): POST /api/v1/bots/{bot_id}/chat on a
# bot with about 10,000 chunks, every message durably stored, against the bare Beast ceiling
# (bench_bare_beast, the same POSTs answered with a constant body) in the same run,
# alternating. Builds nothing: pass the build dir (default build/release) that holds parley
# and bench/bench_bare_beast.
#   bench/chat/run.sh [BUILD_DIR]
# Env: DURATION (seconds per measured run, default 10), CONNECTIONS (default 64), THREADS
# (wrk threads, default 2), WARMUP (seconds, default 3), ROUNDS (parley/bare pairs, default
# 2), FOLLOW_UPS (0..1, default 0: every turn starts a new conversation with a new visitor;
# 0.5: half the turns continue a conversation whose last reply has arrived), TARGET_CHUNKS
# (default 10000), CORPUS and QUERIES (BEIR SciFact's corpus.jsonl and queries.jsonl by
# default), PARLEY_STDERR (parley's log: a file in the temp dir by default).
# Setup (bench/chat/setup_bot.py) goes through the real API: `parley admin bootstrap`, a key
# with the chat scope only, a bot (messages_per_minute at its maximum: the benchmark's
# visitors must not be throttled), the abstracts as text sources (JSON Lines imports) until
# the bot holds TARGET_CHUNKS chunks, all sources ready. The questions are SciFact's 300
# queries, each wrk thread walking them from its own place.
# Prints one JSON line: turns/s of each run, mean and best, p50/p99, errors (socket errors
# and non-2xx: must be 0; a throttled turn is a 429 and counts here), CPU per request, the
# ratio of the means (goal: at least 0.25) and whether p99 met the goal (under 10 ms).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/bench/lib/wrk_common.sh"
bench_begin bench-chat "${1:-build/release}"
rounds=${ROUNDS:-2}
follow_ups=${FOLLOW_UPS:-0}
target_chunks=${TARGET_CHUNKS:-10000}
corpus=${CORPUS:-$repo/../shared/data/beir/scifact/corpus.jsonl}
queries=${QUERIES:-$repo/../shared/data/beir/scifact/queries.jsonl}
command -v python3 >/dev/null || { echo "run.sh: python3 is needed for the setup" >&2; exit 2; }

start_parley "$parley_bin" "$tmp/data" "${PARLEY_STDERR:-$tmp/parley.log}"
start_bare "$bare_bin"

PARLEY_MASTER_KEY="$bench_master_key" python3 "$repo/bench/chat/setup_bot.py" \
  --parley "$parley_bin" --data "$tmp/data" --port "$parley_port" --out "$tmp/setup.json" \
  --corpus "$corpus" --queries "$queries" --questions "$tmp/questions.jsonl" \
  --target-chunks "$target_chunks" 2>"$tmp/setup.log" || { cat "$tmp/setup.log" >&2; exit 1; }
setup_field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$tmp/setup.json" "$1"; }
bot_id=$(setup_field bot_id)
chunks=$(setup_field chunks)
sources=$(setup_field sources)
ingest_seconds=$(setup_field ingest_seconds)
export CHAT_PATH="/api/v1/bots/$bot_id/chat"
export CHAT_KEY=$(setup_field chat_key)
export CHAT_QUESTIONS="$tmp/questions.jsonl"
export FOLLOW_UPS="$follow_ups"

parley_url="http://127.0.0.1:$parley_port"
bare_url="http://127.0.0.1:$bare_port"
# One turn by hand: the route, the key and the bot work, and the answer is not a fallback
# for every question.
probe=$(curl -sS --max-time 10 -H "Authorization: Bearer $CHAT_KEY" -H 'Content-Type: application/json' \
  -d "$(sed -n 4p "$CHAT_QUESTIONS")" -w '\n%{http_code}' "$parley_url$CHAT_PATH")
if [ "$(tail -n1 <<<"$probe")" != 200 ] || ! grep -q '"conversation_id":"cnv_' <<<"$probe"; then
  echo "run.sh: a chat turn failed: $probe" >&2
  exit 1
fi

script=(-s "$repo/bench/chat/chat.lua")
run_wrk "$warmup" "$parley_url" "$tmp/warm-parley.txt" "$parley_pid" "${script[@]}"
run_wrk "$warmup" "$bare_url" "$tmp/warm-bare.txt" "$bare_pid" "${script[@]}"

for round in $(seq "$rounds"); do
  run_wrk "$duration" "$parley_url" "$tmp/parley-$round.txt" "$parley_pid" "${script[@]}"
  summarize "$tmp/parley-$round.txt" >>"$tmp/parley.sum"
  run_wrk "$duration" "$bare_url" "$tmp/bare-$round.txt" "$bare_pid" "${script[@]}"
  summarize "$tmp/bare-$round.txt" >>"$tmp/bare.sum"
done

# Throttling: any 429 is in the errors above; name the statuses seen if there were errors.
statuses=$(cat "$tmp"/parley-*.txt | awk '/Non-2xx or 3xx responses:/ { s += $NF } END { print s + 0 }')
if [ "$statuses" -gt 0 ]; then
  echo "run.sh: $statuses non-2xx answers; one more turn answers:" >&2
  curl -sS -H "Authorization: Bearer $CHAT_KEY" -H 'Content-Type: application/json' \
    -d "$(sed -n 5p "$CHAT_QUESTIONS")" -w ' (%{http_code})\n' "$parley_url$CHAT_PATH" >&2 || true
fi

compare_json chat_extractive "-t$wrk_threads -c$connections -d${duration}s --latency -s chat.lua" \
  "$tmp/parley.sum" "$tmp/bare.sum"
awk -v chunks="$chunks" -v sources="$sources" -v follow_ups="$follow_ups" \
  -v ingest="$ingest_seconds" '
  { if ($2 > worst) worst = $2 }
  END {
    printf ",\"chunks\":%d,\"sources\":%d,\"ingest_seconds\":%s,\"follow_ups\":%s", chunks, sources, ingest, follow_ups
    printf ",\"goal_ratio\":0.25,\"goal_p99_ms\":10,\"parley_p99_worst_ms\":%.2f,\"p99_goal_met\":%s}\n", worst, worst < 10 ? "true" : "false"
  }' "$tmp/parley.sum"
