#!/usr/bin/env bash
# The test suite: setup, type check, lint, then every ava test; ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
npx tsc -p tsconfig.json --noEmit
npm run --silent lint
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
set +e
npx ava --tap "$@" | tee "$tap"
status=${PIPESTATUS[0]}
set -e
passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
skipped=$(sed -n 's/^# skip \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; fi
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
