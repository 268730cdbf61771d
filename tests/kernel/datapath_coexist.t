#!/bin/bash
# datapath_coexist.t: coexistence (issue 5, item 7).  Another tool, loaded
# and attached with bpftool before us (tests/data/src/foreign_mesh.bpf.c):
# a sockops program on the same cgroup that counts every connection and
# puts those with port 7401 at one end into its own sockhash, and its own
# sk_msg program that redirects them.  Through our install, 5 live
# install/remove cycles and our remove, with connections on port 7401 (the
# other tool's) and 7402 (ours) moving data all along:
#  - every byte arrives, in order, on both ports;
#  - the other tool's programs stay attached and keep counting and
#    redirecting its connections, exactly their bytes;
#  - ours accelerate the rest; a socket the other tool holds cannot join our
#    sockhash too (the kernel allows one sk_msg program per socket: EBUSY),
#    so it counts as sockets_add_failed and stays the other tool's.
. "$(dirname "$0")/datapath_lib.sh"
need_kernel
need_flow
MESH=$BUILD/tests/data/foreign_mesh.bpf.o
[ -f "$MESH" ] || bail "$MESH is not built (run make test)"

BYTES=$((2 << 20))
HDR=40
CYCLES=5

coexist() {
	local B=$1 L=$2 cg ns pin fdir out sout st ids mesh_ops our_ops i t0 tmp=$T_TMP/$2
	new_cgroup cg
	new_netns ns
	new_pin_dir pin
	new_pin_dir fdir
	mkdir -p "$fdir" "$tmp"
	t0=$EPOCHREALTIME

	# The other tool, first: its sk_msg on its sockhash, its sockops on the cgroup.
	bpftool prog loadall "$MESH" "$fdir/progs" pinmaps "$fdir/maps" ||
		bail "bpftool cannot load $MESH"
	bpftool prog attach pinned "$fdir/progs/mesh_msg" msg_verdict pinned "$fdir/maps/mesh_hash" ||
		bail "bpftool cannot attach mesh_msg"
	bpftool cgroup attach "$cg" sock_ops pinned "$fdir/progs/mesh_ops" multi ||
		bail "bpftool cannot attach mesh_ops"
	mesh_ops=$(bpftool -j prog show pinned "$fdir/progs/mesh_ops" | sed 's/^{"id":\([0-9]*\).*/\1/')
	mesh() {	# mesh IDX: the other tool's counter (0 seen, 1 added, 2 msgs, 3 bytes)
		bpftool map lookup pinned "$fdir/maps/mesh_stats" key "$1" 0 0 0 |
			sed -n 's/.*"value": \([0-9]*\).*/\1/p'
	}
	# one PORT: one connection in the cgroup; sets $out.
	one() {
		start_server "one$1" "$cg" "$ns" -p "$1" -T 30
		out=$(in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p "$1" -b $BYTES -t 20 -T 30)
		wait_server "one$1"
	}
	local seen0 added0 bytes0
	seen0=$(mesh 0); added0=$(mesh 1); bytes0=$(mesh 3)
	one 7401
	check_flow "[$L] before our install: port 7401 (the other tool's)" "$out" 1 $BYTES
	is "$(($(mesh 1) - added0))/$(($(mesh 3) - bytes0))" "2/$((2 * BYTES + HDR))" \
		"[$L] before our install: the other tool took both sockets and redirected every byte"

	# Live: 6 connections on each port, one every 400 ms, each over 2 s,
	# while we install and remove 5 times.
	seen0=$(mesh 0); added0=$(mesh 1); bytes0=$(mesh 3)
	start_server live1 "$cg" "$ns" -p 7401 -n 6 -T 60
	start_server live2 "$cg" "$ns" -p 7402 -n 6 -T 60
	bg in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7401 -W 6/400 -b $BYTES -d 2 -t 20 -T 60 \
		>"$tmp/c1.out" 2>&1
	local p1=${T_PIDS[-1]}
	bg in_cg_ns "$cg" "$ns" "$FLOW" client -a 127.0.0.1 -p 7402 -W 6/400 -b $BYTES -d 2 -t 20 -T 60 \
		>"$tmp/c2.out" 2>&1
	local p2=${T_PIDS[-1]}
	local cycles=0 both=0
	for i in $(seq $CYCLES); do
		"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || break
		our_ops=$(status_id "$("$B" status --pin-dir "$pin" --json)" sockaccel_ops)
		[ "$(cgroup_prog_ids "$cg")" = "$mesh_ops $our_ops " ] && both=$((both + 1))
		sleep 0.3
		"$B" remove --pin-dir "$pin" >/dev/null || break
		[ "$(cgroup_prog_ids "$cg")" = "$mesh_ops " ] && both=$((both + 1))
		cycles=$((cycles + 1))
		sleep 0.3
	done
	wait "$p1"; wait "$p2"
	wait_server live1; wait_server live2
	diag "[$L] port 7401 during the cycles: $(cat "$tmp/c1.out")"
	diag "[$L] port 7402 during the cycles: $(cat "$tmp/c2.out")"
	is "$cycles" $CYCLES "[$L] $CYCLES install/remove cycles with the other tool attached"
	is "$both" $((2 * CYCLES)) \
		"[$L] each install added our sockops after the other tool's, each remove left only the other tool's"
	check_flow "[$L] port 7401 through the cycles" "$(cat "$tmp/c1.out")" 6 $BYTES
	check_flow "[$L] port 7402 through the cycles" "$(cat "$tmp/c2.out")" 6 $BYTES
	is "$(($(mesh 0) - seen0))" 24 "[$L] the other tool's sockops saw all 24 sockets"
	is "$(($(mesh 1) - added0))/$(($(mesh 3) - bytes0))" "12/$((6 * (2 * BYTES + HDR)))" \
		"[$L] it took the 12 sockets of port 7401 and redirected every byte of them"

	# Installed: each tool takes its own.
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null || bail "[$L] install failed"
	added0=$(mesh 1); bytes0=$(mesh 3)
	one 7401
	st=$("$B" status --pin-dir "$pin" --json)
	check_flow "[$L] installed: port 7401" "$out" 1 $BYTES
	is "$(($(mesh 1) - added0))/$(($(mesh 3) - bytes0))" "2/$((2 * BYTES + HDR))" \
		"[$L] installed: port 7401 stays the other tool's, every byte redirected by it"
	is "$(counter "$st" sockets_add_failed)/$(counter "$st" bytes_redirected)" "2/0" \
		"[$L] installed: our sockops could not take its sockets (sockets_add_failed 2), we redirected nothing"
	bytes0=$(mesh 3)
	one 7402
	st=$("$B" status --pin-dir "$pin" --json)
	check_flow "[$L] installed: port 7402" "$out" 1 $BYTES
	is "$(counter "$st" sockets_added)" 2 "[$L] installed: port 7402 is ours (sockets_added 2)"
	check_redirected "[$L] installed: port 7402" "$(counter "$st" bytes_redirected)" \
		"$(counter "$st" bytes_passed)" "$(counter "$st" sockets_moved_to_stack)" $((2 * BYTES + HDR))
	is "$(($(mesh 3) - bytes0))" 0 "[$L] installed: the other tool redirected none of port 7402"

	# After our remove: the other tool is still there and still works.
	"$B" remove --pin-dir "$pin" >/dev/null
	is "$(cgroup_prog_ids "$cg")" "$mesh_ops " "[$L] after remove: the other tool's sockops is still attached"
	added0=$(mesh 1); bytes0=$(mesh 3)
	one 7401
	check_flow "[$L] after remove: port 7401" "$out" 1 $BYTES
	is "$(($(mesh 1) - added0))/$(($(mesh 3) - bytes0))" "2/$((2 * BYTES + HDR))" \
		"[$L] after remove: its sk_msg program still redirects port 7401"
	diag "[$L] $(elapsed "$t0") s"
	bpftool cgroup detach "$cg" sock_ops pinned "$fdir/progs/mesh_ops"
}

for_each_binary coexist
diag "datapath_coexist.t: $(elapsed) s"
done_testing
