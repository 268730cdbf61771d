#!/bin/bash
# probe.t: `sockaccel probe --json` against what this kernel really accepts
# (issue 14).  Every row is used for real: a program calling the helper as
# ours do, a program of the type, a map of the type (objects built from
# tests/data/probe/probe.c), loaded with `sockaccel load`: a row reported
# present must load, one reported absent must be refused.  Also the cgroup
# attachment with BPF_F_ALLOW_MULTI, kernel BTF as bpftool reads it, and
# the memory accounting: where BPF memory is charged to the memory cgroup,
# a load succeeds under a 64 KiB RLIMIT_MEMLOCK it cannot raise; where it
# is charged to RLIMIT_MEMLOCK, that load fails, and without the hard limit
# sockaccel raises the limit itself (and says so with -v).  Runs on the host
# and in every kernel of the matrix (tests/boot/matrix.t).
. "$(dirname "$0")/../lib.sh"
need_kernel
OBJS=$BUILD/tests/data/probe
[ -f "$OBJS/prog-sock_ops.bpf.o" ] || bail "$OBJS is not built (run make test)"

# present ID: true, false or null, from the probe's JSON.
present() {
	grep -o "\"id\":\"$1\",\"present\":[a-z]*" <<<"$J" | sed 's/.*://'
}

# An object loads (and its pins go again); 0 or 1.
loads() {	# loads BIN OBJ PIN [PREFIX-CMD...]
	local b=$1 obj=$2 pin=$3 rc
	shift 3
	"$@" "$b" load "$obj" --pin-dir "$pin" >"$T_TMP/load.out" 2>&1
	rc=$?
	"$b" unload --pin-dir "$pin" >/dev/null 2>&1
	rm -rf "$pin"
	return $rc
}

probe() {
	local B=$1 L=$2 pin cg rows=0 row id p want got obj
	new_pin_dir pin
	J=$("$B" probe --json)
	check "[$L] probe --json exits 0 and names the kernel ($(uname -r))" \
		grep -q "^{\"kernel\":\"$(uname -r)\",\"features\":\[" <<<"$J"
	is "$(grep -o '"unknown":[0-9]*' <<<"$J")" '"unknown":0' "[$L] as root, every row probed"
	diag "[$L] absent here: $(grep -o '"id":"[^"]*","present":false' <<<"$J" | cut -d'"' -f4 | tr '\n' ' ')"

	# Objects: each needs its own row, its program type and its map type.
	for obj in "$OBJS"/*.bpf.o; do
		row=$(basename "$obj" .bpf.o)
		[ "$row" = memlock ] && continue
		id=${row/-/:}
		want=$(present "$id")
		case $row in
		sock_ops-*|map-*) want="$want $(present prog:sock_ops)" ;;
		sk_msg-*) want="$want $(present prog:sk_msg)" ;;
		esac
		case $row in
		*-map_lookup_elem) want="$want $(present map:array)" ;;
		*-sock_hash_update|*-msg_redirect_hash) want="$want $(present map:sockhash)" ;;
		*-sk_storage_get|map-sk_storage) want="$want $(present map:sk_storage) $(present btf:load)" ;;
		*-map_update_elem) want="$want $(present map:hash)" ;;
		esac
		case $want in
		*false*) want=refused ;;
		*null*|"") want=unknown ;;
		*) want=loads ;;
		esac
		if loads "$B" "$obj" "$pin"; then got=loads; else got=refused; fi
		is "$got" "$want" "[$L] $id: probe says $(present "$id"); its object $got"
		[ "$got" = "$want" ] || sed 's/^/#   /' "$T_TMP/load.out" | tail -n 5
		rows=$((rows + 1))
	done
	lt 15 "$rows" "[$L] every program, map and helper row was used"

	# BPF_F_ALLOW_MULTI: `cgroup attach ... multi` asks for it.
	new_cgroup cg
	if [ "$(present prog:sock_ops)" = true ]; then
		"$B" load "$OBJS/prog-sock_ops.bpf.o" --pin-dir "$pin" >/dev/null
		if "$B" cgroup attach "$cg" sock_ops pinned "$pin/probe" multi >"$T_TMP/attach.out" 2>&1; then
			got=true
		else
			got=false
		fi
		is "$got" "$(present flag:allow_multi)" "[$L] flag:allow_multi: probe and a real cgroup attachment agree"
		"$B" cgroup detach "$cg" sock_ops pinned "$pin/probe" >/dev/null 2>&1
		"$B" unload --pin-dir "$pin" >/dev/null 2>&1
	fi

	# Kernel BTF, read by bpftool (before 5.11 it has no BTF id to list).
	if bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "^\[[0-9]*\] STRUCT 'task_struct'"; then
		got=true
	else
		got=false
	fi
	is "$got" "$(present btf:kernel)" "[$L] btf:kernel: probe says $(present btf:kernel); bpftool $([ $got = true ] && echo reads || echo cannot read) task_struct from it"

	# Memory accounting: a 64 KiB hard RLIMIT_MEMLOCK that not even root can
	# raise (no CAP_SYS_RESOURCE), then only a soft one.
	local big=$OBJS/memlock.bpf.o
	if loads "$B" "$big" "$pin" setpriv --bounding-set=-sys_resource prlimit --memlock=65536:65536; then
		got=true
	else
		got=false
	fi
	is "$got" "$(present memcg)" "[$L] memcg: a load under a 64 KiB hard RLIMIT_MEMLOCK $([ $got = true ] && echo works || echo fails), as probe says"
	if [ "$(present memcg)" = false ]; then
		check "[$L] memcg absent: with room to raise RLIMIT_MEMLOCK, the load works" \
			loads "$B" "$big" "$pin" prlimit --memlock=65536:unlimited
		out=$(prlimit --memlock=65536:unlimited "$B" -v load "$OBJS/prog-sock_ops.bpf.o" --pin-dir "$pin" 2>&1)
		"$B" unload --pin-dir "$pin" >/dev/null 2>&1
		check "[$L] -v says RLIMIT_MEMLOCK was raised, and why" \
			grep -qE "RLIMIT_MEMLOCK was 64 KiB: this kernel (charges|did not say whether it charges) BPF maps and programs to it \(before Linux 5.11\), so it is raised to unlimited" <<<"$out"
	else
		out=$(prlimit --memlock=65536:unlimited "$B" -v load "$big" --pin-dir "$pin" 2>&1)
		"$B" unload --pin-dir "$pin" >/dev/null 2>&1
		check "[$L] memcg present: RLIMIT_MEMLOCK is left alone" eval '! grep -q RLIMIT_MEMLOCK <<<"$out"'
	fi
	diag "[$L] not checked against real use: flag:replace, link (no command uses them for cgroups)"
}

for_each_binary probe
done_testing
