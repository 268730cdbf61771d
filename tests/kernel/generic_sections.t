#!/bin/bash
# generic_sections.t: every section name of the table (issue 6) loads as its
# program type; the cgroup and sockmap ones attach with `attach` and run on
# real TCP and UDP traffic (each counts its runs in .bss); socket, xdp, tc,
# classifier and sk_lookup, which attach by other means, run with
# BPF_PROG_TEST_RUN.  An unknown section is refused, naming it, unless
# --type says what it is.
. "$(dirname "$0")/../lib.sh"
need_kernel

# Data through a stream parser and verdict that pass everything: no byte may
# be wrong.  Whether it all arrives is the kernel's: Linux 6.18 now and then
# stalls the tail of such a stream (seen: 65482 of 65536 bytes, and 1 MiB
# over IPv6 about 1 run in 4), in a path sockaccel itself never uses (it
# attaches no sk_skb program).  A stall is reported, not failed; what this
# file tests is that these programs load, attach and run.
parsed_intact() {	# parsed_intact DESCRIPTION XFER-OUTPUT
	local m e
	m=$(sed -n 's/.*mismatches=\([0-9]*\).*/\1/p' <<<"$2")
	is "${m:-none}" 0 "$1: no byte wrong"
	e=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$2")
	[ "${e:-1}" = 0 ] || diag "$1: not all bytes arrived (kernel stream-parser stall): ${2//$'\n'/ }"
}
. "$(dirname "$0")/generic_lib.sh"

# program  section type in bpftool's words  hits[] index  attach (kind type)
PROGS="t_sockops	sock_ops	0	cgroup	sock_ops
t_sk_msg	sk_msg	1	map	msg_verdict
t_parser	sk_skb	2	map	stream_parser
t_verdict	sk_skb	3	map	stream_verdict
t_sk_skb	sk_skb	4	-	-
t_connect4	cgroup_sock_addr	5	cgroup	connect4
t_connect6	cgroup_sock_addr	6	cgroup	connect6
t_sendmsg4	cgroup_sock_addr	7	cgroup	sendmsg4
t_sendmsg6	cgroup_sock_addr	8	cgroup	sendmsg6
t_recvmsg4	cgroup_sock_addr	9	cgroup	recvmsg4
t_recvmsg6	cgroup_sock_addr	10	cgroup	recvmsg6
t_getsockopt	cgroup_sockopt	11	cgroup	getsockopt
t_setsockopt	cgroup_sockopt	12	cgroup	setsockopt
t_sock	cgroup_sock	13	cgroup	sock_create
t_ingress	cgroup_skb	14	cgroup	ingress
t_egress	cgroup_skb	15	cgroup	egress
t_socket	socket_filter	16	-	-
t_xdp	xdp	17	-	-
t_tc	sched_cls	18	-	-
t_classifier	sched_cls	19	-	-
t_sk_lookup	sk_lookup	20	-	-"

# UDP both ways over 127.0.0.1 and ::1 with unconnected sendto/recvfrom (the
# sendmsg/recvmsg hooks only run for those), plus setsockopt/getsockopt.
UDP_SCRIPT='
use Socket qw(:all);
alarm 10;
for my $fam (AF_INET, AF_INET6) {
	my $ip = $fam == AF_INET ? inet_aton("127.0.0.1") : inet_pton(AF_INET6, "::1");
	my $sa = sub { $fam == AF_INET ? pack_sockaddr_in($_[0], $ip) : pack_sockaddr_in6($_[0], $ip) };
	socket(my $srv, $fam, SOCK_DGRAM, 0) or die "socket: $!";
	bind($srv, $sa->(0)) or die "bind: $!";
	my $port = $fam == AF_INET ? (unpack_sockaddr_in(getsockname($srv)))[0]
				   : (unpack_sockaddr_in6(getsockname($srv)))[0];
	socket(my $cli, $fam, SOCK_DGRAM, 0) or die "socket: $!";
	setsockopt($cli, SOL_SOCKET, SO_RCVBUF, 65536) or die "setsockopt: $!";
	defined(getsockopt($cli, SOL_SOCKET, SO_RCVBUF)) or die "getsockopt: $!";
	send($cli, "ping", 0, $sa->($port)) == 4 or die "sendto: $!";
	my $buf;
	defined(recv($srv, $buf, 16, 0)) && $buf eq "ping" or die "recvfrom: $!";
}
print "udp ok\n";
'

# An Ethernet frame of 64 zero bytes, and a struct bpf_sk_lookup (72 bytes,
# UAPI): AF_INET, TCP, 127.0.0.1:80 -> 127.0.0.1:80, no socket.
make_inputs() {
	head -c 64 /dev/zero >"$T_TMP/frame"
	{
		printf '\0\0\0\0\0\0\0\0\2\0\0\0\6\0\0\0\177\0\0\1'
		head -c 16 /dev/zero
		printf '\0\120\0\0\177\0\0\1'
		head -c 16 /dev/zero
		printf '\120\0\0\0'
		head -c 8 /dev/zero
	} >"$T_TMP/sk_lookup_ctx"
}

hits() { map_u64 "$1/sectypes_bss" 0 $((8 * $2)); }

sections() {
	local B=$1 L=$2 cg ns pin out rc p type idx kind at n
	new_cgroup cg
	new_netns ns
	new_pin_dir pin

	out=$("$B" load "$OBJS/sectypes.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] sectypes: load exits 0"
	is "$(grep -c '^program .* pinned ' <<<"$out")" 21 "[$L] sectypes: 21 programs pinned"
	while read -r p type idx kind at; do
		is "$(prog_field "$pin/$p" type)" "$type" "[$L] $p: the kernel holds a $type program"
	done <<<"$PROGS"

	# Attach: the cgroup ones to the cgroup, the sockmap ones to the sockmap.
	n=0
	while read -r p type idx kind at; do
		[ "$kind" = - ] && continue
		if [ "$kind" = cgroup ]; then
			out=$("$B" cgroup attach "$cg" $at pinned "$pin/$p" multi 2>&1); rc=$?
			n=$((n + 1))
		else
			out=$("$B" prog attach pinned "$pin/$p" $at pinned "$pin/sec_sockmap" 2>&1); rc=$?
		fi
		is "$rc" 0 "[$L] attach $p: ${out//$'\n'/ }"
	done <<<"$PROGS"
	is "$(cgroup_prog_count "$cg")" "$n" \
		"[$L] the cgroup runs all $n cgroup programs (BPF_PROG_QUERY)"

	# Traffic in the cgroup: TCP over IPv4 and IPv6 (the sockops program puts
	# the sockets in the sockmap: sk_msg, the parser and the verdict see the
	# data), then UDP and socket options.
	for fam in 4 6; do
		out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -$fam -b 65536 -T 10 2>&1)
		parsed_intact "[$L] TCP over IPv$fam through sockops, sk_msg, parser and verdict" "$out"
	done
	out=$(in_cg_ns "$cg" "$ns" perl -e "$UDP_SCRIPT" 2>&1); rc=$?
	is "$rc/$out" "0/udp ok" "[$L] UDP over IPv4 and IPv6 through the sendmsg/recvmsg hooks"
	while read -r p type idx kind at; do
		[ "$kind" = - ] && continue
		lt 0 "$(hits "$pin" "$idx")" "[$L] $p ran on that traffic (hits[$idx])"
	done <<<"$PROGS"

	# Detach each the same way; the cgroup is empty again.
	while read -r p type idx kind at; do
		[ "$kind" = - ] && continue
		if [ "$kind" = cgroup ]; then
			out=$("$B" cgroup detach "$cg" $at pinned "$pin/$p" 2>&1); rc=$?
		else
			out=$("$B" prog detach pinned "$pin/$p" $at pinned "$pin/sec_sockmap" 2>&1); rc=$?
		fi
		is "$rc" 0 "[$L] detach $p"
	done <<<"$PROGS"
	is "$(cgroup_prog_count "$cg")" 0 "[$L] nothing attached to the cgroup"

	# The plain "sk_skb" section, attached as the stream verdict.
	"$B" prog attach pinned "$pin/t_parser" stream_parser pinned "$pin/sec_sockmap" >/dev/null &&
		"$B" prog attach pinned "$pin/t_sk_skb" stream_verdict pinned "$pin/sec_sockmap" >/dev/null &&
		"$B" cgroup attach "$cg" sock_ops pinned "$pin/t_sockops" multi >/dev/null; rc=$?
	is "$rc" 0 "[$L] attach t_sk_skb as stream_verdict, with the parser and sockops"
	out=$(in_cg_ns "$cg" "$ns" "$TOOLS/xfer" -4 -b 65536 -T 10 2>&1)
	parsed_intact "[$L] TCP through the sk_skb verdict" "$out"
	lt 0 "$(hits "$pin" 4)" "[$L] t_sk_skb ran (hits[4])"
	"$B" cgroup detach "$cg" sock_ops pinned "$pin/t_sockops" >/dev/null &&
		"$B" prog detach pinned "$pin/t_sk_skb" stream_verdict pinned "$pin/sec_sockmap" >/dev/null &&
		"$B" prog detach pinned "$pin/t_parser" stream_parser pinned "$pin/sec_sockmap" >/dev/null; rc=$?
	is "$rc" 0 "[$L] detach t_sk_skb (as stream_verdict), the parser and sockops"

	# The ones attached by other means run with BPF_PROG_TEST_RUN (the
	# socket filter returns skb->len: the frame less its Ethernet header).
	for p in t_socket:50:16 t_xdp:2:17 t_tc:0:18 t_classifier:0:19; do
		IFS=: read -r p ret idx <<<"$p"
		out=$(bpftool prog run pinned "$pin/$p" data_in "$T_TMP/frame" 2>&1)
		check "[$L] $p: test run returns $ret (${out//$'\n'/ })" grep -q "Return value: $ret," <<<"$out"
		is "$(hits "$pin" "$idx")" 1 "[$L] $p ran once (hits[$idx])"
	done
	out=$(bpftool prog run pinned "$pin/t_sk_lookup" ctx_in "$T_TMP/sk_lookup_ctx" 2>&1)
	check "[$L] t_sk_lookup: test run returns SK_PASS (${out//$'\n'/ })" grep -q "Return value: 1," <<<"$out"
	is "$(hits "$pin" 20)" 1 "[$L] t_sk_lookup ran once (hits[20])"

	out=$("$B" unload --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 0 "[$L] unload: ${out//$'\n'/ }"
	check "[$L] unload removed every pin" test ! -e "$pin"
}

unknown() {
	local B=$1 L=$2 pin out rc
	new_pin_dir pin
	out=$("$B" load "$OBJS/unknown_sec.bpf.o" --pin-dir "$pin" 2>&1); rc=$?
	is "$rc" 1 "[$L] unknown section: load fails"
	check "[$L] unknown section: the message names it: ${out//$'\n'/ }" \
		grep -qF "section 'my_filters/drop_none': unknown program type (name the type with --type)" <<<"$out"
	check "[$L] unknown section: nothing pinned" test ! -e "$pin"
	out=$("$B" load "$OBJS/unknown_sec.bpf.o" --pin-dir "$pin" --type xdp 2>&1); rc=$?
	is "$rc" 0 "[$L] unknown section with --type xdp: loads (${out//$'\n'/ })"
	is "$(prog_field "$pin/keep_all" type)" xdp "[$L] ... as an XDP program"
	"$B" unload --pin-dir "$pin" >/dev/null
	out=$("$B" load "$OBJS/unknown_sec.bpf.o" --pin-dir "$pin" --type nope 2>&1); rc=$?
	is "$rc" 1 "[$L] --type nope: fails"
	check "[$L] --type nope: the message names it: ${out//$'\n'/ }" grep -qF "unknown program type 'nope'" <<<"$out"
}

make_inputs
for_each_binary sections
for_each_binary unknown
done_testing
