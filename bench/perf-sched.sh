#!/bin/bash
# bench/perf-sched.sh [SIZE]: how an iperf3 writer leaves the CPU, plain TCP
# against sockaccel (BENCHMARKS.md, "iperf3 with 16 KiB and 128 KiB
# writes").  Not part of `make bench`; run it as root with linux-perf and
# iperf3 installed (tests/deps.sh bench).
#
# One iperf3 server per mode inside a scratch network namespace and cgroup
# (the accelerated one with sockaccel installed), then a 2-second iperf3
# client with SIZE-byte writes (16K) under `perf record -e
# sched:sched_switch`: the throughput, and the writer's context switches by
# how it left the CPU: asleep (prev_state=S, waiting for its reader or for
# memory) or preempted while runnable (R).
. "$(dirname "$0")/../tests/lib.sh"
SIZE=${1:-16K}
SA=$BUILD/sockaccel
[ "$(id -u)" = 0 ] || { echo "perf-sched: run as root" >&2; exit 1; }
for b in perf iperf3; do
	command -v $b >/dev/null || { echo "perf-sched: $b is missing (tests/deps.sh bench)" >&2; exit 1; }
done
new_netns ns
new_cgroup cg_plain
new_cgroup cg_accel
new_pin_dir pin
"$SA" install --cgroup "$cg_accel" --pin-dir "$pin" >/dev/null || bail "sockaccel install failed"
bg in_cg_ns "$cg_plain" "$ns" iperf3 -s -B 127.0.0.1 -p 5301 >/dev/null 2>&1
bg in_cg_ns "$cg_accel" "$ns" iperf3 -s -B 127.0.0.1 -p 5302 >/dev/null 2>&1
sleep 1
for m in plain accel; do
	cg=$cg_plain port=5301
	[ $m = accel ] && cg=$cg_accel port=5302
	in_cg_ns "$cg" "$ns" perf record -q -e sched:sched_switch -o "$T_TMP/$m.data" -- \
		iperf3 -c 127.0.0.1 -p $port -t 2 -l "$SIZE" -J >"$T_TMP/$m.json" 2>/dev/null ||
		bail "iperf3 or perf failed ($m)"
	printf '%-6s %6s MB/s, writer context switches: %s\n' "$m" \
		"$(perl -0ne 'printf "%.0f", $1 / 8e6 if /"sum_received":\s*\{[^}]*?"bits_per_second":\s*([0-9.eE+]+)/s' "$T_TMP/$m.json")" \
		"$(perf script -i "$T_TMP/$m.data" -F trace 2>/dev/null | grep -o 'prev_state=[A-Z+]*' | sort | uniq -c |
			awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1 }')"
done
