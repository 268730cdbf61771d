#!/bin/bash
# boot.t: build/sockaccel-static proven in a booted initramfs.  The initramfs
# (newc cpio, gzip) holds only the static binary and tests/boot/init.c; it
# boots with qemu-system-x86_64 -accel tcg on Debian's stock cloud kernel
# (linux-image-cloud-amd64, 6.1: a second kernel version next to the host's).
# init mounts proc, sysfs and cgroup2, runs `sockaccel install` (which must
# mount bpffs itself), moves 4 MiB each way over 127.0.0.1 with and without
# acceleration, checks counters, OutSegs, status and remove, and prints
# "SOCKACCEL-BOOT-RESULT: PASS|FAIL"; qemu's exit code says nothing, so that
# line on the serial console is what counts.  Each of init's checks becomes
# a TAP line here.  No root needed except to install missing packages.
. "$(dirname "$0")/../lib.sh"

SA=$BUILD/sockaccel-static
INIT=$BUILD/tests/boot/init
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}	# seconds; a TCG boot and run takes ~3-10

[ -x "$SA" ] || bail "$SA is not built (run make test)"
[ -x "$INIT" ] || bail "$INIT is not built (run make test)"

# Both programs of the image must stand alone: there is no /lib in it.
out=$(ldd "$SA" 2>&1)
check "ldd sockaccel-static: $(echo $out)" grep -q "not a dynamic executable" <<<"$out"
out=$(ldd "$INIT" 2>&1)
check "ldd init: $(echo $out)" grep -q "not a dynamic executable" <<<"$out"
size=$(stat -c %s "$SA")
lt "$size" 98305 "sockaccel-static is at most 96 KiB"
[ -x "$BUILD/sockaccel" ] && diag "sizes: sockaccel $(stat -c %s "$BUILD/sockaccel") bytes (libelf, dynamic), sockaccel-static $size bytes"

# qemu and the stock kernel (tests/deps.sh installs the `boot` group).
kernel() { ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1; }
if ! command -v qemu-system-x86_64 >/dev/null || [ -z "$(kernel)" ] ||
	! command -v cpio >/dev/null; then
	[ "$(id -u)" = 0 ] || skip_all "qemu-system-x86 or linux-image-cloud-amd64 missing, and not root to install them"
	"$TOP/tests/deps.sh" boot || bail "cannot install the boot test's packages"
fi
K=$(kernel)
[ -n "$K" ] || bail "linux-image-cloud-amd64 installed no /boot/vmlinuz-*-cloud-amd64"
[ -r "$K" ] || skip_all "$K is not readable by uid $(id -u)"
kver=${K#/boot/vmlinuz-}
diag "kernel: $K (host runs $(uname -r))"

"$TOP/tests/boot/mkinitramfs.sh" "$T_TMP/initramfs.cpio.gz" "$INIT" "$SA" ||
	bail "cannot build the initramfs"
listing=$(gzip -dc "$T_TMP/initramfs.cpio.gz" | cpio --quiet -it | LC_ALL=C sort | tr '\n' ' ')
is "$listing" "bin bin/sockaccel dev $([ "$(id -u)" = 0 ] && echo 'dev/console ')init proc sys " \
	"initramfs holds only init and sockaccel"
diag "initramfs: $(stat -c %s "$T_TMP/initramfs.cpio.gz") bytes (gzip)"

# -no-reboot and panic=-1: a crashed init ends qemu at once instead of
# looping; timeout ends a hung one.
log=$T_TMP/serial.log
t0=$(date +%s%N)
timeout -k 5 "$BOOT_TIMEOUT" qemu-system-x86_64 -accel tcg -m 256M -smp 1 \
	-nographic -no-reboot -nic none \
	-kernel "$K" -initrd "$T_TMP/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4" </dev/null >"$log" 2>&1
qrc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
diag "qemu exited with $qrc after $((ms / 1000)).$(printf %03d $((ms % 1000))) s (boot, test, power off)"
[ "$qrc" = 124 ] && diag "qemu ran into the ${BOOT_TIMEOUT} s time limit"
# Plain lines: no carriage returns, no terminal escapes (SeaBIOS clears the screen).
tr -d '\r' <"$log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b[A-Za-z]//g' >"$log.txt"

# init's own checks, one TAP line each.
n=0
while IFS= read -r line; do
	case $line in
	"SA-BOOT ok "*) ok 0 "[vm] ${line#SA-BOOT ok [0-9]* - }"; n=$((n + 1)) ;;
	"SA-BOOT not ok "*) ok 1 "[vm] ${line#SA-BOOT not ok [0-9]* - }"; n=$((n + 1)) ;;
	esac
done <"$log.txt"
result=$(grep -a '^SOCKACCEL-BOOT-RESULT: ' "$log.txt")
diag "${result:-no result line}"
check "init reported all its checks ($n)" [ "$n" -ge 20 ]
check "the VM ran $kver, not the host's kernel ($(uname -r))" \
	eval '[ "$kver" != "$(uname -r)" ] && grep -q "SA-BOOT init: kernel $kver " "$log.txt"'
check "the serial console says SOCKACCEL-BOOT-RESULT: PASS, after all $n checks" \
	grep -qx "SOCKACCEL-BOOT-RESULT: PASS: $n checks on kernel $kver;.*" <<<"$result"
check "init powered the machine off" grep -q 'reboot: Power down' "$log.txt"
lt "$ms" $((BOOT_TIMEOUT * 1000)) "within the time limit (ms)"
if [ "$T_FAILED" != 0 ]; then
	diag "serial console, last 40 lines:"
	tail -n 40 "$log.txt" | sed 's/^/#   /'
fi
done_testing
