#!/bin/bash
# refusal.t: on a kernel that lacks what our programs need (the matrix runs
# it on Linux 5.10), `install` says which piece is missing and the version
# that brought it, in one sentence, exits 1 and changes nothing: no pin
# directory, no bpffs mount it made, nothing attached to the cgroup, no
# program or map left in the kernel.  The sentence names the first row of
# `probe` that install needs and the kernel lacks.
. "$(dirname "$0")/../lib.sh"
need_kernel

ids() { bpftool -j "$1" show 2>/dev/null | grep -o '"id":[0-9]*' | tr '\n' ' '; }

refuse() {
	local B=$1 L=$2 cg pin J first what since out rc
	new_cgroup cg
	new_pin_dir pin
	J=$("$B" probe --json)
	is "$(grep -o '"install":[a-z]*' <<<"$J")" '"install":false' "[$L] probe: install is not possible on $(uname -r)"
	first=$("$B" probe | sed -n 's/^install: not possible: //p')
	diag "[$L] probe: $first"
	local progs maps
	progs=$(ids prog) maps=$(ids map)
	out=$("$B" -v install --cgroup "$cg" --pin-dir "$pin" 2>&1)
	rc=$?
	is "$rc" 1 "[$L] install exits 1"
	check "[$L] one sentence names the missing piece and its version: $(grep '^sockaccel: install: ' <<<"$out")" \
		grep -qx "sockaccel: install: $first; nothing was changed (see 'sockaccel probe')" <<<"$out"
	if [[ $(uname -r) == 5.10.* ]]; then
		is "$first" "this kernel has no bpf_get_netns_cookie() for sock_ops programs (Linux 5.15)" \
			"[$L] on Linux 5.10 the missing piece is netns cookies for sock_ops"
	fi
	if grep -q '"id":"memcg","present":false' <<<"$J"; then
		check "[$L] -v says RLIMIT_MEMLOCK was raised (BPF memory charged to it here)" \
			grep -q "this kernel charges BPF maps and programs to it (before Linux 5.11)" <<<"$out"
	fi
	check "[$L] nothing was pinned (-v shows no BPF_OBJ_PIN)" eval '! grep -q BPF_OBJ_PIN <<<"$out"'
	check "[$L] no pin directory" test ! -e "$pin"
	is "$(cgroup_prog_count "$cg")" 0 "[$L] nothing attached to the cgroup"
	eventually eval '[ "$(ids prog)" = "$progs" ]'
	is "$(ids prog)" "$progs" "[$L] no program left in the kernel"
	eventually eval '[ "$(ids map)" = "$maps" ]'
	is "$(ids map)" "$maps" "[$L] no map left in the kernel"
	out=$("$B" status --pin-dir "$pin" 2>&1)
	check "[$L] status: not installed" grep -q "^installed: no" <<<"$out"
}

for_each_binary refuse
done_testing
