#!/usr/bin/env bash
# Installs what peerlab needs on Debian/Ubuntu, idempotently: router daemons whose parsers
# validate rendered configs, and the npm dependencies. Run as root.
#   bash scripts/setup.sh           what the main job and the peerlab commands run
#   bash scripts/setup.sh --tests   that, and what only the tests use: a QEMU guest with a real kernel
#                                   (its bonding driver), Chromium to open report.html headless
set -euo pipefail
cd "$(dirname "$0")/.."
tests=
case "${1:-}" in
  --tests) tests=1 ;;
  '') ;;
  *) echo "setup: unknown option $1 (allowed: --tests)" >&2; exit 2 ;;
esac
began=$SECONDS

export DEBIAN_FRONTEND=noninteractive
updated=
install() {
  [ "$#" -gt 0 ] || return 0
  echo "setup: installing $*"
  [ -n "$updated" ] || { apt-get update -qq; updated=1; }
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# Host tools no driver brings: Docker and debootstrap (the container runtime and its offline image build),
# nsenter (faults and probes enter node namespaces), tcpdump (certify's control-plane captures per failure).
tools=(ip:iproute2 nft:nftables ping:iputils-ping pgrep:procps nsenter:util-linux dockerd:docker.io
  debootstrap:debootstrap tcpdump:tcpdump)
# The tests open report.html headless in Chromium.
[ -z "$tests" ] || tools+=(chromium:chromium)
need=()
for pair in "${tools[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || need+=("${pair#*:}")
done
install "${need[@]}"

# For the tests, a real kernel with bonding and netem in a QEMU guest (scripts/guest.sh; this host's kernel
# has neither): Debian's kernel and its modules, QEMU (software emulation), a static busybox for the initramfs.
if [ -n "$tests" ]; then
  missing=()
  for package in qemu-system-x86 linux-image-amd64 busybox-static cpio; do installed "$package" || missing+=("$package"); done
  install "${missing[@]}"
fi

# A Docker engine for the default runtime: start Debian's dockerd when none answers.
if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  mkdir -p /var/log/peerlab
  # Appended, not truncated: a restart after a wedged engine keeps what it logged before.
  nohup dockerd >>/var/log/peerlab/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/peerlab/dockerd.log" >&2; exit 1; }
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The compiled CLI and library (dist/): bin/peerlab.js runs it, no TypeScript at run time.
npm run --silent build

# What the daemon and LAG drivers run (FRR, BIRD, Open vSwitch...) is the router image's package list; the
# host needs it too: configs are validated with the daemons' own parsers, and the netns runtime runs them.
missing=()
for package in $(./bin/peerlab.js image packages); do installed "$package" || missing+=("$package"); done
install "${missing[@]}"

# The router image (about 75 s offline the first time; tagged by its recipe, so later runs find it).
./bin/peerlab.js image build
echo "setup: ready in $((SECONDS - began)) s${tests:+ (with the test tools)}"
