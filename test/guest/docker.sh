#!/bin/bash
# Inside the QEMU guest: a Docker engine for --runtime docker --lag-driver kernel (issue 23, item 5). Not in
# CI yet: a recipe and its evidence. OUT holds router.tar, the host's router image:
#   docker save "$(./bin/peerlab.js image tag)" -o OUT/router.tar
#   scripts/guest.sh --mem 6G --share OUT -- bash test/guest/docker.sh OUT
# What the guest lacks for dockerd, and this adds: a cgroup2 mount, the tun module (the runtime passes
# /dev/net/tun to every node), a data root the overlay2 driver accepts (a tmpfs, not the guest's overlay root).
out=${1:?usage: docker.sh OUT}
cd "$(dirname "$0")/../.."
section() { echo "=== $1 === $(date +%s)"; }
section dockerd
mkdir -p /var/lib/docker && mount -t tmpfs -o size=3G tmpfs /var/lib/docker
modprobe tun; mount -t cgroup2 none /sys/fs/cgroup; mount | grep -E "cgroup|on / " | head
dockerd --iptables=false --ip6tables=false --bridge=none >/tmp/dockerd.log 2>&1 &
for i in $(seq 90); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker info 2>&1 | grep -E "Server Version|Storage Driver|Cgroup|Kernel|ERROR|error" ; tail -15 /tmp/dockerd.log
section load
docker load -i "$out/router.tar"; echo "load-exit=$?"
section up
./bin/peerlab.js up test/fixtures/labs/guest.yaml --runtime docker --lag-driver kernel --name gd --timeout 600; echo "up-exit=$?"
section status
./bin/peerlab.js status gd; echo
ip netns list | head -3; docker ps --format '{{.Names}}' | head
section bonding
docker exec peerlab-gd.ams-pe1 cat /proc/net/bonding/ams-ic1 2>&1 | head -30
section lag-down
./bin/peerlab.js fault lag-down ams/ic1 --lab gd --before 2 --hold 4 --after 10 --rate 50 2>&1 | tail -30; echo "lag-exit=$?"
section down
./bin/peerlab.js down gd; echo "down-exit=$?"
docker ps -aq | wc -l
section end
