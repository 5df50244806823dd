#!/bin/bash
# Runs inside the QEMU guest (scripts/guest.sh --share OUT): reference scenarios and a partner certification
# on real Linux bonds (netns runtime, --lag-driver kernel), reports written to OUT (the host's folder).
# One of each E-* the kernel-bond CI subset asks for: E-LAG-MEMBER, E-ACTIVE-ACTIVE, E-SILENT, E-GEO, a
# lossy interconnect (nft's random drop); then certify with partner-voice's own configs on two rows.
#
#   scripts/guest.sh --mem 6G --share OUT -- bash test/guest/suite.sh OUT
out=${1:?usage: suite.sh OUT}
cd "$(dirname "$0")/../.."
section() { echo "=== $1 === $(date +%s)"; }
section kernel; uname -r
section run
./bin/peerlab.js run \
  scenarios/voice-lag-member.yaml scenarios/voice-active-active.yaml scenarios/voice-gray-failure.yaml \
  scenarios/voice-site-down.yaml scenarios/voice-lossy-interconnect.yaml \
  --runtime netns --lag-driver kernel --report-dir "$out/run"
echo "run-exit=$?"
section certify
./bin/peerlab.js certify examples/partner-voice/topology.yaml --runtime netns --lag-driver kernel \
  --only "fra-pe1 router-kill,fra/ic1 gray-blackhole" --out "$out/certify"
echo "certify-exit=$?"
section left
ip netns list | wc -l
section end
