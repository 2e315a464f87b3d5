#!/usr/bin/env bash
# Installs what building, running and testing Parley needs, and only what is missing.
# Idempotent: a second run installs nothing and runs `apt-get update` at most once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl ca-certificates python3
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsqlite3-dev sqlite3 libsodium-dev libpq-dev postgresql-15
  libcli11-dev libtomlplusplus-dev
  libcurl4-openssl-dev python3-aiosmtpd
  libmagic-dev libpoppler-cpp-dev libzip-dev libpugixml-dev libgumbo-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev libicu-dev
  libcairo2-dev zip
  libstemmer-dev libxapian-dev libhnswlib-dev
  libgtest-dev libgmock-dev libbenchmark-dev wrk
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

# Node.js and npm run the tests that drive Parley with npm packages (tests/openai-client,
# installed by scripts/npm-deps.sh): the machine's own when it has them (a Node.js package
# that bundles npm conflicts with Debian's npm), Debian's otherwise.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
