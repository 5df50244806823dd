#!/usr/bin/env bash
# The main job: check every reference topology against the requirements, render its configs, then run
# the reference scenarios (scenarios/*.yaml) on real labs: bring each topology up once, break it, measure,
# tear it down. Writes reports/<time>/: check.txt, check.json, configs/, and run/ (run.json, report.md,
# report.html, junit.xml). Exits 1 when a requirement check or a scenario expectation fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="reports/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
set +e
./bin/peerlab.js check topologies/*.yaml | tee "$out/check.txt"
checked=${PIPESTATUS[0]}
./bin/peerlab.js check --json topologies/*.yaml >"$out/check.json"
set -e
for topology in topologies/*.yaml; do
  ./bin/peerlab.js render "$topology" --out "$out/configs/$(basename "$topology" .yaml)" >/dev/null
done
set +e
./bin/peerlab.js run scenarios/ --report-dir "$out/run"
ran=$?
set -e
echo "report: $out/run/report.md (and report.html, junit.xml, run.json)"
if [ "$checked" -ne 0 ]; then exit "$checked"; fi
exit "$ran"
