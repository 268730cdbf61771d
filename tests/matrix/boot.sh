#!/bin/bash
# boot.sh SUITE DIR: boot build/kernels/SUITE (tests/matrix/kernels.sh) under
# qemu's TCG with the host's root file system shared read-only over
# virtiofs, and run tests/matrix/guest.sh in it (tests/matrix/init.c).
# Leaves DIR/console.log (the kernel's console, ttyS0) and DIR/results.log
# (what guest.sh wrote to ttyS1).  Exit status: qemu's (124: time limit).
# Root only: virtiofsd runs on the host.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
suite=$1 dir=$2
K=$BUILD/kernels/$suite
INIT=$BUILD/tests/matrix/init
MEM=${MATRIX_MEM:-1536M}
CPUS=${MATRIX_CPUS:-2}
TIMEOUT=${MATRIX_TIMEOUT:-1800}
MATRIX_ARGS=${MATRIX_ARGS:-}
mkdir -p "$dir"
stage=$dir/initramfs
rm -rf "$stage" && mkdir -p "$stage/modules" "$stage/dev"
install -m 0755 "$INIT" "$stage/init"
cp "$K"/modules/* "$stage/modules/"
mknod -m 0600 "$stage/dev/console" c 5 1
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) |
	gzip -1 >"$dir/initramfs.cpio.gz"
rm -rf "$stage"

# virtiofsd serves a read-only bind mount of / made in its own mount
# namespace (it has no read-only mode of its own; the guest mounts it
# read-only too).  Only the root file system: not /proc, /sys, /dev.
sock=$dir/virtiofs.sock
ro=$dir/rootfs
mkdir -p "$ro"
rm -f "$sock"
unshare -m --propagation private sh -c '
	mount --bind / "$1" && mount -o remount,bind,ro "$1" &&
	exec /usr/lib/qemu/virtiofsd --socket-path="$2" -o source="$1" -o cache=auto \
		-o log_level=err' sh "$ro" "$sock" >"$dir/virtiofsd.log" 2>&1 &
vpid=$!
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
# timeout runs in its own process group: a signal to ours must reach it.
qpid=
trap 'kill $qpid $vpid 2>/dev/null; exit 130' INT TERM
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 -accel tcg -m "$MEM" -smp "$CPUS" \
	-display none -monitor none -no-reboot -nic none \
	-object memory-backend-memfd,id=mem,size="$MEM",share=on -machine memory-backend=mem \
	-chardev socket,id=fs,path="$sock" -device vhost-user-fs-pci,chardev=fs,tag=hostroot \
	-serial file:"$dir/console.log" -serial file:"$dir/results.log" \
	-kernel "$K/vmlinuz" -initrd "$dir/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=${MATRIX_LOGLEVEL:-4} sa_top=$TOP sa_build=$BUILD $MATRIX_ARGS" </dev/null >"$dir/qemu.log" 2>&1 &
qpid=$!
wait $qpid
rc=$?
kill "$vpid" 2>/dev/null
wait "$vpid" 2>/dev/null
rmdir "$ro" 2>/dev/null
exit $rc
