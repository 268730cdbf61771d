#!/bin/bash
# net_attach.t: XDP and tcx programs attached with `sockaccel net`, through
# pinned bpf_links, on a veth between two network namespaces the test makes:
#  - the XDP program (tests/data/src/net_udp_drop.bpf.c, generic mode) drops
#    UDP to port 7001 and counts what it passes: dropped datagrams never
#    arrive, the others do, and its counters match what was sent;
#  - `overwrite` swaps in another copy of the program without a detach (the
#    second copy's counters move, the first's do not);
#  - detach restores delivery and removes the pin;
#  - the same for the tcx ingress classifier (Linux 6.6);
#  - the refusals: a second attach, a detach of nothing, a program of the
#    wrong type, a device that is not there.
. "$(dirname "$0")/../lib.sh"
need_kernel
command -v bpftool >/dev/null || bail "bpftool is not installed (tests/deps.sh test)"
OBJ=$BUILD/tests/data/net_udp_drop.bpf.o
[ -f "$OBJ" ] || bail "$OBJ is not built (make test-build)"
UDP=$TOOLS/udpcount

# counter PIN_DIR IDX: udp_stats[IDX] (array of u64), read with bpftool.
counter() {
	bpftool -j map lookup pinned "$1/udp_stats" key "$2" 0 0 0 |
		perl -MJSON::PP -e 'my $j = decode_json(join "", <>); my @v = @{$j->{value}};
			my $n = 0; $n = $n * 256 + hex($_) for reverse @v; print $n'
}

# traffic N_DROP N_PASS: send to both ports from A; prints "got7001 got7002".
traffic() {
	local r1 r2
	rm -f "$T_TMP/r1" "$T_TMP/r2"
	in_ns "$nsB" "$UDP" recv 7001 "$1" 3 >"$T_TMP/r1" &
	local p1=$!
	in_ns "$nsB" "$UDP" recv 7002 "$2" 3 >"$T_TMP/r2" &
	local p2=$!
	for _ in $(seq 50); do
		[ "$(cat "$T_TMP/r1" "$T_TMP/r2" 2>/dev/null | grep -c ready)" = 2 ] && break
		sleep 0.05
	done
	in_ns "$nsA" "$UDP" send 10.199.2.2 7001 "$1"
	in_ns "$nsA" "$UDP" send 10.199.2.2 7002 "$2"
	wait "$p1" "$p2"
	r1=$(tail -1 "$T_TMP/r1")
	r2=$(tail -1 "$T_TMP/r2")
	echo "$r1 $r2"
}

in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

kernel_at_least() {	# kernel_at_least X.Y: the running kernel is X.Y or later
	local v
	v=$(uname -r)
	v=${v%%-*}
	[ "$(printf '%s\n' "$1" "$v" | sort -V | head -n 1)" = "$1" ]
}

netns_pins() {	# the pin directory `net attach` uses in namespace $1
	echo "/sys/fs/bpf/sockaccel-net/$(stat -L -c %i "/run/netns/$1")"
}

one() {
	local B=$1 L=$2 pin pin2 out rc np xdp_id xdp2_id tc_id
	new_netns nsA
	new_netns nsB
	new_veth "$nsA" sax0 10.199.2.1/24 "$nsB" sax1 10.199.2.2/24
	np=$(netns_pins "$nsB")
	T_PINS+=("$np")
	new_pin_dir pin
	new_pin_dir pin2
	"$B" load "$OBJ" --pin-dir "$pin" >/dev/null || bail "[$L] load $OBJ"
	"$B" load "$OBJ" --pin-dir "$pin2" >/dev/null || bail "[$L] load $OBJ again"
	xdp_id=$(bpftool -j prog show pinned "$pin/udp_drop_xdp" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
	xdp2_id=$(bpftool -j prog show pinned "$pin2/udp_drop_xdp" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)

	is "$(traffic 40 40)" "40 40" "[$L] without a program both ports get every datagram"

	# ---- XDP, generic mode ----
	out=$(in_ns "$nsB" "$B" -v net attach xdpgeneric pinned "$pin/udp_drop_xdp" dev sax1 2>&1)
	rc=$?
	is "$rc" 0 "[$L] net attach xdpgeneric: exit 0 ($(tail -1 <<<"$out"))"
	check "[$L] the link is pinned in the namespace's directory" test -e "$np/sax1-xdpgeneric"
	check "[$L] -v shows BPF_LINK_CREATE decoded" \
		grep -q 'BPF_LINK_CREATE, {prog_fd=[0-9]*, target_ifindex=[0-9]*, attach_type=XDP, flags=0x2}) = [0-9]' <<<"$out"
	is "$(traffic 100 80)" "0 80" "[$L] XDP: port 7001 dropped, port 7002 delivered"
	is "$(counter "$pin" 0) $(counter "$pin" 1)" "100 80" "[$L] XDP counters: 100 dropped, 80 passed"
	out=$(in_ns "$nsB" "$B" net show)
	check "[$L] net show lists it with its program and pin" \
		grep -q "^sax1([0-9]*) xdpgeneric prog_id $xdp_id link_id [0-9]* pinned $np/sax1-xdpgeneric" <<<"$out"
	out=$(in_ns "$nsB" "$B" net show dev sax1 --json)
	check "[$L] net show --json" grep -q "\"xdp\":\[{\"devname\":\"sax1\",\"ifindex\":[0-9]*,\"type\":\"xdpgeneric\",\"prog_id\":$xdp_id," <<<"$out"

	out=$(in_ns "$nsB" "$B" net attach xdpgeneric pinned "$pin/udp_drop_xdp" dev sax1 2>&1)
	rc=$?
	is "$rc" 1 "[$L] a second attach is refused"
	check "[$L] ... saying it is already attached and what to do" grep -q "already attached.*overwrite" <<<"$out"

	out=$(in_ns "$nsB" "$B" net attach xdpgeneric id "$xdp2_id" dev sax1 overwrite 2>&1)
	is "$?" 0 "[$L] overwrite swaps in program $xdp2_id ($out)"
	is "$(traffic 10 20)" "0 20" "[$L] after the swap: still dropped and delivered"
	is "$(counter "$pin2" 0) $(counter "$pin2" 1) $(counter "$pin" 0)" "10 20 100" \
		"[$L] the new program counted, the old one did not"

	out=$(in_ns "$nsB" "$B" net detach xdpgeneric dev sax1 2>&1)
	is "$?" 0 "[$L] net detach xdpgeneric ($out)"
	check "[$L] the pin is gone" test ! -e "$np/sax1-xdpgeneric"
	is "$(traffic 30 30)" "30 30" "[$L] after detach both ports get every datagram"
	out=$(in_ns "$nsB" "$B" net detach xdpgeneric dev sax1 2>&1)
	is "$?" 1 "[$L] detaching again fails"
	check "[$L] ... saying it is not attached" grep -q "is not attached" <<<"$out"

	# ---- tcx ingress (Linux 6.6; before it, a refusal naming the version) ----
	tc_id=$(bpftool -j prog show pinned "$pin2/udp_drop_tc" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
	out=$(in_ns "$nsB" "$B" net attach tcx_ingress pinned "$pin2/udp_drop_tc" dev sax1 2>&1)
	rc=$?
	if kernel_at_least 6.6; then
		is "$rc" 0 "[$L] net attach tcx_ingress ($out)"
		is "$(traffic 50 25)" "0 25" "[$L] tcx: port 7001 dropped, port 7002 delivered"
		is "$(counter "$pin2" 0) $(counter "$pin2" 1)" "60 45" "[$L] tcx counters: +50 dropped, +25 passed"
		check "[$L] net show lists the tcx link" \
			grep -q "^sax1([0-9]*) tcx_ingress prog_id $tc_id " <(in_ns "$nsB" "$B" net show dev sax1)
		out=$(in_ns "$nsB" "$B" net detach tcx_ingress dev sax1 2>&1)
		is "$?" 0 "[$L] net detach tcx_ingress ($out)"
		is "$(traffic 20 20)" "20 20" "[$L] after detach both ports get every datagram"
		check "[$L] nothing of ours is left in the namespace's pin directory" test ! -e "$np"
	else
		is "$rc" 1 "[$L] tcx on Linux $(uname -r): refused"
		check "[$L] ... naming the version it needs: $out" grep -q "tcx_ingress links need Linux 6.6" <<<"$out"
		check "[$L] ... and leaving no pin" test ! -e "$np/sax1-tcx_ingress"
	fi

	# ---- refusals ----
	out=$(in_ns "$nsB" "$B" net attach xdpgeneric pinned "$pin/udp_drop_tc" dev sax1 2>&1)
	is "$?" 1 "[$L] a tc program as XDP is refused"
	check "[$L] ... naming both types" grep -q "is SCHED_CLS; xdpgeneric takes a XDP program" <<<"$out"
	out=$(in_ns "$nsB" "$B" net attach xdpgeneric pinned "$pin/udp_drop_xdp" dev nosuchdev 2>&1)
	is "$?" 1 "[$L] a missing device is refused"
	check "[$L] ... naming it" grep -q "device 'nosuchdev' not found" <<<"$out"
	out=$(in_ns "$nsB" "$B" net attach xdpfoo pinned "$pin/udp_drop_xdp" dev sax1 2>&1)
	is "$?" 2 "[$L] an unknown attach type is a usage error"
	check "[$L] ... listing the types" grep -q "xdp, xdpgeneric, xdpdrv, tcx_ingress, tcx_egress" <<<"$out"
	# Links are listed by ifindex, which other namespaces reuse (another
	# test's veth may be ifindex 2 too): look for this test's programs.
	out=$(in_ns "$nsB" "$B" net show --json)
	check "[$L] net show: no link of this test's programs is left ($out)" \
		eval '! grep -qE "\"prog_id\":($xdp_id|$xdp2_id|$tc_id)," <<<"$out"'
	check "[$L] ... and none in the kernel" \
		eval '! bpftool -j link show | grep -qE "\"prog_id\":($xdp_id|$xdp2_id|$tc_id),"' 
}

for_each_binary one
rmdir /sys/fs/bpf/sockaccel-net 2>/dev/null
done_testing
