#!/usr/bin/env bash
# Installs the npm packages that tests use, each folder exactly as its package-lock.json
# says (`npm ci`), and only when its node_modules is missing or older than the lock file: a
# second run costs a stat. ctest runs it before the tests that need it (a fixture, see
# CMakeLists.txt), so `make test` and a plain `ctest` both install what they use.
# Usage: scripts/npm-deps.sh [folder...]   (default: every folder the tests use)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(tests/openai-client)

for folder in "${folders[@]}"; do
  dir="$root/$folder"
  stamp="$dir/node_modules/.package-lock.json"  # written by npm ci, after the install
  if [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ]; then
    continue
  fi
  if ! command -v npm >/dev/null; then
    echo "npm-deps: npm is missing (scripts/bootstrap.sh installs it)" >&2
    exit 1
  fi
  echo "npm-deps: npm ci in $folder"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
done
