#!/bin/bash
# bench/msg-cost.sh [REPS]: what our sk_msg program costs per message, part
# by part, against the reference peer (BENCHMARKS.md, "Ours against the
# reference peer").  Not part of `make bench`; run it after `make bench`
# (it needs build/bench/netbench and build/bench/ref/ref.bpf.o), as root.
#
# Our programs are built four ways from bpf/sockaccel.bpf.c (copies edited
# in a scratch directory; the source is not touched): as shipped, without
# the small-write bookkeeping (small_write_stream() never called), without
# the counters (count() empty), without both.  Each is installed on its own
# cgroup, the reference peer is loaded on a fifth, and 64 B round trips on
# one CPU (netbench) run through each in turn, REPS times (5), with
# kernel.bpf_stats_enabled on (restored after): the run time of the sk_msg
# program per message, median of the repetitions.  The statistics add some
# 20 ns to every run, the same for all.  Last, the sockops program's run time
# per run (it runs a few times per connection), ours against the reference's,
# over all repetitions.
. "$(dirname "$0")/../tests/lib.sh"
REPS=${1:-5}
SA=$BUILD/sockaccel
NB=$BUILD/bench/netbench
REF=$BUILD/bench/ref/ref.bpf.o
[ "$(id -u)" = 0 ] || { echo "msg-cost: run as root" >&2; exit 1; }
[ -x "$NB" ] && [ -e "$REF" ] || { echo "msg-cost: run make bench first" >&2; exit 1; }

# The variants: sed on a copy, checked to have changed something.
variant() {	# variant NAME SED-SCRIPT
	mkdir -p "$T_TMP/$1"
	sed "$2" "$TOP/bpf/sockaccel.bpf.c" >"$T_TMP/$1.bpf.c"
	cmp -s "$TOP/bpf/sockaccel.bpf.c" "$T_TMP/$1.bpf.c" && bail "msg-cost: variant $1 changed nothing"
	clang -O2 -target bpf -Wall -I"$TOP/bpf" -I"/usr/include/$(cc -dumpmachine)" \
		-c "$T_TMP/$1.bpf.c" -o "$T_TMP/$1/sockaccel.bpf.o" || bail "msg-cost: variant $1 does not build"
}
NOSTREAK='s/if (small_write_stream(st, size)) {/if (0 \&\& small_write_stream(st, size)) {/'
NOCOUNT='/^static __always_inline void count(/,/^}/c\
static __always_inline void count(__u32 idx, __u64 n) { (void)idx; (void)n; }'
variant nostreak "$NOSTREAK"
variant nocount "$NOCOUNT"
variant bare "$NOSTREAK;$NOCOUNT"

new_netns ns
declare -A CG PROG OPS NS=([ours]= [nostreak]= [nocount]= [bare]= [ref]=) OPS_N OPS_T
for v in ours nostreak nocount bare; do
	new_cgroup c
	new_pin_dir p
	CG[$v]=$c
	PROG[$v]=$p/sockaccel_msg
	OPS[$v]=$p/sockaccel_ops
	if [ "$v" = ours ]; then
		"$SA" install --cgroup "$c" --pin-dir "$p" >/dev/null || bail "install failed"
	else
		"$SA" install --cgroup "$c" --pin-dir "$p" --objects "$T_TMP/$v" >/dev/null || bail "install $v failed"
	fi
done
new_cgroup c
new_pin_dir p
CG[ref]=$c
PROG[ref]=$p/ref_msg
OPS[ref]=$p/ref_ops
"$SA" load "$REF" --pin-dir "$p" >/dev/null &&
	"$SA" prog attach pinned "$p/ref_msg" msg_verdict pinned "$p/ref_hash" >/dev/null &&
	"$SA" cgroup attach "$c" sock_ops pinned "$p/ref_ops" multi >/dev/null || bail "loading the reference peer failed"
REF_PIN=$p
old=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -q kernel.bpf_stats_enabled=1
trap 'sysctl -q kernel.bpf_stats_enabled=$old; "$SA" cgroup detach "${CG[ref]}" sock_ops pinned "$REF_PIN/ref_ops" >/dev/null 2>&1; t_cleanup' EXIT

stat_of() {	# stat_of PIN: "runs ns" (bpftool leaves out the fields while they are 0)
	local j n t
	j=$(bpftool -j prog show pinned "$1")
	n=$(sed -n 's/.*"run_cnt":\([0-9]*\).*/\1/p' <<<"$j")
	t=$(sed -n 's/.*"run_time_ns":\([0-9]*\).*/\1/p' <<<"$j")
	echo "${n:-0} ${t:-0}"
}
for rep in $(seq "$REPS"); do
	for v in ours nostreak nocount bare ref; do
		read -r n0 t0 < <(stat_of "${PROG[$v]}")
		read -r o0 u0 < <(stat_of "${OPS[$v]}")
		in_cg_ns "${CG[$v]}" "$ns" "$NB" -m rr -s 64 -t 0.7 -f tcp4 -c 0 -S 0 -q 0 -R 0 >/dev/null ||
			bail "netbench failed ($v)"
		read -r n1 t1 < <(stat_of "${PROG[$v]}")
		read -r o1 u1 < <(stat_of "${OPS[$v]}")
		OPS_N[$v]=$((${OPS_N[$v]:-0} + o1 - o0))
		OPS_T[$v]=$((${OPS_T[$v]:-0} + u1 - u0))
		[ "$n1" -gt "$n0" ] || bail "the $v program did not run"
		NS[$v]="${NS[$v]} $(((t1 - t0) / (n1 - n0)))"
	done
done
sysctl -q kernel.bpf_stats_enabled="$old"
declare -A what=([ours]="sockaccel as shipped" [nostreak]="without the small-write bookkeeping"
	[nocount]="without the counters" [bare]="without both" [ref]="the reference peer")
for v in ours nostreak nocount bare ref; do
	printf '%-38s %4d ns per message (runs:%s)\n' "${what[$v]}" \
		"$(tr ' ' '\n' <<<"${NS[$v]}" | sed '/^$/d' | sort -n | sed -n "$(((REPS + 1) / 2))p")" "${NS[$v]}"
done
for v in ours ref; do
	[ "${OPS_N[$v]}" -gt 0 ] || bail "the $v sockops program did not run"
	printf 'sockops, %-30s %4d ns per run (%d runs)\n' "${what[$v]}" \
		$((OPS_T[$v] / OPS_N[$v])) "${OPS_N[$v]}"
done
