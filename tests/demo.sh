#!/bin/bash
# demo.sh: the same loopback TCP transfer in a scratch cgroup, without and
# then with sockaccel, and the TCP segments each put on the wire.  Creates
# its cgroup, network namespace and pins, and removes them all on exit.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it attaches BPF programs)"; exit 1; }
SA=$BUILD/sockaccel
BYTES=$((512 << 20))

new_cgroup cg
new_netns ns
new_pin_dir pin

run() {	# run LABEL VAR: one transfer in the cgroup and namespace; VAR="SECONDS SEGMENTS"
	local out segs secs
	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -b $BYTES -T 60) || {
		echo "demo: transfer failed: $out"
		exit 1
	}
	segs=$(sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$out")
	secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$out")
	printf '  %-22s %6d TCP segments during the transfer, %5.2f s  %6.1f Gbit/s  (every byte checked)\n' \
		"$1" "$segs" "$secs" "$(awk -v b="$BYTES" -v s="$secs" 'BEGIN { print 2 * b * 8 / s / 1e9 }')"
	printf -v "$2" '%s %s' "$secs" "$segs"
}

echo "sockaccel demo: 512 MiB each way over 127.0.0.1"
echo "  cgroup $cg, network namespace $ns"
run "without acceleration:" plain
"$SA" install --cgroup "$cg" --pin-dir "$pin" | sed 's/^/  /'
run "with acceleration:" accel
echo "  counters:"
"$SA" status --pin-dir "$pin" | sed -n '/^counters:/,$p' | tail -n +2 | sed 's/^/  /'
"$SA" remove --pin-dir "$pin" | sed 's/^/  /'
read -r p_secs p_segs <<<"$plain"
read -r a_secs a_segs <<<"$accel"
awk -v ps="$p_secs" -v as="$a_secs" -v pg="$p_segs" -v ag="$a_segs" 'BEGIN {
	printf "summary: %.2fx the speed of plain TCP (%.2f s -> %.2f s), TCP segments %d -> %d\n", ps / as, ps, as, pg, ag }'
