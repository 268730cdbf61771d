#!/bin/bash
# bench/backpressure.sh: what backpressure (issue 17, bpf/sockaccel.bpf.c
# "Backpressure") costs: 64 KiB streams and 64 B round trips, client and
# server on different CPUs, through plain TCP, an install of the
# backpressure build (`install --objects build/bpf/backpressure`; "bp":
# the bound it sets from tcp_wmem) and the same install with no bound
# ("nobound": config's bound at 4 TiB, so it counts but never moves, as
# the programs behaved before), with how often each run moved a socket to
# the stack for backpressure (a move and its return are one move: a socket
# comes back once its reader read everything).  `make bench-backpressure`
# builds what it needs and runs:
#
#   BENCH_SECS=2 BENCH_REPS=3 [SA_UNREAD_MAX_KIB=N] bench/backpressure.sh
#
# One line per run (scenario, workload, figure, moves), then the medians,
# then one stream with no bound and the largest unread count seen (how far
# a healthy reader falls behind).  SA_UNREAD_MAX_KIB: another bound for
# "bp" (written into its config map with bpftool).
. "$(dirname "$0")/../tests/lib.sh"
set -o pipefail
SECS=${BENCH_SECS:-2}
REPS=${BENCH_REPS:-3}
NB=$BUILD/bench/netbench
SA=$BUILD/sockaccel
BP=$BUILD/bpf/backpressure
for f in "$NB" "$SA" "$BP/sockaccel.bpf.o"; do
	[ -e "$f" ] || { echo "bench: $f is not built (make all bench)" >&2; exit 1; }
done
kib_bytes() { echo $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
NCPU=$(nproc)
CPUS="-c 0 -S $((NCPU > 1 ? 1 : 0))"

new_cgroup cg_plain
new_cgroup cg_nobound
new_cgroup cg_bp
new_pin_dir pin_nobound
new_pin_dir pin_bp
for sc in nobound bp; do
	eval "\"\$SA\" install --cgroup \"\$cg_$sc\" --pin-dir \"\$pin_$sc\" --objects \"\$BP\"" >/dev/null || exit 1
done
bpftool map update pinned "$pin_nobound/config" key 0 0 0 0 value 0 0 0 0 $(kib_bytes $(((1 << 32) - 1))) || exit 1
[ -z "${SA_UNREAD_MAX_KIB:-}" ] ||
	bpftool map update pinned "$pin_bp/config" key 0 0 0 0 value 0 0 0 0 $(kib_bytes "$SA_UNREAD_MAX_KIB") || exit 1
echo "bound of bp: $(json_get "$("$SA" status --pin-dir "$pin_bp" --json)" unread_max_kib) KiB"

moved() {	# moved PIN: sockets moved for backpressure so far
	[ -n "$1" ] || { echo 0; return; }
	json_get "$("$SA" status --pin-dir "$1" --json)" sockets_moved_backpressure
}

RES=$(mktemp)
for rep in $(seq "$REPS"); do
	for sc in plain nobound bp; do
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
	for sc in plain nobound bp; do
		med=$(awk -v s=$sc -v w=$1 '$1 == s && $2 == w { split($3, a, "="); print a[2] }' "$RES" |
			sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }')
		mv=$(awk -v s=$sc -v w=$1 '$1 == s && $2 == w { split($4, a, "="); n += a[2] } END { print n + 0 }' "$RES")
		printf '  %-6s %-6s %-7s %10s   sockets moved: %s\n' "$1" "$sc" "$2" "$med" "$mv"
	done
done
rm -f "$RES"

# Why streams get moved: with no bound (4 TiB), how far the reader of one
# 64 KiB stream falls behind, sampled from the unread map.
pin_bp=$pin_nobound
in_cg "$cg_nobound" "$NB" -m stream -s 65536 -f tcp4 -t 3 $CPUS -q 5 >"$T_TMP/nb" &
peak=0
while kill -0 $! 2>/dev/null; do
	# The values as 8 little-endian bytes "0x..": the maps carry no BTF.
	for v in $(bpftool -j map dump pinned "$pin_bp/unread" |
		   grep -o '"value":\[[^]]*' | sed 's/.*\[//; s/"//g'); do
		IFS=, read -r b0 b1 b2 b3 b4 b5 b6 b7 <<<"$v"
		v=$((b0 | b1 << 8 | b2 << 16 | b3 << 24 | b4 << 32 | b5 << 40 | b6 << 48 | b7 << 56))
		[ "$v" -gt "$peak" ] && peak=$v
	done
	sleep 0.1
done
echo "no bound: $(sed 's/.*\(mbps=[0-9.]*\).*/\1/' "$T_TMP/nb"), largest unread while streaming: $((peak >> 20)) MiB"
