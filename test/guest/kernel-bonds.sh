#!/bin/bash
# Runs inside the QEMU guest (scripts/guest.sh --share OUT): the kernel bonding driver end to end on a small
# netns lab (LACP, netem delay and loss), then certify with partner-voice's own configs on one row of each
# E-* the kernel-bond CI subset asks for (E-LAG-MEMBER, E-ACTIVE-ACTIVE, E-SILENT, E-GEO), its report in OUT.
# Prints each result between markers for test/guest.e2e.test.ts; every step runs even if one fails.
#
#   scripts/guest.sh --mem 6G --share OUT -- bash test/guest/kernel-bonds.sh OUT
out=${1:?usage: kernel-bonds.sh OUT}
cd "$(dirname "$0")/../.."
peerlab() { ./bin/peerlab.js "$@"; }
section() { echo "=== $1 === $(date +%s)"; }
section kernel; uname -r; grep -c . /proc/net/bonding/* 2>/dev/null | head -1 || true
section up
peerlab up test/fixtures/labs/guest.yaml --runtime netns --lag-driver kernel --name g --timeout 600; echo "up-exit=$?"
section bonding
cat /run/netns/peerlab-g.ams-pe1 >/dev/null 2>&1; ip netns exec peerlab-g.ams-pe1 cat /proc/net/bonding/ams-ic1
section status
peerlab status g --json; echo; echo "status-exit=$?"
section delay
# 8 flows per pair at 25 pps: with 4 at 50, ECMP's per-namespace hash seed put none on ams/ic1 twice (CI, 2026-12-03
# and 2026-12-05 with a CPU hog); the same 400 pps in all.
peerlab fault delay ams/ic1 --lab g --delay 200ms --before 2 --hold 4 --after 2 --rate 25 --flows-per-pair 8 --json /tmp/delay.json; echo "delay-exit=$?"
cat /tmp/delay.json; echo
section loss
# netem's own loss (random-loss --method netem), as a lossy transport circuit: 10% at both ends of ams/ic1 (BFD at 300 ms x 3 rarely sees it).
peerlab fault random-loss ams/ic1 --method netem --percent 10 --lab g --before 2 --hold 8 --after 6 --rate 50 --flows-per-pair 4 --json /tmp/loss.json; echo "loss-exit=$?"
cat /tmp/loss.json; echo
section after
peerlab status g --json; echo
section down
peerlab down g; echo "down-exit=$?"
ip netns list | wc -l
section certify
./bin/peerlab.js certify examples/partner-voice/topology.yaml --runtime netns --lag-driver kernel \
  --only "ams/ic1/m1 carrier-loss,ams/ic1 carrier-loss,ams/ic1 gray-blackhole,metro:ams site-down" \
  --out "$out/certify"
echo "certify-exit=$?"
section left
ip netns list | wc -l
section end
