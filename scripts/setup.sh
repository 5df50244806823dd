#!/usr/bin/env bash
# Installs what peerlab needs on Debian/Ubuntu, idempotently: router daemons whose parsers
# validate rendered configs, and the npm dependencies. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v vtysh >/dev/null 2>&1 || need+=(frr)
command -v bird >/dev/null 2>&1 || need+=(bird2)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
