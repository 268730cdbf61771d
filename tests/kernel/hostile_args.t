#!/bin/bash
# hostile_args.t: bad arguments and bad environments.  Each must give a clear
# one-line error (plus the usage hint for a usage error), exit 1 (failed) or
# 2 (usage), and leave nothing pinned or attached: the pin directory is not
# created, the scratch cgroup has no program, and strace saw no successful
# BPF_OBJ_PIN, BPF_PROG_ATTACH or BPF_LINK_CREATE.
#   --cgroup: missing, a plain directory, a cgroup v1 hierarchy
#   --pin-dir: not on bpffs (existing or not), a symlink, a file, a pinned object,
#              maps of another layout under our names (status must not overflow)
#   objects: missing, unreadable (root without CAP_DAC_OVERRIDE), a directory,
#            a FIFO (must not hang), malformed
#   unknown command/option, bad --port, missing value, stray argument
#   no privileges: nobody, nobody with CAP_BPF only, root with no capabilities
. "$(dirname "$0")/../lib.sh"
need_kernel
command -v strace >/dev/null || bail "strace is not installed (tests/deps.sh test)"
command -v setpriv >/dev/null || bail "setpriv is not installed (util-linux)"

# The usage hint names the command's own help: "(run 'sockaccel install --help' ...)".
HINT="^\\(run 'sockaccel ([a-z]+ )?--help' for usage\\)\$"

# run CMD...: rc, and the command's stderr and bpf() calls in $T_TMP.
run() {
	timeout 20 strace -f -qq -e trace=bpf -o "$T_TMP/trace" -- "$@" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
}

# refused RC WORDS WHAT [PATH...]: the last run exited RC with one line of
# error containing WORDS (and only the usage hint besides, for exit 2), and
# changed nothing: no successful pin or attach, no PATH created, nothing
# attached to the scratch cgroup.
refused() {
	local want=$1 words=$2 what=$3 lines first p made=""
	shift 3
	first=$(head -1 "$T_TMP/err")
	lines=$(grep -vcE -- "$HINT" "$T_TMP/err")
	is "$rc" "$want" "[$L] $what: exit $want"
	if [ "$lines" = 1 ] && grep -qF -- "$words" <<<"$first"; then
		ok 0 "[$L] $what: says: $first"
	else
		ok 1 "[$L] $what: one line saying '$words'"
		sed 's/^/#   stderr: /' "$T_TMP/err" | head -5
	fi
	for p in "$pin" "$@"; do
		[ -e "$p" ] && made="$made $p"
	done
	if [ -z "$made" ] && [ "$(cgroup_prog_count "$cg")" = 0 ] &&
	   ! grep -qE 'BPF_(OBJ_PIN|PROG_ATTACH|LINK_CREATE).*= [0-9]+$' "$T_TMP/trace"; then
		ok 0 "[$L] $what: nothing pinned or attached ($(grep -c 'bpf(' "$T_TMP/trace") bpf() calls)"
	else
		ok 1 "[$L] $what: nothing pinned or attached"
		diag "created:$made; cgroup: $(cgroup_prog_ids "$cg")"
		grep -E 'BPF_(OBJ_PIN|PROG_ATTACH|LINK_CREATE)' "$T_TMP/trace" | head -3 | sed 's/^/#   /'
	fi
}

hostile() {
	local B=$1
	L=$2
	local plain notbpf real link fpin v1 objdir bad fifo
	new_cgroup cg
	new_pin_dir pin
	new_pin_dir real
	new_pin_dir link
	new_pin_dir fpin
	plain=$(mktemp -d "$T_TMP/plain.XXXXXX")
	notbpf=$(mktemp -d "$T_TMP/notbpf.XXXXXX")

	# ---- --cgroup ----
	run "$B" install --cgroup /nonexistent-sockaccel-$$ --pin-dir "$pin"
	refused 1 "cgroup '/nonexistent-sockaccel-$$': No such file or directory" "--cgroup that does not exist"
	run "$B" install --cgroup "$plain" --pin-dir "$pin"
	refused 1 "'$plain' is not a cgroup v2 directory" "--cgroup a plain directory"
	# A cgroup v1 hierarchy of our own (named, no controller), mounted in a
	# private mount namespace that dies with the command.
	v1=$(mktemp -d "$T_TMP/v1.XXXXXX")
	run unshare -m --propagation private sh -c \
		'mount -t cgroup -o none,name="$1" cgroup "$2" || exit 99; exec "$3" install --cgroup "$2" --pin-dir "$4"' \
		sh "sa_test_$$_$L" "$v1" "$B" "$pin"
	if [ "$rc" = 99 ]; then
		diag "[$L] cannot mount a cgroup v1 hierarchy here: $(head -1 "$T_TMP/err")"
		ok 0 "[$L] --cgroup a cgroup v1 hierarchy # SKIP the kernel mounts no cgroup v1"
	else
		refused 1 "cgroup '$v1' is a cgroup v1 hierarchy" "--cgroup a cgroup v1 hierarchy"
	fi

	# ---- --pin-dir ----
	run "$B" install --cgroup "$cg" --pin-dir "$notbpf"
	refused 1 "pin directory '$notbpf' is not on a bpf file system" "--pin-dir an existing directory not on bpffs"
	check "[$L] that directory stays empty" test -z "$(ls -A "$notbpf")"
	run "$B" install --cgroup "$cg" --pin-dir "$notbpf/new"
	refused 1 "pin directory '$notbpf/new' would not be on a bpf file system" \
		"--pin-dir a new directory not on bpffs" "$notbpf/new"
	mkdir "$real"
	ln -s "$real" "$link"
	run "$B" install --cgroup "$cg" --pin-dir "$link"
	refused 1 "pin directory '$link' is a symbolic link" "--pin-dir a symlink"
	check "[$L] the symlink's target stays empty" test -z "$(ls -A "$real")"
	touch "$T_TMP/file"
	run "$B" install --cgroup "$cg" --pin-dir "$T_TMP/file"
	refused 1 "pin directory '$T_TMP/file' is not a directory" "--pin-dir a regular file"
	bpftool prog load "$BUILD/tests/data/foreign_sockops.bpf.o" "$fpin" type sockops ||
		bail "bpftool cannot load the foreign sockops program"
	run "$B" install --cgroup "$cg" --pin-dir "$fpin"
	refused 1 "pin directory '$fpin' is not a directory" "--pin-dir a pinned program (a file on bpffs)"
	run "$B" remove --cgroup "$cg" --pin-dir "$fpin"
	refused 1 "pin directory '$fpin' is not a directory" "remove --pin-dir a pinned program"
	check "[$L] the pinned program is still there" test -f "$fpin"

	# Maps of another layout pinned under our names (another tool's, another
	# sockaccel version's): status read them into fixed buffers and smashed
	# its stack (a 512-byte key into a 48-byte one).  Now: not ours.
	mkdir "$pin"
	bpftool map create "$pin/sock_hash" type hash key 512 value 8 entries 4 name sock_hash &&
	bpftool map update pinned "$pin/sock_hash" key hex $(printf '41 %.0s' $(seq 512)) value hex 0 0 0 0 0 0 0 0 &&
	bpftool map create "$pin/config" type array key 4 value 4096 entries 1 name config &&
	bpftool map create "$pin/ports" type hash key 4 value 4 entries 4 name ports ||
		bail "bpftool cannot create the foreign maps"
	run "$B" status --pin-dir "$pin"
	is "$rc" 4 "[$L] status over maps of another layout: exit 4, partial (no crash)"
	check "[$L] ... and calls it a partial install" grep -q '^installed: partly' "$T_TMP/out"
	run "$B" remove --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] remove clears them"
	check "[$L] ... leaving no pin directory" test ! -e "$pin"

	# ---- objects ----
	run "$B" load /nonexistent-sockaccel/x.bpf.o --pin-dir "$pin"
	refused 1 "object '/nonexistent-sockaccel/x.bpf.o': No such file or directory" "load a missing object"
	objdir=$(mktemp -d "$T_TMP/objects.XXXXXX")
	run "$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$objdir"
	refused 1 "object '$objdir/sockaccel.bpf.o': No such file or directory" "install --objects without the object"
	cp "$BUILD/bpf/sockaccel.bpf.o" "$T_TMP/unreadable-$L.o"
	chmod 000 "$T_TMP/unreadable-$L.o"
	run setpriv --bounding-set=-dac_override,-dac_read_search -- "$B" load "$T_TMP/unreadable-$L.o" --pin-dir "$pin"
	refused 1 "object '$T_TMP/unreadable-$L.o': Permission denied" "load an unreadable object (root without CAP_DAC_OVERRIDE)"
	run "$B" load "$objdir" --pin-dir "$pin"
	refused 1 "object '$objdir' is not a regular file" "load a directory"
	fifo=$T_TMP/fifo-$L
	mkfifo "$fifo"
	run "$B" load "$fifo" --pin-dir "$pin"
	refused 1 "object '$fifo' is not a regular file" "load a FIFO (no hang waiting for a writer)"
	bad=$TOP/tests/data/malformed/rel-against-function.o
	run "$B" load "$bad" --pin-dir "$pin"
	refused 1 "elf: $bad: section 'sockops': relocation 0 against 'sockaccel_msg' in section 'sk_msg', which is not a map" \
		"load a malformed object"
	cp "$TOP/tests/data/malformed/map-type-unknown.o" "$objdir/sockaccel.bpf.o"
	run "$B" install --cgroup "$cg" --pin-dir "$pin" --objects "$objdir"
	refused 1 "map 'sock_hash': unknown map type 4242" "install --objects with a malformed sockaccel.bpf.o"

	# ---- usage ----
	run "$B" frobnicate
	refused 2 "sockaccel: unknown command 'frobnicate'" "unknown command"
	run "$B" install --bogus --cgroup "$cg" --pin-dir "$pin"
	refused 2 "sockaccel: install: unknown option '--bogus'" "unknown option"
	run "$B" install --cgroup "$cg" --pin-dir "$pin" --port 0
	refused 2 "--port '0' is not a port number (1-65535)" "--port 0"
	run "$B" install --cgroup "$cg" --pin-dir "$pin" --port 70000
	refused 2 "--port '70000' is not a port number (1-65535)" "--port 70000"
	run "$B" install --pin-dir "$pin" --cgroup
	refused 2 "option --cgroup needs a value" "--cgroup without a value"
	run "$B" status --pin-dir "$pin" --port 80
	refused 2 "--port does not apply here" "an option of another command"
	run "$B" install --cgroup "$cg" --pin-dir "$pin" stray
	refused 2 "unexpected argument 'stray'" "a stray argument"
	run "$B" install --cgroup "$cg" --pin-dir ""
	refused 2 "--pin-dir is empty" "an empty --pin-dir"

	# ---- privileges ----
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
		"$B" install --cgroup "$cg" --pin-dir "$pin"
	refused 1 "install needs root, or CAP_BPF and CAP_NET_ADMIN" "install as nobody"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
		"$B" remove --cgroup "$cg" --pin-dir "$pin"
	refused 1 "remove needs root, or CAP_BPF and CAP_NET_ADMIN" "remove as nobody"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
		"$B" status --pin-dir "$pin"
	refused 1 "status needs root, or CAP_BPF and CAP_NET_ADMIN" "status as nobody"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- \
		"$B" load "$BUILD/bpf/sockaccel.bpf.o" --pin-dir "$pin"
	refused 1 "load needs root, or CAP_BPF and CAP_NET_ADMIN" "load as nobody"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=+bpf --ambient-caps=+bpf -- \
		"$B" install --cgroup "$cg" --pin-dir "$pin"
	refused 1 "install needs root, or CAP_BPF and CAP_NET_ADMIN" "install as nobody with CAP_BPF only"
	run setpriv --bounding-set=-all --inh-caps=-all -- "$B" install --cgroup "$cg" --pin-dir "$pin"
	refused 1 "install needs root, or CAP_BPF and CAP_NET_ADMIN" "install as root without capabilities"

	# After all that, a real install still works and remove leaves nothing.
	run "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] a good install after the bad ones"
	run "$B" remove --cgroup "$cg" --pin-dir "$pin"
	is "$rc" 0 "[$L] remove"
	check "[$L] nothing left: no pin directory, nothing attached" \
		test ! -e "$pin" -a "$(cgroup_prog_count "$cg")" = 0
	rm -f "$fpin"
}

for_each_binary hostile
done_testing
