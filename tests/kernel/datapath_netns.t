#!/bin/bash
# datapath_netns.t: namespace isolation (issue 5, item 3).  Two network
# namespaces, each with its own loopback, a server on 127.0.0.1:7003 and a
# client bound to 127.0.0.1:7100-7103: the very same four 4-tuples in both,
# all accelerated, at the same time.  Each client sends a stream only its
# own server accepts (seed 1111 in A, 2222 in B) and must get back only its
# own server's stream.  The sockhash holds all 16 sockets at once, under
# keys that differ only by the namespace cookie (and sequence numbers).
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
need_flow

MIB16=$((16 << 20))
CONNS=4

# Sockhash keys of a `bpftool map dump` as "NETNS TUPLE" lines: the netns
# cookie (bytes 0-7) and the addresses, family and ports (bytes 8-47) of
# each key (struct sa_key).
parse_keys() {	# parse_keys DUMP_FILE
	awk '
		/^key:/ { k = 1; s = ""; next }
		/^value:/ { k = 0; n = split(s, b, " "); ns = ""; t = ""
			for (i = 1; i <= 8; i++) ns = ns b[i]
			for (i = 9; i <= 48; i++) t = t b[i]
			print ns, t; next }
		k { s = s " " $0 }' "$1"
}

isolation() {
	local B=$1 L=$2 cg nsA nsB pin a b sa sb rca rcb st keys t0 tmp=$T_TMP/$2
	new_cgroup cg
	new_netns nsA
	new_netns nsB
	new_pin_dir pin
	mkdir "$tmp"
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"
	t0=$EPOCHREALTIME
	start_server A "$cg" "$nsA" -p 7003 -n $CONNS -s 1111 -T 60
	start_server B "$cg" "$nsB" -p 7003 -n $CONNS -s 2222 -T 60
	# Both clients connect, meet, A looks at the sockhash while all 16
	# sockets are in it, and only then both move data (at once).
	cat >"$tmp/meet" <<-EOF
		touch "$tmp/\$1.up"
		for i in \$(seq 100); do [ -e "$tmp/\$2.up" ] && break; sleep 0.05; done
		if [ "\$1" = B ]; then	# until A has looked
			for i in \$(seq 200); do [ -e "$tmp/looked" ] && break; sleep 0.05; done
			exit 0
		fi
		for i in \$(seq 50); do
			"$B" status --pin-dir "$pin" --json >"$tmp/during.json"
			grep -q '"sockets":16,' "$tmp/during.json" && break
			sleep 0.1
		done
		bpftool map dump pinned "$pin/sock_hash" >"$tmp/dump.txt"
		touch "$tmp/looked"
	EOF
	bg in_cg_ns "$cg" "$nsA" "$FLOW" client -a 127.0.0.1 -p 7003 -A 127.0.0.1 -P 7100 -n $CONNS \
		-s 1111 -b $MIB16 -t 60 -T 60 -B -x "sh $tmp/meet A B" >"$tmp/a.out" 2>"$tmp/a.err"
	local pa=${T_PIDS[-1]}
	bg in_cg_ns "$cg" "$nsB" "$FLOW" client -a 127.0.0.1 -p 7003 -A 127.0.0.1 -P 7100 -n $CONNS \
		-s 2222 -b $MIB16 -t 60 -T 60 -B -x "sh $tmp/meet B A" >"$tmp/b.out" 2>"$tmp/b.err"
	local pb=${T_PIDS[-1]}
	wait "$pa"; rca=$?
	wait "$pb"; rcb=$?
	wait_server A
	wait_server B
	a=$(cat "$tmp/a.out"); b=$(cat "$tmp/b.out")
	sa=$(cat "$T_TMP/A.out"); sb=$(cat "$T_TMP/B.out")
	diag "[$L] namespace A client: $a"
	diag "[$L] namespace B client: $b"
	diag "[$L] servers: A $(kv "$sa" ok) ok, $(kv "$sa" mismatches) mismatches; B $(kv "$sb" ok) ok, $(kv "$sb" mismatches) mismatches; $(elapsed "$t0") s"
	is "$rca/$rcb" 0/0 "[$L] both clients exit 0"
	check_flow "[$L] A's clients got only A's server's stream" "$a" $CONNS $MIB16
	check_flow "[$L] B's clients got only B's server's stream" "$b" $CONNS $MIB16
	check_flow "[$L] A's server got only A's clients' stream (seed checked)" "$sa" $CONNS $MIB16
	check_flow "[$L] B's server got only B's clients' stream (seed checked)" "$sb" $CONNS $MIB16

	is "$(json_get "$(cat "$tmp/during.json")" sockets)" 16 "[$L] 16 sockets of both namespaces in the sockhash at once"
	keys=$(parse_keys "$tmp/dump.txt")
	is "$(cut -d' ' -f1 <<<"$keys" | sort -u | wc -l)" 2 "[$L] the keys carry 2 namespace cookies"
	is "$(cut -d' ' -f2 <<<"$keys" | sort | uniq -c | awk '{ print $1 }' | sort -u | tr '\n' ' ')" "2 " \
		"[$L] every address/port tuple is in the sockhash twice, once per namespace"
	is "$(cut -d' ' -f2 <<<"$keys" | sort -u | wc -l)" 8 "[$L] 8 tuples (4 connections, 2 ends)"
	st=$("$B" status --pin-dir "$pin" --json)
	check_accounted "[$L] both namespaces accelerated:" "$st" $((2 * 2 * CONNS * MIB16 + 2 * CONNS * 40))
	check_redirected "[$L] both namespaces" "$(counter "$st" bytes_redirected)" \
		"$(counter "$st" bytes_passed)" "$(counter "$st" sockets_moved_to_stack)" \
		$((2 * 2 * CONNS * MIB16 + 2 * CONNS * 40))
	"$B" remove --pin-dir "$pin" >/dev/null
}

for_each_binary isolation
diag "datapath_netns.t: $(elapsed) s"
done_testing
