#!/usr/bin/env bash
# The reference scenarios on real Linux bonds: in a QEMU guest with Debian's kernel (scripts/guest.sh; this
# host's kernel has no bonding), netns runtime, --lag-driver kernel; then the same scenarios on the host
# (netns, Open vSwitch userspace LAGs), one after the other, never at once; then one table side by side.
#
#   bash scripts/bench-kernel-bonds.sh [--guest-only] [scenario files or folders; default scenarios/]
#
# Writes reports/kernel-bonds-<time>/: guest/ and host/ (each a full report), side-by-side.md, times.txt.
# Exit 0 when both runs ended (their verdicts are in the table), 1 when one could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
host=1
if [ "${1:-}" = --guest-only ]; then host=; shift; fi
[ $# -gt 0 ] || set -- scenarios/
out="reports/kernel-bonds-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out/guest" "$out/host"
began=$SECONDS
set +e
# 6 GiB: the guest's tmpfs overlay holds the labs' files; the labs themselves run one at a time.
bash scripts/guest.sh --mem 6G --share "$out" -- \
  ./bin/peerlab.js run "$@" --runtime netns --lag-driver kernel --report-dir "$out/guest/run" \
  >"$out/guest/console.log" 2>&1
guest=$?
echo "guest (QEMU/TCG, kernel bonds): exit $guest in $((SECONDS - began)) s" | tee "$out/times.txt"
runs=("$out/guest/run/run.json")
labels="kernel bonds (guest)"
if [ -n "$host" ]; then
  began=$SECONDS
  ./bin/peerlab.js run "$@" --runtime netns --lag-driver ovs --report-dir "$out/host/run" >"$out/host/console.log" 2>&1
  echo "host (netns, OVS userspace): exit $? in $((SECONDS - began)) s" | tee -a "$out/times.txt"
  runs=("$out/host/run/run.json" "${runs[@]}")
  labels="OVS userspace (host),$labels"
fi
set -e
for run in "${runs[@]}"; do [ -s "$run" ] || { echo "no $run: see ${run%/run/run.json}/console.log" >&2; exit 1; }; done
if [ ${#runs[@]} -gt 1 ]; then
  ./bin/peerlab.js report side-by-side "${runs[@]}" --labels "$labels" >"$out/side-by-side.md"
  cat "$out/side-by-side.md"
fi
echo "reports: $out"
