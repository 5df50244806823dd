#!/bin/bash
# Runs inside the QEMU guest (scripts/guest.sh): the kernel bonding driver end to end on a small netns lab.
# Prints each result between markers for test/guest.e2e.test.ts; every step runs even if one fails.
cd "$(dirname "$0")/../.."
peerlab() { ./bin/peerlab.js "$@"; }
section() { echo "=== $1 ==="; }
section kernel; uname -r; grep -c . /proc/net/bonding/* 2>/dev/null | head -1 || true
section up
peerlab up test/fixtures/labs/guest.yaml --runtime netns --lag-driver kernel --name g --timeout 600; echo "up-exit=$?"
section bonding
cat /run/netns/peerlab-g.ams-pe1 >/dev/null 2>&1; ip netns exec peerlab-g.ams-pe1 cat /proc/net/bonding/ams-ic1
section status
peerlab status g --json; echo; echo "status-exit=$?"
section member-down
peerlab fault member-down ams/ic1/m1 --lab g --before 2 --hold 4 --after 4 --rate 50 --json /tmp/member.json; echo "member-exit=$?"
cat /tmp/member.json; echo
section lag-down
peerlab fault lag-down ams/ic1 --lab g --before 2 --hold 4 --after 20 --rate 50 --json /tmp/lag.json; echo "lag-exit=$?"
cat /tmp/lag.json; echo
section delay
# 4 flows per pair: with 2, the lab's per-namespace ECMP hash seed once put none on ams/ic1.
peerlab fault delay ams/ic1 --lab g --delay 200ms --before 2 --hold 4 --after 2 --rate 50 --flows-per-pair 4 --json /tmp/delay.json; echo "delay-exit=$?"
cat /tmp/delay.json; echo
section after
peerlab status g --json; echo
section down
peerlab down g; echo "down-exit=$?"
ip netns list | wc -l
section end
