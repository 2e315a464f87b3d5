#!/usr/bin/env bash
# How long a bot of about 10,000 chunks takes to load (its first chat turn after a restart:
# the search index, the chunks' texts and their sentence analyses are built from the
# store), and the server's memory after it. Builds nothing; the bot is made once through
# the real API with the first binary (bench/chat/setup_bot.py, as bench/chat/run.sh does),
# then each binary serves the same data dir in turn, ROUNDS times (default 2), alternating.
#   bench/chat/load_time.sh PARLEY_BINARY [PARLEY_BINARY...]
# Env: TARGET_CHUNKS (default 10000), ROUNDS. Prints one line per run: the binary, the
# first turn's seconds, a second turn's seconds, VmRSS in kB.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
source "$repo/bench/lib/wrk_common.sh"
[ $# -ge 1 ] || { echo "usage: $0 PARLEY_BINARY [PARLEY_BINARY...]" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/parley-load-time.XXXXXX")
pids=()
trap bench_cleanup EXIT

start_parley "$1" "$tmp/data" "$tmp/parley.log"
PARLEY_MASTER_KEY="$bench_master_key" python3 "$repo/bench/chat/setup_bot.py" \
  --parley "$1" --data "$tmp/data" --port "$parley_port" --out "$tmp/setup.json" \
  --corpus "$repo/../shared/data/beir/scifact/corpus.jsonl" \
  --queries "$repo/../shared/data/beir/scifact/queries.jsonl" \
  --questions "$tmp/questions.jsonl" --target-chunks "${TARGET_CHUNKS:-10000}" 2>"$tmp/setup.log"
stop_parley() { kill -TERM "$parley_pid"; wait "$parley_pid" 2>/dev/null || true; pids=(); }
stop_parley
setup_field() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$tmp/setup.json" "$1"; }
bot_id=$(setup_field bot_id)
chat_key=$(setup_field chat_key)
turn() {
  curl -sS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $chat_key" \
    -H 'Content-Type: application/json' -d "$(sed -n "$1p" "$tmp/questions.jsonl")" \
    "http://127.0.0.1:$parley_port/api/v1/bots/$bot_id/chat"
}
for _ in $(seq "${ROUNDS:-2}"); do
  for binary in "$@"; do
    start_parley "$binary" "$tmp/data" "$tmp/parley.log"
    first=$(turn 4)
    second=$(turn 5)
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/$parley_pid/status")
    echo "$binary first ${first}s second ${second}s rss ${rss}kB"
    stop_parley
  done
done
