#!/usr/bin/env bash
# The main job: check every reference topology against the requirements, render its configs, then bring
# the reference voice lab up on real routers, record its converged state and tear it down.
# Writes reports/<time>/: check.txt, check.json, configs/, lab-status.txt, lab-status.json, up.log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="reports/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
set +e
./bin/peerlab.js check topologies/*.yaml | tee "$out/check.txt"
status=${PIPESTATUS[0]}
./bin/peerlab.js check --json topologies/*.yaml >"$out/check.json"
set -e
for topology in topologies/*.yaml; do
  ./bin/peerlab.js render "$topology" --out "$out/configs/$(basename "$topology" .yaml)" >/dev/null
done

lab=main-voice
trap './bin/peerlab.js down "$lab" >/dev/null 2>&1 || true' EXIT
./bin/peerlab.js up topologies/maps-voice.yaml --name "$lab" 2>&1 | tee "$out/up.log"
./bin/peerlab.js status "$lab" | tee "$out/lab-status.txt"
./bin/peerlab.js status "$lab" --json >"$out/lab-status.json"
./bin/peerlab.js down "$lab"
trap - EXIT
echo "report: $out"
exit "$status"
