#!/bin/bash
# ops_replace.t (issue 13): a live upgrade.  64 connections (flow: mixed
# writes, sendfile, splice, every byte checked) move data while
# `install --replace` swaps between two builds of our programs (build/bpf
# and build/tests/replace-b, which differ in code only) 12 times.  After
# each swap: the new programs are the ones attached (ids; the sk_msg tags
# of the two builds differ), the maps
# were kept (same sock_hash), and a new connection ran the new sockops and
# sk_msg programs (the kernel's run counts, kernel.bpf_stats_enabled,
# restored at exit).  At the end: 0 mismatches, every connection intact,
# and the old programs gone from the kernel.
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
need_flow
REPL=$BUILD/tests/replace-b
[ -f "$REPL/sockaccel.bpf.o" ] || bail "$REPL/sockaccel.bpf.o is not built (run make test)"

STATS0=$(sysctl -n kernel.bpf_stats_enabled)
trap 'sysctl -qw kernel.bpf_stats_enabled="$STATS0"; t_cleanup' EXIT
sysctl -qw kernel.bpf_stats_enabled=1

MIB8=$((8 << 20))
SWAPS=12

run_cnt() {	# run_cnt PROG_ID: times the program ran (0 if never, or gone)
	local n
	n=$(bpftool -j prog show id "$1" 2>/dev/null | grep -o '"run_cnt":[0-9]*' | cut -d: -f2)
	echo "${n:-0}"
}
prog_tag() {	# prog_tag STATUS-JSON NAME
	grep -o "\"name\":\"$2\",\"type\":\"[a-z_]*\",\"id\":[0-9]*,\"tag\":\"[0-9a-f]*\"" <<<"$1" |
		sed 's/.*"tag":"\([0-9a-f]*\)"/\1/'
}

replace_live() {
	local B=$1 L=$2 cg ns pin st out rc i obj hash tag want tag_a tag_b="" ops msg r0 m0
	local good=0 ids=() tmp=$T_TMP/$2
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	mkdir "$tmp"
	out=$("$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$BUILD/bpf" 2>&1)
	is "$?" 0 "[$L] install build A: $out"
	st=$("$B" status --pin-dir "$pin" --json)
	hash=$(status_id "$st" sock_hash)
	tag_a=$(prog_tag "$st" sockaccel_msg)
	ids+=("$(status_id "$st" sockaccel_ops)" "$(status_id "$st" sockaccel_msg)")

	start_server live "$cg" "$ns" -p 7402 -n 64 -T 120
	bg in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7402 -b $MIB8 -d 6 -t 40 -T 120 \
		-W 32 -W 32/150 -O "$tmp/wave" >"$tmp/client.out" 2>"$tmp/client.err"
	local client=${T_PIDS[-1]}
	wait_file "$tmp/wave.1" || diag "[$L] wave 1 did not open"

	for i in $(seq $SWAPS); do
		obj=$BUILD/bpf
		[ $((i % 2)) = 1 ] && obj=$REPL
		out=$("$B" install --replace --cgroup "$cg" --pin-dir "$pin" --objects "$obj" 2>&1); rc=$?
		st=$("$B" status --pin-dir "$pin" --json)
		ops=$(status_id "$st" sockaccel_ops)
		msg=$(status_id "$st" sockaccel_msg)
		ids+=("$ops" "$msg")
		tag=$(prog_tag "$st" sockaccel_msg)
		[ -z "$tag_b" ] && [ "$obj" = "$REPL" ] && tag_b=$tag
		want=$tag_a
		[ "$obj" = "$REPL" ] && want=$tag_b
		r0=$(run_cnt "$ops")
		m0=$(run_cnt "$msg")
		# A new connection, after the swap: 1 MiB each way, checked.
		in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -p $((7500 + i)) -b $((1 << 20)) >"$tmp/x$i" 2>&1
		local xrc=$?
		if [ "$rc" = 0 ] && grep -q "replaced the programs" <<<"$out" &&
		   [ "$tag" = "$want" ] && [ "$tag_a" != "$tag_b" ] &&
		   [ "$(status_id "$st" sock_hash)" = "$hash" ] &&
		   [ "$(json_get "$st" state)" = installed ] &&
		   [ "$(cgroup_prog_ids "$cg")" = "$ops " ] && [ "$xrc" = 0 ] &&
		   [ "$(run_cnt "$ops")" -gt "$r0" ] && [ "$(run_cnt "$msg")" -gt "$m0" ]; then
			good=$((good + 1))
		else
			diag "[$L] swap $i to $obj: exit $rc: $out"
			diag "  tag $tag want $want (A $tag_a, B $tag_b); sock_hash $(status_id "$st" sock_hash) was $hash"
			diag "  cgroup: $(cgroup_prog_ids "$cg") ours $ops; xfer $xrc: $(cat "$tmp/x$i")"
			diag "  run_cnt ops $r0 -> $(run_cnt "$ops"), msg $m0 -> $(run_cnt "$msg")"
		fi
	done
	is "$good" $SWAPS "[$L] $SWAPS swaps A<->B under load: each exits 0, the new tag is attached alone, maps kept, a new connection ran the new sockops and sk_msg"

	wait "$client"; rc=$?
	[ -s "$tmp/client.err" ] && sed 's/^/# client: /' "$tmp/client.err" | head -5
	wait_server live
	diag "[$L] client: $(cat "$tmp/client.out")"
	is "$rc" 0 "[$L] client exits 0"
	check_flow "[$L] client" "$(cat "$tmp/client.out")" 64 $MIB8
	check_flow "[$L] server" "$(cat "$T_TMP/live.out")" 64 $MIB8
	check_mix "[$L] client" "$(cat "$tmp/client.out")"
	st=$("$B" status --pin-dir "$pin" --json)
	lt $((128 + 2 * SWAPS - 1)) "$(counter "$st" sockets_added)" \
		"[$L] the counters survived the swaps: every flow and xfer socket was added"
	lt 0 "$(counter "$st" bytes_redirected)" "[$L] data was redirected"

	"$B" remove --pin-dir "$pin" >/dev/null
	local left=""
	for i in "${ids[@]}"; do
		eventually prog_gone "$i" || left="$left $i"
	done
	is "$left" "" "[$L] all ${#ids[@]} programs of the install and its $SWAPS replacements left the kernel"
}

for_each_binary replace_live
done_testing
