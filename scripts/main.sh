#!/usr/bin/env bash
# The main job: check every reference topology against the requirements and render its configs
# into reports/<date>/ (check.txt, check.json, configs/). Labs and scenarios join as they land.
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
echo "report: $out"
exit "$status"
