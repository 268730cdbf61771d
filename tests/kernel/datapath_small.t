#!/bin/bash
# datapath_small.t: the small-write rule (README "Small writes"): a socket
# whose peer received more than 64 writes under 8 KiB in a row without an
# answer goes to the stack; an answer or a write of 8 KiB or more ends the
# run, and each connection counts its own run (the streak map is keyed by
# a connection id both ends compute in sockops).  tests/tools/smallw writes
# each pattern over 127.0.0.1 and checks every byte; here the counters say
# which sockets moved and that the others redirected every byte.
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
[ -x "$TOOLS/smallw" ] || bail "$TOOLS/smallw is not built (run make test)"

# SCENARIO MOVED: sockets moved to the stack; bytes passed only if one moved.
CASES="oneway:1 pingpong:0 large:0 broken:0 answered:0 mixed:1"

small() {
	local B=$1 L=$2 cg ns pin c s0 s1 out moved passed redir
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	check "[$L] install" "$B" install --cgroup "$cg" --pin-dir "$pin"
	for c in $CASES; do
		s0=$("$B" status --pin-dir "$pin" --json)
		out=$(in_cg_ns "$cg" "$ns" timeout 60 "$TOOLS/smallw" "${c%:*}")
		ok $? "[$L] ${c%:*}: every byte intact and in order ($out)"
		s1=$("$B" status --pin-dir "$pin" --json)
		moved=$(($(counter "$s1" sockets_moved_to_stack) - $(counter "$s0" sockets_moved_to_stack)))
		passed=$(($(counter "$s1" bytes_passed) - $(counter "$s0" bytes_passed)))
		redir=$(($(counter "$s1" bytes_redirected) - $(counter "$s0" bytes_redirected)))
		is "$moved" "${c#*:}" "[$L] ${c%:*}: ${c#*:} socket(s) moved to the stack"
		if [ "${c#*:}" = 0 ]; then
			is "$passed" 0 "[$L] ${c%:*}: no byte through the stack ($redir redirected)"
		else
			check "[$L] ${c%:*}: the moved socket's later writes through the stack ($passed passed, $redir redirected)" \
				test "$passed" -gt 0 -a "$redir" -gt 0
		fi
	done
	check "[$L] remove" "$B" remove --pin-dir "$pin"
}
for_each_binary small
done_testing
