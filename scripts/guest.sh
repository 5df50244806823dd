#!/usr/bin/env bash
# Run a command in a QEMU guest with a real Linux kernel (bonding, netem, veth), on this host's own root.
#
#   scripts/guest.sh [--mem 4G] [--share DIR] -- <command> [args...]
#
# --share DIR: the host folder DIR is writable in the guest at the same path (9p), for reports to keep.
#
# The guest boots Debian's kernel (package linux-image-amd64) under software emulation (TCG: KVM here is a
# PVM variant stock kernels cannot use), mounts the host's root read-only over 9p with a tmpfs overlay on
# top (the host is never written), loads modules from the guest kernel's /lib/modules, and runs the
# command as root in the host's working folder. Its output is the guest console; the exit status is the
# command's. Measured facts and why each piece is there: ../shared/notes/kernel-bonds-in-a-guest.md.
# Build products (vmlinux, initramfs) are cached in $PEERLAB_GUEST_DIR (default /var/cache/peerlab/guest).
set -euo pipefail

usage="usage: scripts/guest.sh [--mem 4G] [--share DIR] -- <command> [args...]"
mem=4G
share=
while [ $# -gt 0 ]; do
  case "$1" in
    --mem) mem="$2"; shift 2 ;;
    --share)
      [ -d "${2:-}" ] || { echo "guest: --share needs an existing folder (got '${2:-}')" >&2; exit 2; }
      share=$(cd "$2" && pwd -P); shift 2 ;;
    --) shift; break ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }

for tool in qemu-system-x86_64 busybox python3 cpio; do
  command -v "$tool" >/dev/null || { echo "guest: $tool missing (bash scripts/setup.sh --tests installs qemu-system-x86, busybox-static, cpio)" >&2; exit 69; }
done
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1 || true)
[ -n "$kernel" ] || { echo "guest: no /boot/vmlinuz-* (install linux-image-amd64)" >&2; exit 69; }
kver=${kernel#/boot/vmlinuz-}
out=${PEERLAB_GUEST_DIR:-/var/cache/peerlab/guest}/$kver
mkdir -p "$out"

# The ELF vmlinux inside the bzImage's xz stream boots in ~5 s under TCG (PVH entry), the bzImage in 10-22 s.
if [ ! -s "$out/vmlinux" ]; then
  python3 - "$kernel" "$out/vmlinux.new" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
at = data.find(b'\xfd7zXZ\x00')
if at < 0: sys.exit('guest: no xz stream in ' + sys.argv[1])
out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[at:])
if out[:4] != b'\x7fELF': sys.exit('guest: the xz stream is not an ELF vmlinux')
open(sys.argv[2], 'wb').write(out)
PY
  mv "$out/vmlinux.new" "$out/vmlinux"
fi

if [ ! -s "$out/initrd.gz" ]; then
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{bin,dev,proc,sys,mnt/host,mnt/rw,newroot,modules}
  cp "$(command -v busybox)" "$root/bin/busybox"
  for applet in sh mount umount insmod mkdir cat sed cut switch_root poweroff echo; do ln -s busybox "$root/bin/$applet"; done
  : > "$root/modules/order"
  for module in virtio_pci 9pnet_virtio 9p overlay; do
    modprobe -S "$kver" --show-depends "$module" | awk '$1 == "insmod" { print $2 }' | while read -r ko; do
      name=$(basename "$ko")
      grep -qx "$name" "$root/modules/order" || { cp "$ko" "$root/modules/$name"; echo "$name" >> "$root/modules/order"; }
    done
  done
  cat > "$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod /modules/$m; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /mnt/host
mount -t tmpfs -o size=2G tmpfs /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay overlay -o lowerdir=/mnt/host,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work /newroot
script=$(sed -n 's/.*vm\.script=\([^ ]*\).*/\1/p' /proc/cmdline)
umount /proc /sys
exec switch_root /newroot /bin/bash "$script"
INIT
  chmod +x "$root/init"
  (cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz.new"
  mv "$out/initrd.gz.new" "$out/initrd.gz"
  rm -rf "$root"
  trap - EXIT
fi

# The command runs from a script the guest reads through the host root (the kernel command line names it).
script=$(mktemp /tmp/peerlab-guest.XXXXXX)
trap 'rm -f "$script"' EXIT
{
  echo '#!/bin/bash'
  echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root'
  echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev 2>/dev/null'
  # /run gets a tmpfs (it hides the host's netns and sockets); /tmp stays the host's, seen through the
  # writable overlay: a checkout under /tmp (a CI clone) must stay visible.
  echo 'mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run'
  echo 'mkdir -p /run/netns; ip link set lo up'
  echo "for m in bonding veth sch_netem nf_tables 8021q; do modprobe \$m 2>/dev/null; done"
  # Socket receive buffers of 4 MiB (the kernel's default is 208 KiB): the emulated CPU drains a burst of
  # netlink messages slower than a router's, and BIRD then drops the kernel's notifications ("Kernel dropped
  # some netlink messages, will resync on next scan") and routes by a stale view until its next scan.
  echo 'echo 4194304 > /proc/sys/net/core/rmem_default; echo 4194304 > /proc/sys/net/core/rmem_max'
  [ -z "$share" ] || printf 'mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 share %q\n' "$share"
  printf 'cd %q\n' "$PWD"
  printf '%q ' "$@"; echo
  echo 'echo "peerlab-guest-exit=$?"'
  echo 'echo o > /proc/sysrq-trigger; sleep 30'
} > "$script"
chmod 0644 "$script"

log=$(mktemp /tmp/peerlab-guest-log.XXXXXX)
# qemu runs in the background so that a signal to this script (Ctrl-C, a CI timeout) stops the guest too.
qemu=
cleanup() { [ -z "$qemu" ] || kill "$qemu" 2>/dev/null || true; rm -f "$script" "$log"; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP
# -cpu qemu64: software emulates the baseline x86-64 it asks for faster than -cpu max's AVX-512 and friends, which
# glibc and V8 pick when offered: the small guest lab came up in 17.3 s instead of 23.1 s and went down in
# 11.4 s instead of 16.1 s; 300 process starts took 9.3 s instead of 13.0 s (2026-12-04, 2 cores).
qemu-system-x86_64 -name peerlab-guest -accel tcg,tb-size=256 -cpu qemu64 -m "$mem" -smp 2 -nographic -no-reboot -nic none \
  -kernel "$out/vmlinux" -initrd "$out/initrd.gz" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=passthrough,readonly=on,multidevs=remap \
  ${share:+-virtfs "local,path=$share,mount_tag=share,security_model=passthrough,multidevs=remap"} \
  -append "console=ttyS0 quiet panic=-1 vm.script=$script" </dev/null >"$log" 2>&1 &
qemu=$!
tail --pid="$qemu" -n +1 -f "$log" &
wait "$qemu" || true
qemu=
wait
code=$(sed -n 's/^peerlab-guest-exit=\([0-9]*\).*/\1/p' "$log" | tail -1)
[ -n "$code" ] || { echo "guest: the command did not finish (no exit status on the console)" >&2; exit 70; }
exit "$code"
