#!/bin/bash
# bench/perf-apps.sh [REGEX]: where sockaccel and the reference peer differ
# on an application scenario (default: nginx, 1 KiB bodies, 16
# connections).  Not part of `make bench`; run it after `make bench` (it
# needs build/bench/ref/ref.bpf.o), as root, with linux-perf installed.
#
# Runs bench/apps.sh on the plan lines REGEX matches (APP_REPS, default 6),
# with kernel.bpf_stats_enabled on (restored after) and a system-wide
# cpu-clock profile of the last run of each mode, and prints:
#   - the run time of each sk_msg program per message (ours and the
#     reference's), from the kernel's program statistics;
#   - the figures and the work per CPU-second of each mode;
#   - the top symbols of the server and client processes in each mode.
. "$(dirname "$0")/../tests/lib.sh"
. "$(dirname "$0")/apps.sh"
set -o pipefail
OUT=$BUILD/bench/perf-apps	# apart from make bench's results
SA=$BUILD/sockaccel
LOG=$OUT/perf-apps.log
export APP_REF_OBJ=$BUILD/bench/ref/ref.bpf.o
[ "$(id -u)" = 0 ] || { echo "perf-apps: run as root" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf-apps: install linux-perf" >&2; exit 1; }
[ -e "$APP_REF_OBJ" ] || { echo "perf-apps: run make bench first" >&2; exit 1; }
mkdir -p "$OUT"
say() { echo "$*" | tee -a "$LOG"; }
: >"$LOG"
export APP_ONLY=${1:-'nginx 1k-c16 '} APP_REPS=${APP_REPS:-6}
APP_PERF=$T_TMP/perf
mkdir -p "$APP_PERF"
COMMS=${PERF_COMMS:-nginx,wrk,redis-server,redis-benchmark,postgres,pgbench,iperf3}

progstat() {	# progstat PIN: "runs ns" of a pinned program
	local j
	j=$(bpftool -j prog show pinned "$1" 2>/dev/null)
	echo "$(sed -n 's/.*"run_cnt":\([0-9]*\).*/\1/p' <<<"$j") $(sed -n 's/.*"run_time_ns":\([0-9]*\).*/\1/p' <<<"$j")"
}
apps_hook() {
	local p n ns
	for p in "$pin_app_accel/sockaccel_msg" "$APP_REF_PIN/ref_msg" "$pin_app_accel/sockaccel_ops" "$APP_REF_PIN/ref_ops"; do
		read -r n ns < <(progstat "$p")
		[ -n "$n" ] && [ "$n" -gt 0 ] && say "$(basename "$p"): $n runs, $((ns / n)) ns per run (statistics overhead included)"
	done
	for m in plain accel ref; do
		say "== $m: top symbols of $COMMS (cpu-clock, the last run)"
		perf report -q -i "$APP_PERF/$m.data" --comms "$COMMS" --stdio --no-children \
			--sort dso,sym -g none --percent-limit 0.7 2>/dev/null | head -30 | tee -a "$LOG"
	done
}
old=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -q kernel.bpf_stats_enabled=1
trap 'sysctl -q kernel.bpf_stats_enabled=$old; apps_stop; t_cleanup' EXIT
apps_bench
sysctl -q kernel.bpf_stats_enabled="$old"
perl "$TOP/bench/report.pl" "$OUT" 2>/dev/null | sed -n '/^## Real applications/,/^What sockaccel/p' | grep -E '^\| (nginx|redis|pgbench|iperf3)|^\| scenario' | tee -a "$LOG"
