#!/bin/bash
# hostile_valgrind.t: one install/status/remove cycle under valgrind
# (--error-exitcode): no memory error, no uninitialised byte passed to a
# system call (union bpf_attr included), no leak of any kind, no file
# descriptor left open at exit; and the same cycle with the ASan+UBSan
# build (build/asan/sockaccel).  Leaks are checked for the dynamic binary;
# the static one has its own malloc (loader/libc/tiny_libc.c), so valgrind checks
# it for everything but the heap.
. "$(dirname "$0")/../lib.sh"
need_kernel
command -v valgrind >/dev/null || bail "valgrind is not installed (tests/deps.sh test)"
SUPP=$TOP/tests/kernel/valgrind.supp

# vg LABEL CMD...: valgrind, error exit 99; the report in $T_TMP/vg.
vg() {
	local what=$1 leak=full rc fds inherited
	shift
	case $1 in *-static) leak=no ;; esac
	valgrind -q --error-exitcode=99 --suppressions="$SUPP" --leak-check=$leak \
		--show-leak-kinds=all --errors-for-leak-kinds=all --track-fds=yes \
		"$@" >"$T_TMP/vg.out" 2>"$T_TMP/vg"
	rc=$?
	# Open descriptors at exit besides stdio: only ones we inherited.
	fds=$(grep -c '^==[0-9]*== Open file descriptor' "$T_TMP/vg")
	inherited=$(grep -c '<inherited from parent>' "$T_TMP/vg")
	if [ "$rc" = 0 ] && [ "$fds" = "$inherited" ]; then
		ok 0 "$what: no error, no leak (leak check: $leak), no descriptor left open"
	else
		ok 1 "$what: no error, no leak, no descriptor left open (exit $rc)"
		grep -vE '^==[0-9]*== *$' "$T_TMP/vg" | head -30 | sed 's/^/#   /'
	fi
}

cycle() {
	local B=$1 L=$2 st
	new_cgroup cg
	new_pin_dir pin
	# -v: the decoded trace of every bpf() call reads each attr it printed
	vg "[$L] valgrind install -v" "$B" install -v --cgroup "$cg" --pin-dir "$pin"
	vg "[$L] valgrind status" "$B" status --pin-dir "$pin"
	st=$(cat "$T_TMP/vg.out")
	check "[$L] status under valgrind saw the install" grep -q '^installed: yes' <<<"$st"
	vg "[$L] valgrind status --json" "$B" status --json --pin-dir "$pin"
	vg "[$L] valgrind remove" "$B" remove --cgroup "$cg" --pin-dir "$pin"
	check "[$L] remove under valgrind left nothing" test ! -e "$pin" -a "$(cgroup_prog_count "$cg")" = 0
}

asan_cycle() {
	local A=$BUILD/asan/sockaccel cmd rc
	[ -x "$A" ] || bail "$A is not built (run make test)"
	new_cgroup cg
	new_pin_dir pin
	export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=86
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	for cmd in "install -v --cgroup $cg --pin-dir $pin" "status --pin-dir $pin" \
		   "status --json --pin-dir $pin" "remove --cgroup $cg --pin-dir $pin"; do
		# shellcheck disable=SC2086 # the words of cmd are the arguments
		"$A" $cmd >/dev/null 2>"$T_TMP/asan"
		rc=$?
		cmd=${cmd%% --pin-dir*}
		cmd=${cmd%% --cgroup*}
		if [ "$rc" = 0 ] && ! grep -qE 'Sanitizer|runtime error:' "$T_TMP/asan"; then
			ok 0 "[asan] $cmd: no sanitizer report"
		else
			ok 1 "[asan] $cmd: no sanitizer report (exit $rc)"
			head -30 "$T_TMP/asan" | sed 's/^/#   /'
		fi
	done
	check "[asan] remove left nothing" test ! -e "$pin" -a "$(cgroup_prog_count "$cg")" = 0
}

for_each_binary cycle
asan_cycle
done_testing
