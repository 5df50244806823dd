#!/bin/bash
# Inside the QEMU guest: a Docker engine, then the two ways containers get kernel bonds (issue 23, items 4
# and 5):
#   - the small lab (test/fixtures/labs/guest.yaml) on `peerlab up --runtime docker --lag-driver kernel`,
#     a LAG lost under probe traffic, down;
#   - a small voice lab (test/fixtures/labs/small.yaml) from `peerlab export containerlab`, deployed the
#     way containerlab deploys it (test/guest/containerlab.ts),
#     its start.sh making the bonds, then `peerlab run --attach` of an E-LAG-MEMBER scenario, destroyed.
# Prints each result between markers for test/guest-docker.e2e.test.ts; every step runs even if one fails.
# OUT holds router.tar, the host's router image:
#   docker save "$(./bin/peerlab.js image tag)" -o OUT/router.tar
#   scripts/guest.sh --mem 6G --share OUT -- bash test/guest/docker.sh OUT
# What the guest lacks for dockerd, and this adds: a cgroup2 mount, the tun module (the runtime passes
# /dev/net/tun to every node), a data root the overlay2 driver accepts (a tmpfs, not the guest's overlay root).
out=${1:?usage: docker.sh OUT}
cd "$(dirname "$0")/../.."
peerlab() { ./bin/peerlab.js "$@"; }
section() { echo "=== $1 === $(date +%s)"; }
section dockerd
mkdir -p /var/lib/docker && mount -t tmpfs -o size=3G tmpfs /var/lib/docker
modprobe tun; mount -t cgroup2 none /sys/fs/cgroup
dockerd --iptables=false --ip6tables=false --bridge=none >/tmp/dockerd.log 2>&1 &
for i in $(seq 90); do docker info >/dev/null 2>&1 && break; sleep 1; done
docker info 2>&1 | grep -E "Server Version|Storage Driver|Cgroup Version|ERROR" || tail -15 /tmp/dockerd.log
section load
docker load -i "$out/router.tar"; echo "load-exit=$?"

section docker-up
peerlab up test/fixtures/labs/guest.yaml --runtime docker --lag-driver kernel --name gd --timeout 600; echo "up-exit=$?"
section docker-bonding
docker exec peerlab-gd.ams-pe1 cat /proc/net/bonding/ams-ic1
section docker-lag-down
peerlab fault lag-down ams/ic1 --lab gd --before 2 --hold 4 --after 10 --rate 50 --json /tmp/lag-down.json; echo "lag-exit=$?"
cat /tmp/lag-down.json; echo
section docker-down
peerlab down gd; echo "down-exit=$?"
docker ps -aq | wc -l

section clab-deploy
clab=/tmp/clab && mkdir -p "$clab"
peerlab export containerlab test/fixtures/labs/small.yaml --out "$clab"; echo "export-exit=$?"
lab=$(node --import tsx test/guest/containerlab.ts deploy "$clab" small.clab.yml); echo "deploy-exit=$? lab=$lab"
section clab-attach
peerlab run test/fixtures/scenarios/guest-lag-member.yaml --attach small --lag-driver kernel --report-dir "$out/attach"
echo "attach-exit=$?"
docker exec clab-small-a-pe1 cat /proc/net/bonding/a-ic1
section clab-destroy
node --import tsx test/guest/containerlab.ts destroy small; echo "destroy-exit=$?"
docker ps -aq | wc -l
section end
