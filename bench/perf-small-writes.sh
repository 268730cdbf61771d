#!/bin/bash
# bench/perf-small-writes.sh [SIZE]: where an accelerated stream of small
# writes spends its time (README.md, "Small writes").  Not part of
# `make bench`; run it after `make bench` (it needs build/bench/netbench),
# as root, with linux-perf installed.
#
# Two `perf record` runs of one accelerated TCP v4 stream of SIZE-byte
# writes (default 1024), writer on CPU 0 and reader on CPU 1:
#   sched:sched_switch with call graphs: where the two threads sleep
#   cpu-clock sampling (hardware counters are not needed): where CPU goes
# and the run time of our sk_msg program per message (kernel.bpf_stats_enabled,
# switched on for the run and restored).
. "$(dirname "$0")/../tests/lib.sh"
SIZE=${1:-1024}
NB=$BUILD/bench/netbench
SA=$BUILD/sockaccel
[ "$(id -u)" = 0 ] || { echo "perf-small-writes: run as root" >&2; exit 1; }
command -v perf >/dev/null || { echo "perf-small-writes: install linux-perf" >&2; exit 1; }
[ -x "$NB" ] || { echo "perf-small-writes: run make bench first" >&2; exit 1; }

new_netns ns
new_cgroup cg
new_pin_dir pin
"$SA" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "install failed"
run() { in_cg_ns "$cg" "$ns" "$@" "$NB" -m stream -f tcp4 -s "$SIZE" -c 0 -S 1 -t 2 -q 20 -R 0; }

echo "== where the threads sleep (sched:sched_switch), ${SIZE}-byte writes"
run perf record -q -e sched:sched_switch -g -o "$T_TMP/sw.data" | cut -d' ' -f12-20
perf report -i "$T_TMP/sw.data" --stdio --no-children -G --percent-limit 3 2>/dev/null |
	grep -E '^ +[0-9.]+%|--[0-9.]+%--|lock_sock|wait_data|tcp_bpf_[a-z_]+$' | head -30

echo "== where the CPU goes (cpu-clock), top symbols"
run perf record -q -F 4000 -g -o "$T_TMP/cpu.data" | cut -d' ' -f12-20
perf report -i "$T_TMP/cpu.data" --stdio --no-children --sort sym -g none --percent-limit 1 2>/dev/null |
	grep -E '^ +[0-9.]+%' | head -20
echo "== callers of the top kernel symbols"
perf report -i "$T_TMP/cpu.data" --stdio --no-children --sort sym -G --percent-limit 4 2>/dev/null |
	grep -E '^ +[0-9.]+%|--[0-9.]+%--' | head -30

echo "== our sk_msg program, per message"
id=$(json_get "$("$SA" status --pin-dir "$pin" --json)" sockaccel_msg)
old=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -q kernel.bpf_stats_enabled=1
trap 'sysctl -q kernel.bpf_stats_enabled=$old; t_cleanup' EXIT
before=$(bpftool -j prog show id "$id")
run >/dev/null
after=$(bpftool -j prog show id "$id")
sysctl -q kernel.bpf_stats_enabled="$old"
get() {	# get JSON FIELD: the number, 0 when bpftool left it out
	local v
	v=$(sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p" <<<"$1")
	echo "${v:-0}"
}
ns_=$(($(get "$after" run_time_ns) - $(get "$before" run_time_ns)))
cnt=$(($(get "$after" run_cnt) - $(get "$before" run_cnt)))
[ "$cnt" -gt 0 ] && echo "sockaccel_msg: $cnt runs, $((ns_ / cnt)) ns each (stats overhead included)"
