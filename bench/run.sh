#!/bin/bash
# bench/run.sh: what `make bench` runs (as root, after building).
#
#   1. loader: `sockaccel install` + `remove` (dynamic, static) against the
#      bpftool sequence on the same programs (bench/loader.sh)
#   1b. real applications: nginx + wrk, redis + redis-benchmark, postgresql
#      + pgbench, iperf3; plain TCP, sockaccel, the reference peer
#      (bench/ref/) and Unix sockets (bench/apps.sh)
#   2. datapath: plain loopback TCP, TCP with sockaccel on the bench's cgroup,
#      Unix stream sockets; request/response and streaming; 64 B, 1 KiB,
#      16 KiB, 64 KiB; client and server on different CPUs and on one CPU;
#      IPv4 (and IPv6 with BENCH_V6=1: it measured the same as IPv4).  The scenarios of one point run back to back, and the
#      whole matrix is repeated BENCH_REPS times (min/median/max).
#   3. small writes: 100 B and 1 KiB streams, plain TCP
#      (with and without Nagle), accelerated, accelerated without the move
#      of small-write streams to the stack ("always") and with every socket
#      moved after one message ("at-once"); and 64 B round trips with
#      spinning readers (no wake-up)
#   4. build/bench/RESULTS.md (every figure, ratios, PASS/MISS per target)
#      and build/bench/chart.png
#
# Everything runs in a network namespace and cgroups created here (removed
# on exit, whatever happens, by tests/lib.sh's trap), so other load tests
# on the host neither see our sockets nor are accelerated by us.  Each
# measurement waits for an idle machine and is repeated when other load
# disturbed it (bench/netbench.c); the log and the table say so.
#
# Environment: BENCH_REPS (3), BENCH_SECS (0.5 per run), BENCH_BUDGET
# (seconds for the datapath measurements, 270: waits for a quiet machine
# shrink as it runs out), BENCH_HF_RUNS (hyperfine runs per loader command,
# 30), APP_REPS and APP_SECS (bench/apps.sh), BENCH_V6=1 (IPv6 datapath
# runs too), BENCH_OBJECTS=DIR (the accelerated cgroups get DIR's objects,
# e.g. build/bpf/backpressure, instead of the built-in ones).  BENCH_QUICK=1: one short pass of everything (2-3 minutes),
# to try the bench, not to quote.
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/apps.sh"
set -o pipefail

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_REPS:=1}" "${BENCH_SECS:=0.3}" "${BENCH_BUDGET:=60}" "${BENCH_HF_RUNS:=5}"
	: "${APP_REPS:=1}" "${APP_SECS:=1}" "${APP_OTHER_MAX:=1000}"
	export BENCH_HF_RUNS APP_REPS APP_SECS APP_OTHER_MAX
fi
REPS=${BENCH_REPS:-3}
SECS=${BENCH_SECS:-0.5}
BUDGET=${BENCH_BUDGET:-270}
OUT=$BUILD/bench
NB=$OUT/netbench
SA=$BUILD/sockaccel
SA_STATIC=$BUILD/sockaccel-static
RES=$OUT/results.tsv
LOG=$OUT/bench.log

[ "$(id -u)" = 0 ] || { echo "bench: run as root (it attaches BPF programs)" >&2; exit 1; }
[ -n "$(cgroup2_root)" ] || { echo "bench: no cgroup v2 mounted" >&2; exit 1; }
for f in "$NB" "$SA" "$SA_STATIC" "$OUT/btf/sockaccel.bpf.o" "$OUT/always/sockaccel.bpf.o" \
	 "$OUT/at-once/sockaccel.bpf.o" "$OUT/ref/ref.bpf.o"; do
	[ -e "$f" ] || { echo "bench: $f is not built (run make bench)" >&2; exit 1; }
done
mkdir -p "$OUT"
: >"$RES"
: >"$LOG"
T0=$(date +%s)

say() { echo "$*" | tee -a "$LOG"; }

NCPU=$(nproc)
CROSS="-c 0 -S 1"
SAME="-c $((NCPU - 1)) -S $((NCPU - 1))"
PINS="cross same"
if [ "$NCPU" -lt 2 ]; then
	PINS="same"
	say "bench: one CPU: only the same-core runs"
fi

# ---- the machine ----
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "kernel: $(uname -r)"
	echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $NCPU CPUs"
	echo "virt: $(lscpu | sed -n 's/^Hypervisor vendor:[[:space:]]*/hypervisor /p')$(systemd-detect-virt -c 2>/dev/null | sed '/^none$/d; s/^/, container /')"
	echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "loadavg_start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "reps: $REPS"
	echo "secs: $SECS"
	echo "app_reps: ${APP_REPS:-4}"
	echo "app_secs: ${APP_SECS:-1}"
	echo "quick: ${BENCH_QUICK:-0}"
	echo "commit: $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)$(git -C "$TOP" diff --quiet HEAD -- bpf elf loader bench 2>/dev/null || echo ' (+ local changes)')"
} >"$OUT/machine.txt"

# ---- 1. loader ----
. "$TOP/bench/loader.sh"
loader_bench

# ---- 1b. real applications ----
: >"$OUT/apps.tsv"
apps_bench || { apps_stop; trap t_cleanup EXIT; say "bench: the application benchmark failed (see $LOG)"; }
echo "loadavg_apps: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
T_DP=$(date +%s)

# ---- 2. and 3.: the datapath ----
new_netns ns
new_cgroup cg_plain
new_cgroup cg_accel
new_cgroup cg_always
new_cgroup cg_pass
new_pin_dir pin_accel
new_pin_dir pin_always
new_pin_dir pin_pass
"$SA" install --cgroup "$cg_accel" --pin-dir "$pin_accel" ${BENCH_OBJECTS:+--objects "$BENCH_OBJECTS"} >>"$LOG" ||
	bail "sockaccel install failed"
"$SA" install --cgroup "$cg_always" --pin-dir "$pin_always" --objects "$OUT/always" >>"$LOG" ||
	bail "sockaccel install --objects $OUT/always failed"
"$SA" install --cgroup "$cg_pass" --pin-dir "$pin_pass" --objects "$OUT/at-once" >>"$LOG" ||
	bail "sockaccel install --objects $OUT/at-once failed"

# The plan: one line per run, "SECTION SCENARIO PIN REP MODE SIZE".
# A scenario names the cgroup and the netbench options it runs with.
scen_cg() {
	case $1 in
	accel*) echo "$cg_accel" ;;
	always*) echo "$cg_always" ;;
	pass*) echo "$cg_pass" ;;
	*) echo "$cg_plain" ;;
	esac
}
scen_args() {
	case $1 in
	*4) echo "-f tcp4" ;;
	*6) echo "-f tcp6" ;;
	unix) echo "-f unix" ;;
	nodelay4) echo "-f tcp4 -n" ;;
	esac
}

PLAN=$T_TMP/plan
: >"$PLAN"
SCENS="plain4 accel4 unix"
[ "${BENCH_V6:-0}" = 1 ] && SCENS="plain4 accel4 plain6 accel6 unix"
for rep in $(seq "$REPS"); do
	# Rotate the order of the scenarios each repetition, so that none is
	# always the first after a pause (or right after another's warm-up).
	set -- $SCENS
	for _ in $(seq $(((rep - 1) % $#))); do set -- "$@" "$1"; shift; done
	order="$*"
	for pin in $PINS; do
		for mode in rr stream; do
			for size in 64 1024 16384 65536; do
				for s in $order; do
					echo "dp $s $pin $rep $mode $size" >>"$PLAN"
				done
			done
		done
	done
	# Small writes: streaming 100 B and 1 KiB through each path (plain TCP
	# with Nagle as programs get it, and with TCP_NODELAY), plus checks that
	# moving small-write streams loses nothing where acceleration wins (64 B
	# round trips, 64 KiB streams: against "always redirect").
	for size in 100 1024; do
		for s in plain4 nodelay4 accel4 always4 pass4; do
			echo "sw $s cross $rep stream $size" >>"$PLAN"
		done
	done
	for s in plain4 accel4 always4; do echo "sw $s same $rep stream 1024" >>"$PLAN"; done
	# Round trips with both ends spinning on non-blocking reads: no thread
	# (or idle virtual CPU) to wake, only the path itself.
	for s in plain4 accel4 unix; do echo "spin $s cross $rep rr 64" >>"$PLAN"; done
	echo "sw always4 cross $rep rr 64" >>"$PLAN"
	echo "sw always4 cross $rep stream 65536" >>"$PLAN"
done
[ "$NCPU" -lt 2 ] && sed -i 's/ cross / same /' "$PLAN"
TOTAL=$(wc -l <"$PLAN")
# Seconds a quiet run takes: warm-up 0.2, quiet check 0.3, setup.
EST_MS=$(awk -v s="$SECS" 'BEGIN { printf "%d", s * 1000 + 650 }')

say "bench: $TOTAL datapath runs of ${SECS}s, $REPS repetitions, budget ${BUDGET}s in all"
n=0
disturbed=0
waited_ms=0
while read -r sec s pin rep mode size; do
	n=$((n + 1))
	left=$((TOTAL - n + 1))
	# Slack: what the budget leaves after the runs still to do at EST_MS.
	# Waiting for a quiet machine and repeating disturbed runs spend it.
	slack=$(((BUDGET - ($(date +%s) - T_DP)) * 1000 - left * EST_MS))
	q=$((slack / 4))
	[ "$q" -gt 8000 ] && q=8000
	[ "$q" -lt 0 ] && q=0
	r=2
	[ "$slack" -lt $((3 * EST_MS)) ] && r=0
	pinopt=$CROSS
	[ "$pin" = same ] && pinopt=$SAME
	[ "$sec" = spin ] && pinopt="$pinopt -p"
	out=$(in_cg_ns "$(scen_cg "$s")" "$ns" "$NB" -m "$mode" -s "$size" -t "$SECS" $(scen_args "$s") \
		$pinopt -q "$(awk -v q="$q" 'BEGIN { print q / 1000 }')" -R "$r" </dev/null 2>>"$LOG") || {
		say "bench: netbench failed: $sec $s $pin $mode $size (see $LOG)"
		continue
	}
	echo "sec=$sec scen=$s pin=$pin rep=$rep $out" >>"$RES"
	note=""
	case $out in *"quiet=0"*) note="$note machine busy before the run;" ;; esac
	case $out in *"disturbed=1"*) note="$note DISTURBED by other load;" disturbed=$((disturbed + 1)) ;; esac
	case $out in *"attempts=1 "*) ;; *) note="$note repeated ($(sed -n 's/.*attempts=\([0-9]*\).*/\1/p' <<<"$out") attempts);" ;; esac
	w=$(sed -n 's/.*waited=\([0-9.]*\).*/\1/p' <<<"$out")
	waited_ms=$((waited_ms + $(awk -v w="$w" 'BEGIN { printf "%d", w * 1000 }')))
	case $w in 0.[0-3]) ;; *) note="$note waited ${w}s for a quiet machine;" ;; esac
	if [ "$mode" = rr ]; then
		fig=$(sed -n 's/.*tps=\([0-9]*\).* p50_us=\([0-9.]*\).* p99_us=\([0-9.]*\).*/p50 \2 us  p99 \3 us  \1 tps/p' <<<"$out")
	else
		fig=$(sed -n 's/.*mbps=\([0-9.]*\).*/\1 MB\/s/p' <<<"$out")
	fi
	segs=$(sed -n 's/.*outsegs=\([0-9]*\).*/\1/p' <<<"$out")
	printf '[%3d/%d] %s %-8s %-5s %-6s %6s B  %-34s OutSegs %-7s%s\n' "$n" "$TOTAL" "$sec" "$s" "$pin" \
		"$mode" "$size" "$fig" "$segs" "$note" | tee -a "$LOG"
done <"$PLAN"

# What the accelerated cgroup did, from our own counters.
"$SA" status --pin-dir "$pin_accel" --json >"$OUT/status-accel.json" 2>>"$LOG"
"$SA" status --pin-dir "$pin_always" --json >"$OUT/status-always.json" 2>>"$LOG"
{
	echo "loadavg_end: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "disturbed_runs: $disturbed"
	echo "waited_s: $((waited_ms / 1000))"
	echo "elapsed_s: $(($(date +%s) - T0))"
} >>"$OUT/machine.txt"

# ---- 4. the table and the chart ----
perl "$TOP/bench/report.pl" "$OUT" >"$OUT/RESULTS.md" || bail "report failed"
if gnuplot -e "dir='$OUT'" "$TOP/bench/chart.gp" 2>>"$LOG"; then
	say "bench: chart $OUT/chart.png"
else
	say "bench: gnuplot failed (see $LOG)"
fi
echo
sed -n '/^## Targets/,/^## /p' "$OUT/RESULTS.md" | sed '$d'
say "bench: table $OUT/RESULTS.md, raw runs $RES, log $LOG ($(($(date +%s) - T0)) s;" \
	"$disturbed disturbed runs, $((waited_ms / 1000)) s spent waiting for a quiet machine)"
