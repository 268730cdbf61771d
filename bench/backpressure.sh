#!/bin/bash
# bench/backpressure.sh: what the backpressure build (issue 17, bpf/sockaccel.h
# SA_BACKPRESSURE) costs, against plain TCP and the shipped programs:
# 64 KiB streams and 64 B round trips, client and server on different CPUs,
# and how many sockets each run moved for backpressure (a healthy stream
# should move none).  `make bench-backpressure` builds what it needs and runs:
#
#   BENCH_SECS=2 BENCH_REPS=3 bench/backpressure.sh
#
# One line per run (scenario, workload, figure, sockets moved), then the
# medians, then one stream with no bound and the largest unread count seen
# (how far a healthy reader falls behind).  The backpressure build is loaded with bpftool, as in
# tests/kernel/backpressure.t.
. "$(dirname "$0")/../tests/lib.sh"
set -o pipefail
SECS=${BENCH_SECS:-2}
REPS=${BENCH_REPS:-3}
NB=$BUILD/bench/netbench
SA=$BUILD/sockaccel
OBJ=$BUILD/tests/data/backpressure/sockaccel.bpf.o
for f in "$NB" "$SA" "$OBJ" "$TOOLS/pin_link"; do
	[ -e "$f" ] || { echo "bench: $f is not built (make test-build bench)" >&2; exit 1; }
done
KIB=${SA_UNREAD_MAX_KIB:-$(sed -n 's/^#define SA_UNREAD_MAX_KIB[[:space:]]*//p' "$TOP/bpf/sockaccel.h")}
kib_bytes() { echo $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
NCPU=$(nproc)
CPUS="-c 0 -S $((NCPU > 1 ? 1 : 0))"

new_cgroup cg_plain
new_cgroup cg_ship
new_cgroup cg_bp
new_pin_dir pin_ship
new_pin_dir pin_bp
"$SA" install --cgroup "$cg_ship" --pin-dir "$pin_ship" >/dev/null || exit 1
bpftool prog loadall "$OBJ" "$pin_bp" pinmaps "$pin_bp" &&
	"$TOOLS/pin_link" "$pin_bp/sockaccel_read" "$pin_bp/sockaccel_read_link" sock_recv_length &&
	bpftool map update pinned "$pin_bp/config" key 0 0 0 0 value 0 0 0 0 $(kib_bytes "$KIB") &&
	bpftool prog attach pinned "$pin_bp/sockaccel_msg" msg_verdict pinned "$pin_bp/sock_hash" &&
	bpftool cgroup attach "$cg_bp" sock_ops pinned "$pin_bp/sockaccel_ops" multi || exit 1

moved() {	# moved PIN: sockets moved for backpressure so far
	[ -n "$1" ] || { echo 0; return; }
	json_get "$("$SA" status --pin-dir "$1" --json)" sockets_moved_backpressure
}

RES=$(mktemp)
for rep in $(seq "$REPS"); do
	for sc in plain ship bp; do
		eval "cg=\$cg_$sc; pin=\${pin_$sc:-}"
		for w in stream rr; do
			if [ $w = stream ]; then args="-m stream -s 65536"; key=mbps; else args="-m rr -s 64"; key=p50_us; fi
			m0=$(moved "$pin")
			out=$(in_cg "$cg" "$NB" $args -f tcp4 -t "$SECS" $CPUS -q 5) || continue
			m1=$(moved "$pin")
			v=$(printf '%s\n' "$out" | tr ' ' '\n' | sed -n "s/^$key=//p")
			echo "$sc $w $key=$v moved=$((m1 - m0))" | tee -a "$RES"
		done
	done
done
echo "medians over $REPS runs of ${SECS}s ($(uname -r), $NCPU CPUs):"
for w in "stream mbps" "rr p50_us"; do
	set -- $w
	for sc in plain ship bp; do
		med=$(awk -v s=$sc -v w=$1 '$1 == s && $2 == w { split($3, a, "="); print a[2] }' "$RES" |
			sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }')
		mv=$(awk -v s=$sc -v w=$1 '$1 == s && $2 == w { split($4, a, "="); n += a[2] } END { print n + 0 }' "$RES")
		printf '  %-6s %-6s %-7s %10s   sockets moved: %s\n' "$1" "$sc" "$2" "$med" "$mv"
	done
done
rm -f "$RES"

# Why streams get moved: with no bound (4 TiB), how far the reader of one
# 64 KiB stream falls behind, sampled from the unread map.
bpftool map update pinned "$pin_bp/config" key 0 0 0 0 value 0 0 0 0 $(kib_bytes $(((1 << 32) - 1))) || exit 1
in_cg "$cg_bp" "$NB" -m stream -s 65536 -f tcp4 -t 3 $CPUS -q 5 >"$T_TMP/nb" &
peak=0
while kill -0 $! 2>/dev/null; do
	for v in $(bpftool -j map dump pinned "$pin_bp/unread" | grep -o '"value":[-0-9]*' | cut -d: -f2); do
		[ "$v" -gt "$peak" ] && peak=$v
	done
	sleep 0.1
done
echo "no bound: $(sed 's/.*\(mbps=[0-9.]*\).*/\1/' "$T_TMP/nb"), largest unread while streaming: $((peak >> 20)) MiB"
