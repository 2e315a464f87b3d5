#!/usr/bin/env bash
# `make run`: on the first run, creates the operator's account and workspace, starts the
# server, makes a ready demo bot from scripts/demo/knowledge.json and saves how to sign in
# and chat with it; on later runs, starts the server. The server stays in the foreground;
# Ctrl-C or SIGTERM drains it.
set -euo pipefail
build_dir=${1:-build/release}
data_dir=${2:-data}
parley="$build_dir/parley"
first_login="$data_dir/first-login.txt"
port=8080
here=$(cd "$(dirname "$0")" && pwd)

print_first_login() {
  echo "How to sign in and chat (kept in $first_login):"
  sed 's/^/  /' "$first_login"
}

if [ -e "$data_dir/parley.db" ]; then
  [ -f "$first_login" ] && print_first_login
  exec "$parley" serve --data "$data_dir" --port "$port"
fi

password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
made=$("$parley" admin bootstrap --data "$data_dir" --email admin@example.com \
         --password "$password" --workspace "Demo workspace")
api_key=$(printf '%s' "$made" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
workspace=$(printf '%s' "$made" | sed -n 's/.*"workspace_id":"\([^"]*\)".*/\1/p')

"$parley" serve --data "$data_dir" --port "$port" &
server=$!
trap 'kill -TERM $server 2>/dev/null' INT TERM
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
bot=$(python3 "$here/demo/create_demo_bot.py" "$port" "$api_key" "$workspace")

umask 077
cat > "$first_login" <<TEXT
Sign in:   POST http://127.0.0.1:$port/api/v1/auth/login
           {"email":"admin@example.com","password":"$password"}
API key:   Authorization: Bearer $api_key
Demo bot:  $bot (knows about Parley itself). Ask it:
           curl -s http://127.0.0.1:$port/api/v1/bots/$bot/chat -H 'Authorization: Bearer $api_key' \\
                -H 'Content-Type: application/json' -d '{"message":"How do I embed the bot?"}'
Account:   $made
TEXT
print_first_login
wait $server
