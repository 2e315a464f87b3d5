#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL 15 and removes the server afterwards.
#   scripts/with-postgres.sh CMD [ARGS...]
# The server lives in a temp dir, listens on 127.0.0.1 at a free port, trusts local
# connections, and has a database `parley_test`. CMD sees
#   PARLEY_TEST_PG_URL=postgresql://postgres@127.0.0.1:PORT/parley_test
# Works as root (the server then runs as the `postgres` user) and as a normal user.
# Exits with CMD's exit code.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$pg_bin/initdb" ]; then
  echo "with-postgres: no PostgreSQL 15 in $pg_bin (apt-get install postgresql-15)" >&2
  exit 2
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/parley-pg.XXXXXX")
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root.
  chown postgres: "$dir"
  as_server=(runuser -u postgres --)
fi

# Runs a server-side command from inside the temp dir: as `postgres`, the caller's
# working directory may not be readable.
server() { (cd "$dir" && "${as_server[@]}" "$@"); }

started=0
cleanup() {
  if [ "$started" -eq 1 ]; then
    server "$pg_bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
child=""
# On INT/TERM, stop CMD first: the server must outlive it.
on_signal() {
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

server "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The port is free when asked for, but another process may take it before the server
# binds it: try a few.
port=""
for attempt in 1 2 3 4 5; do
  candidate=$(free_port)
  if server "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $candidate -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" \
      start >/dev/null 2>&1; then
    port=$candidate
    started=1
    break
  fi
done
if [ -z "$port" ]; then
  echo "with-postgres: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
fi

"$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres parley_test

export PARLEY_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/parley_test"
# In the background so that a signal reaches the traps at once (bash runs a trap only
# after the foreground command ends); stdin is passed on explicitly.
"$@" <&0 &
child=$!
set +e
wait "$child"
status=$?
set -e
child=""
exit "$status"
