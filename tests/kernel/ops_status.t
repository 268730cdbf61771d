#!/bin/bash
# ops_status.t (issue 13): the operator's view.  Each refusal and each
# state has its message and exit status:
#   plain install over other programs / other ports  refused, names it, 1
#   a second instance on the same cgroup (double install), on a
#   descendant, on an ancestor                      refused, names where, 1
#   status: installed 0, not installed 3, partial 4, detached 5, cgroup gone 6
#   an install without sockaccel_opt (an older version's): partial, named
#   status --sockets --json                         the connections, v4 and v6
#   status --all                                    every instance, and pins
#                                                   left without attachment
#   install --replace with incompatible maps        new maps, the reason given
#   the backpressure build's read_link deleted      partial (4), named; the
#                                                   writer moved to the stack
#                                                   stays there; install
#                                                   re-attaches it, and the
#                                                   writer comes back again
. "$(dirname "$0")/../lib.sh"
need_kernel
BP=$BUILD/bpf/backpressure
[ -e "$BP/sockaccel.bpf.o" ] && [ -x "$TOOLS/comeback" ] || bail "$BP/sockaccel.bpf.o or $TOOLS/comeback is not built (run make test)"

run() {	# run CMD...: $out (stdout and stderr), $rc
	out=$("$@" 2>&1)
	rc=$?
}

ops() {
	local B=$1 L=$2 top cg child pin pin2 st
	new_cgroup top
	cg=$top/mid
	child=$cg/child
	mkdir "$cg" "$child"
	new_pin_dir pin
	new_pin_dir pin2

	run "$B" status --pin-dir "$pin"
	is "$rc" 3 "[$L] status, not installed: exit 3"
	is "$(json_get "$("$B" status --pin-dir "$pin" --json)" state)" not_installed \
		"[$L] status --json: state not_installed"
	run "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] install: exit 0"
	run "$B" install --pin-dir "$pin2" --cgroup "$top"
	is "$rc" 1 "[$L] install on the parent of an instance: exit 1"
	check "[$L] ... naming the descendant and its pins: $out" \
		grep -q "already attached to its descendant $cg .*pins in $pin)" <<<"$out"
	run "$B" status --pin-dir "$pin"
	is "$rc" 0 "[$L] status, installed and attached: exit 0"
	st=$("$B" status --pin-dir "$pin" --json)
	is "$(json_get "$st" state)/$(json_get "$st" version)" "installed/$("$B" --version | cut -d' ' -f2)" \
		"[$L] status --json: state installed, the version that installed it"
	check "[$L] status --json: ports an array, port_filter false" \
		grep -q '"port_filter":false,"ports":\[\]' <<<"$st"
	run "$B" status --pin-dir "$pin" --prometheus
	is "$rc" 0 "[$L] status --prometheus: exit 0"
	check "[$L] ... sockaccel_state{state=\"installed\"} 1, the other states 0" \
		test "$(grep -c '^sockaccel_state{state="[a-z_]*"} 0$' <<<"$out"),$(grep -cx 'sockaccel_state{state="installed"} 1' <<<"$out")" = 4,1
	check "[$L] ... the counters, as Prometheus counters" grep -qx 'sockaccel_sockets_added_total 0' <<<"$out"

	# ---- refusals ----
	run "$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$BUILD/tests/replace-b"
	is "$rc" 1 "[$L] plain install of other programs over an install: exit 1"
	check "[$L] ... names the programs, their tags and --replace: $out" \
		grep -q "with other programs (tags [0-9a-f]* [0-9a-f]*) of sockaccel .*--replace" <<<"$out"
	run "$B" install --cgroup "$cg" --pin-dir "$pin" --port 80
	is "$rc" 1 "[$L] plain install with other ports: exit 1"
	check "[$L] ... names both port sets: $out" grep -q "with other ports all; this asks for 80" <<<"$out"
	run "$B" install --cgroup "$cg" --pin-dir "$pin2"
	is "$rc" 1 "[$L] double install (same cgroup, another pin dir): exit 1"
	check "[$L] ... names the cgroup and the other pins: $out" \
		grep -q "already attached to this cgroup, $cg (program id [0-9]*, pins in $pin)" <<<"$out"
	run "$B" install --cgroup "$child" --pin-dir "$pin2"
	is "$rc" 1 "[$L] install on a descendant: exit 1"
	check "[$L] ... names the ancestor: $out" grep -q "already attached to its ancestor $cg " <<<"$out"
	check "[$L] nothing was left by the refusals" test ! -e "$pin2"
	is "$(cgroup_prog_ids "$child")" "" "[$L] nothing attached to the descendant"

	# ---- a double install made behind our back: status warns ----
	bpftool prog load "$BUILD/bpf/sockaccel.bpf.o" "$pin2" type sockops >/dev/null 2>&1 ||
		bpftool prog loadall "$BUILD/tests/data/styles/btf/sockaccel.bpf.o" "$pin2" >/dev/null 2>&1
	if [ -e "$pin2/sockaccel_ops" ] || [ -f "$pin2" ]; then
		local p2=$pin2
		[ -e "$pin2/sockaccel_ops" ] && p2=$pin2/sockaccel_ops
		bpftool cgroup attach "$child" sock_ops pinned "$p2" multi
		run "$B" status --pin-dir "$pin"
		check "[$L] status warns about the overlapping instance below: $(grep warning <<<"$out")" \
			grep -q "warning: another sockaccel (program id [0-9]*, pins in .*) is attached to cgroup $child" <<<"$out"
		bpftool cgroup detach "$child" sock_ops pinned "$p2"
		rm -rf "$pin2"
	else
		ok 1 "[$L] bpftool could not load our sockops program for the overlap warning"
	fi

	# ---- sockets, v4 and v6 ----
	local m
	for m in 4 6; do
		run in_cg "$cg" "$TOOLS/xfer" -$m -c 2 -p 7611 -b 65536 \
			-x "$B status --pin-dir $pin --sockets --json > $T_TMP/sockets.json"
		st=$(cat "$T_TMP/sockets.json")
		local fam=ipv4 a=127.0.0.1
		[ $m = 6 ] && fam=ipv6 a=::1
		is "$(grep -o "{\"netns\":[0-9]*,\"family\":\"$fam\",\"local\":\"$a\",\"local_port\":7611,\"remote\":\"$a\",\"remote_port\":[0-9]*}" <<<"$st" | wc -l)" 2 \
			"[$L] status --sockets --json: the 2 server ends, $fam, local port 7611"
		is "$(grep -o "\"local\":\"$a\",\"local_port\":[0-9]*,\"remote\":\"$a\",\"remote_port\":7611}" <<<"$st" | wc -l)" 2 \
			"[$L] status --sockets --json: the 2 client ends, $fam, remote port 7611"
	done
	run in_cg "$cg" "$TOOLS/xfer" -6 -p 7612 -b 65536 -x "$B status --pin-dir $pin --sockets > $T_TMP/sockets.txt"
	check "[$L] status --sockets (text): [::1]:7612 -> [::1]:port" grep -q "ipv6 \[::1\]:7612 -> \[::1\]:[0-9]" "$T_TMP/sockets.txt"

	# ---- operators' conveniences ----
	run "$B" instal --cgroup "$cg"
	is "$rc" 2 "[$L] a mistyped command is a usage error"
	check "[$L] ... with 'did you mean': $(head -1 <<<"$out")" grep -q "unknown command 'instal'; did you mean 'install'?" <<<"$out"
	run "$B" --version
	check "[$L] --version: $out" grep -q "^sockaccel [0-9][0-9.]* (" <<<"$out"

	# ---- status --all ----
	run "$B" status --all --json
	is "$rc" 0 "[$L] status --all --json: exit 0"
	check "[$L] status --all --json lists this instance with its cgroup and pins" \
		grep -q "{\"cgroup\":\"$cg\",\"pin_dir\":\"$pin\",\"id\":[0-9]*,\"version\":\"[^\"]*\",\"state\":\"installed\",\"sockets\":0}" <<<"$out"

	# ---- replace with incompatible maps: new maps, and why ----
	local hash
	hash=$(status_id "$("$B" status --pin-dir "$pin" --json)" sock_hash)
	run "$B" install --replace --cgroup "$cg" --pin-dir "$pin" --objects "$BUILD/tests/small-sockhash"
	is "$rc" 0 "[$L] install --replace with a 16-entry sockhash: exit 0"
	check "[$L] ... says why the maps were not kept: $(grep warning <<<"$out")" \
		grep -q "warning: maps not kept (map 'sock_hash' has max_entries 65536, the new object wants 16)" <<<"$out"
	st=$("$B" status --pin-dir "$pin" --json)
	check "[$L] ... a new sock_hash" test "$(status_id "$st" sock_hash)" != "$hash"
	run in_cg "$cg" "$TOOLS/xfer" -4 -p 7613 -b 1048576
	is "$rc" 0 "[$L] ... traffic after it intact"

	# ---- detached, partial, cgroup gone ----
	local ops
	ops=$(status_id "$st" sockaccel_ops)
	bpftool cgroup detach "$cg" sock_ops id "$ops"
	run "$B" status --pin-dir "$pin"
	is "$rc" 5 "[$L] status, sockops detached behind our back: exit 5"
	check "[$L] ... says DETACHED" grep -q "^installed: yes, but DETACHED" <<<"$out"
	run "$B" status --all --json
	check "[$L] status --all --json lists the pin directory attached nowhere: cgroup null" \
		grep -q "{\"cgroup\":null,\"pin_dir\":\"$pin\",\"id\":$ops,\"version\":\"[^\"]*\",\"state\":\"detached\"" <<<"$out"
	run "$B" status --all
	check "[$L] status --all (text): (NOT attached) with its pins" grep -q "^(NOT attached) *pins $pin " <<<"$out"
	run "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] install repairs a detached install: exit 0"
	check "[$L] ... saying so: $(head -1 <<<"$out")" grep -q "cleaned up an incomplete" <<<"$out"
	rm "$pin/streak"
	run "$B" status --pin-dir "$pin" --json
	is "$rc/$(json_get "$out" state)" 4/partial "[$L] status, a pin missing (partial): exit 4, state partial"
	run "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] install repairs a partial install"
	# The cgroup/setsockopt program (sockaccel_opt) detached behind our back.
	local opt
	opt=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_opt)
	bpftool cgroup detach "$cg" setsockopt id "$opt"
	run "$B" status --pin-dir "$pin"
	is "$rc" 5 "[$L] status, setsockopt program detached behind our back: exit 5"
	run "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] install repairs it: exit 0"
	# An install made before sockaccel_opt existed: no such program, no
	# map to_stack.  Status says partial and names them; install repairs.
	opt=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_opt)
	bpftool cgroup detach "$cg" setsockopt id "$opt"
	rm "$pin/sockaccel_opt" "$pin/to_stack"
	run "$B" status --pin-dir "$pin"
	is "$rc" 4 "[$L] status of an install without sockaccel_opt and to_stack (an older version's): exit 4"
	check "[$L] ... naming them (id 0): $(grep -o 'sockaccel_opt id [0-9]*' <<<"$out"), $(grep -o 'to_stack id [0-9]*' <<<"$out")" \
		grep -qw "sockaccel_opt id 0" <<<"$out"
	check "[$L] ... and to_stack id 0" grep -qw "to_stack id 0" <<<"$out"
	run "$B" status --pin-dir "$pin" --json
	check "[$L] ... JSON: sockaccel_opt with id null" \
		grep -q '{"name":"sockaccel_opt","type":"cgroup_sockopt","id":null' <<<"$out"
	run "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] install repairs it: exit 0"
	opt=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_opt)
	is "$(cgroup_prog_ids "$cg" 22)" "$opt " "[$L] ... one setsockopt program on the cgroup, the new one"
	rmdir "$child"
	# A cgroup that goes away: its own scratch cgroup.
	local gone
	new_cgroup gone
	"$B" remove --pin-dir "$pin" >/dev/null
	run "$B" install --cgroup "$gone" --pin-dir "$pin"
	is "$rc" 0 "[$L] install on a cgroup that will be deleted"
	rmdir "$gone"
	run "$B" status --pin-dir "$pin" --prometheus
	check "[$L] status --prometheus: state cgroup_gone" grep -qx 'sockaccel_state{state="cgroup_gone"} 1' <<<"$out"
	run "$B" status --pin-dir "$pin"
	is "$rc" 6 "[$L] status, its cgroup deleted: exit 6"
	check "[$L] ... says the cgroup is GONE: $(head -1 <<<"$out")" grep -q "cgroup is GONE" <<<"$out"
	is "$(json_get "$("$B" status --pin-dir "$pin" --json)" state)" cgroup_gone "[$L] status --json: state cgroup_gone"
	run "$B" remove --pin-dir "$pin"
	is "$rc" 0 "[$L] remove after the cgroup went: exit 0"
	check "[$L] ... no pins left" test ! -e "$pin"
}

# comeback CG PIN BIN [-6]: a writer to a reader that stops is moved to the
# stack for backpressure; the reader then reads everything, and the writer
# writes twice more (tests/tools/comeback).  Sets rc (0: every byte intact,
# in order, SHA-256 alike), cb_moved (moves for backpressure) and cb_back
# (messages redirected by the last write: 1 once it came back, 0 on the stack).
comeback() {
	local snaps=$T_TMP/comeback.json
	: >"$snaps"
	out=$(in_cg "$1" "$TOOLS/comeback" ${4-} -n 2 -x "'$3' status --pin-dir '$2' --json >>'$snaps'"); rc=$?
	[ "$rc" = 0 ] || diag "comeback: $out"
	snap() { local v; v=$(json_get "$(sed -n "$1p" "$snaps")" "$2"); echo "${v:-0}"; }
	cb_moved=$(( $(snap 2 sockets_moved_backpressure) - $(snap 1 sockets_moved_backpressure) ))
	cb_back=$(( $(snap 4 msgs_redirected) - $(snap 3 msgs_redirected) ))
}

# The backpressure build's read link (the tracepoint sock:sock_recv_length,
# Linux 6.3) deleted behind our back: no read is counted any more, so a
# writer moved to the stack for backpressure never comes back.  status
# calls it partial and names it; install re-attaches it.
read_link_ops() {
	local B=$1 L=$2 cg pin st link
	new_cgroup cg
	new_pin_dir pin
	run "$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$BP"
	is "$rc" 0 "[$L] install of the backpressure build: exit 0"
	[ -e "$pin/read_link" ] || bail "[$L] no read_link: $(uname -r) lacks sock:sock_recv_length (Linux 6.3)?"
	run "$B" status --pin-dir "$pin"
	check "[$L] status names the read link and its id: $(grep '^bound:' <<<"$out")" \
		grep -q "^bound: *[1-9][0-9]* KiB unread, read_link id [1-9][0-9]*$" <<<"$out"
	comeback "$cg" "$pin" "$B"
	is "$rc" 0 "[$L] stalled, then resumed reader: every byte intact, in order (SHA-256)"
	check "[$L] ... the writer was moved for backpressure ($cb_moved)" test "$cb_moved" -ge 1
	is "$cb_back" 1 "[$L] ... and came back to the redirect once its reader read everything"

	rm "$pin/read_link"
	run "$B" status --pin-dir "$pin"
	is "$rc" 4 "[$L] status, read_link deleted: exit 4 (partial)"
	check "[$L] ... says partly: $(head -1 <<<"$out")" grep -q "^installed: partly" <<<"$out"
	check "[$L] ... naming it (id 0): $(grep '^bound:' <<<"$out")" grep -q "read_link id 0$" <<<"$out"
	run "$B" status --pin-dir "$pin" --json
	is "$rc/$(json_get "$out" state)/$(json_get "$out" read_link_id)" 4/partial/0 \
		"[$L] status --json: exit 4, state partial, read_link_id 0"
	comeback "$cg" "$pin" "$B"
	is "$rc" 0 "[$L] without the read link: every byte intact"
	check "[$L] ... the writer was moved ($cb_moved)" test "$cb_moved" -ge 1
	is "$cb_back" 0 "[$L] ... and stays on the stack: its reader's reads are not counted"

	run "$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$BP"
	is "$rc" 0 "[$L] install repairs it: exit 0"
	check "[$L] ... saying so: $(head -1 <<<"$out")" grep -q "cleaned up an incomplete" <<<"$out"
	st=$("$B" status --pin-dir "$pin" --json); rc=$?
	link=$(json_get "$st" read_link_id)
	is "$rc/$(json_get "$st" state)" 0/installed "[$L] ... status: installed, exit 0"
	check "[$L] ... read_link $link is sockaccel_read's link on sock_recv_length" \
		grep -q "\"id\":$link,\"type\":\"raw_tracepoint\",\"prog_id\":$(status_id "$st" sockaccel_read),\"tp_name\":\"sock_recv_length\"" \
		<<<"$(bpftool -j link show pinned "$pin/read_link")"
	comeback "$cg" "$pin" "$B" -6
	is "$rc" 0 "[$L] after the repair (IPv6): every byte intact"
	check "[$L] ... the writer was moved ($cb_moved)" test "$cb_moved" -ge 1
	is "$cb_back" 1 "[$L] ... and comes back to the redirect again"
	run "$B" remove --pin-dir "$pin"
	is "$rc" 0 "[$L] remove: exit 0"
}

for_each_binary ops
for_each_binary read_link_ops
done_testing
