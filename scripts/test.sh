#!/usr/bin/env bash
# The test suite: setup, type check, lint, then every ava test; ends with "N passed, N failed".
#
#   bash scripts/test.sh              the whole suite, in two phases (below)
#   bash scripts/test.sh FILE...      those test files only (ava's arguments), one phase
#
# The QEMU guest's part (test/guest/kernel-bonds.sh: kernel bonds, netem, a certify) is CPU-bound for
# several minutes. It starts in the background while the files that judge no timing run (phase 1: unit
# tests, lab lifecycle, parsers, certify's R-* rows without scenarios); the files whose labs measure
# themselves and judge timings run after it has finished, on a CPU nothing else of the suite uses
# (phase 2), with test/guest.e2e.test.ts reading what the guest printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
npx tsc -p tsconfig.json --noEmit
npm run --silent lint

# Phase 2: labs that judge timings (self-measured verdicts), the guest's own test, and the npm package
# (its prepack rebuilds dist/, which the guest is running). A new *.e2e file lands here unless listed in
# phase 1's quiet list below.
timed=(test/certify.e2e.test.ts test/run.e2e.test.ts test/faults.e2e.test.ts test/attach.e2e.test.ts
  test/probe.e2e.test.ts test/guest.e2e.test.ts test/package.test.ts)
# e2e files that judge no timing: they may share the CPU with the guest.
quiet_e2e=(test/lab.e2e.test.ts test/partner.e2e.test.ts test/partner-corpus-versions.e2e.test.ts
  test/sandbox.e2e.test.ts test/certify-rules.e2e.test.ts test/guest-suite.e2e.test.ts)

taps=()
guest_pid=
guest_dir=
cleanup() {
  [ -z "$guest_pid" ] || kill "$guest_pid" 2>/dev/null || true
  rm -f "${taps[@]}"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

status=0
run_ava() {
  local tap
  tap=$(mktemp)
  taps+=("$tap")
  set +e
  npx ava --tap "$@" | tee "$tap"
  local code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] || status=$code
}
sum() { sed -n "s/^# $1 \([0-9]*\)\$/\1/p" "${taps[@]}" | awk '{ n += $1 } END { print n + 0 }'; }

if [ $# -gt 0 ]; then
  run_ava "$@"
else
  phase1=()
  for f in test/*.test.ts; do
    case " ${timed[*]} " in *" $f "*) continue ;; esac
    case "$f" in *.e2e.test.ts) case " ${quiet_e2e[*]} " in *" $f "*) ;; *) timed+=("$f"); continue ;; esac ;; esac
    phase1+=("$f")
  done
  guest_dir=$(mktemp -d /tmp/peerlab-guest-run.XXXXXX)
  started=$(date +%s)
  # timeout(1) stops the guest (guest.sh stops qemu on TERM) after 25 minutes; it exits 124 then.
  timeout 1500 bash scripts/guest.sh --mem 6G --share "$guest_dir" -- \
    bash test/guest/kernel-bonds.sh "$guest_dir" >"$guest_dir/console.log" 2>&1 </dev/null &
  guest_pid=$!
  echo "# phase 1: ${#phase1[@]} files that judge no timing, beside the QEMU guest (pid $guest_pid, $guest_dir)"
  run_ava "${phase1[@]}"
  set +e
  wait "$guest_pid"
  guest_exit=$?
  set -e
  guest_pid=
  echo "$guest_exit $(($(date +%s) - started))" >"$guest_dir/status"
  echo "# the guest finished: exit $guest_exit after $(($(date +%s) - started)) s"
  echo "# phase 2: ${#timed[@]} files whose labs judge timings, alone on the CPU"
  PEERLAB_GUEST_RUN=$guest_dir run_ava "${timed[@]}"
  # guest.e2e removes the folder when its tests pass; a failure keeps its reports.
  [ ! -d "$guest_dir" ] || echo "# the guest's console and reports: $guest_dir"
fi

passed=$(sum pass)
failed=$(sum fail)
skipped=$(sum skip)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
