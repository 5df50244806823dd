#!/usr/bin/env bash
# Installs what peerlab needs on Debian/Ubuntu, idempotently: router daemons whose parsers
# validate rendered configs, and the npm dependencies. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

# Router daemons and tools: their parsers validate rendered configs, and the netns runtime runs them on the host.
# Docker and debootstrap: the container runtime and its offline image build. Chromium: tests open report.html headless.
need=()
for pair in vtysh:frr bird:bird2 ovs-vswitchd:openvswitch-switch ip:iproute2 nft:nftables ping:iputils-ping \
  pgrep:procps dockerd:docker.io debootstrap:debootstrap chromium:chromium; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# A Docker engine for the default runtime: start Debian's dockerd when none answers.
if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  mkdir -p /var/log/peerlab
  nohup dockerd >/var/log/peerlab/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/peerlab/dockerd.log" >&2; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The compiled CLI and library (dist/): bin/peerlab.js runs it, no TypeScript at run time.
npm run --silent build

# The router image (about 75 s offline the first time; tagged by its recipe, so later runs find it).
./bin/peerlab.js image build
