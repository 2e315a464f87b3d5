#!/usr/bin/env bash
# `make run`: on the first run, creates the operator's account and workspace and saves how
# to sign in; then starts the server in the foreground.
set -euo pipefail
build_dir=${1:-build/release}
data_dir=${2:-data}
parley="$build_dir/parley"
first_login="$data_dir/first-login.txt"

if [ ! -e "$data_dir/parley.db" ]; then
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  made=$("$parley" admin bootstrap --data "$data_dir" --email admin@example.com \
           --password "$password" --workspace "Demo workspace")
  api_key=$(printf '%s' "$made" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p')
  umask 077
  cat > "$first_login" <<TEXT
Sign in:  POST http://127.0.0.1:8080/api/v1/auth/login
          {"email":"admin@example.com","password":"$password"}
API key:  Authorization: Bearer $api_key
Account:  $made
TEXT
fi

if [ -f "$first_login" ]; then
  echo "How to sign in (kept in $first_login):"
  sed 's/^/  /' "$first_login"
fi
exec "$parley" serve --data "$data_dir"
