#!/bin/bash
# hostile_interrupt.t: install, repair and remove killed at every bpf() call,
# or with one bpf() call failing; no state may be left that the next
# `install` or `remove` cannot repair (loader/accel/accel.h: pins first, then the
# cgroup record, then the attachments).
#
# strace -e inject=bpf:signal=SIGKILL:when=N kills the command as it enters
# its Nth bpf() call, so N = 1..(calls of a whole run) cuts the run after
# each call in turn.  After each cut:
#   status        works and tells a partial install from none or a whole one;
#   install       completes (saying it cleaned up, when there was something);
#   remove        leaves no pin directory, nothing attached to the cgroup,
#                 and the programs and maps gone from the kernel.
# Loops: install killed; the repairing install killed (from the worst cut:
# everything but the cgroup attachment); remove killed; install with its
# Nth bpf() call failing (EPERM), which must fail cleanly or succeed whole.
. "$(dirname "$0")/../lib.sh"
need_kernel
command -v strace >/dev/null || bail "strace is not installed (tests/deps.sh test)"
# Every STEP-th call only: the kernel matrix (tests/boot/matrix.t) runs
# this under qemu's TCG with SA_INTERRUPT_STEP=8.
STEP=${SA_INTERRUPT_STEP:-1}

# The bpf() calls CMD makes, one command name a line, in $T_TMP/calls.
calls_of() {
	strace -f -qq -e trace=bpf -o "$T_TMP/calls.raw" -- "$@" >/dev/null 2>&1
	grep -o 'bpf(BPF_[A-Z_]*' "$T_TMP/calls.raw" | sed 's/bpf(//' >"$T_TMP/calls"
	wc -l <"$T_TMP/calls"
}

# kill_at N CMD...: CMD killed (SIGKILL) as it enters its Nth bpf() call.
kill_at() {
	local n=$1
	shift
	# (through sh, which unlike bash does not report the kill on stderr)
	sh -c '"$@" >/dev/null 2>&1; exit 0' sh \
		strace -f -qq -e trace=bpf -e inject=bpf:signal=SIGKILL:when="$n" -o /dev/null -- "$@"
}

# The pins an install makes (loader/accel/accel.h), and how many of them exist.
PINS="sock_hash counters config ports sk_state sockaccel_ops sockaccel_msg cgroup"
pins_present() {
	local p n=0
	for p in $PINS; do
		[ -e "$pin/$p" ] || [ -L "$pin/$p" ] && n=$((n + 1))
	done
	echo $n
}

# status after a cut: exit 0, and "partial" exactly when some pins exist.
status_agrees() {
	local st n
	st=$("$B" status --pin-dir "$pin" --json) || return 1
	n=$(pins_present)
	case $n in
	0) [ "$(json_get "$st" installed)" = false ] && [ "$(json_get "$st" partial)" = false ] ;;
	8) [ "$(json_get "$st" installed)" = true ] ;;
	*) [ "$(json_get "$st" partial)" = true ] ;;
	esac
}

# install must complete, saying what it found; then remove must leave
# nothing.  $1: what was cut.
repair_and_remove() {
	local what=$1 n out rc st ids id want
	n=$(pins_present)
	st=$("$B" status --pin-dir "$pin" --json)
	if [ "$n" = 0 ]; then
		want="installed on cgroup"
	elif [ "$(json_get "$st" installed)" = true ] && [ "$(json_get "$st" attached)" = true ]; then
		want="nothing changed"
	else
		want="cleaned up an incomplete earlier install"
	fi
	out=$("$B" install --cgroup "$cg" --pin-dir "$pin" 2>&1)
	rc=$?
	st=$("$B" status --pin-dir "$pin" --json)
	if [ "$rc" = 0 ] && [ "$(json_get "$st" installed)" = true ] &&
	   [ "$(json_get "$st" attached)" = true ] && grep -q "$want" <<<"$out"; then
		ok 0 "[$L] $what: install completes ($n of 8 pins were there: $want)"
	else
		ok 1 "[$L] $what: install completes ($n of 8 pins were there: $want)"
		diag "install exit $rc: $out"
	fi
	ids=$(sed 's/.*"programs":{\([^}]*\)},"maps":{\([^}]*\)}.*/\1,\2/' <<<"$st" | grep -o ':[0-9]*' | tr -d :)
	out=$("$B" remove --cgroup "$cg" --pin-dir "$pin" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ ! -e "$pin" ] && [ -z "$(cgroup_prog_ids "$cg")" ]; then
		ok 0 "[$L] $what: remove leaves no pin directory and nothing attached"
	else
		ok 1 "[$L] $what: remove leaves no pin directory and nothing attached"
		diag "remove exit $rc: $out; pins: $(ls "$pin" 2>&1 | tr '\n' ' '); cgroup: $(cgroup_prog_ids "$cg")"
	fi
	[ "$(wc -w <<<"$ids")" = 8 ] ||
		{ ok 1 "[$L] $what: the 2 program and 6 map ids of the install"; return; }
	# Programs first, then maps (status --json order); ids of programs and
	# of maps are separate spaces, each checked in its own.
	local kind n=0
	for id in $ids; do
		n=$((n + 1))
		kind=map
		[ "$n" -le 2 ] && kind=prog
		if ! eventually sh -c "! bpftool $kind show id $id >/dev/null 2>&1"; then
			ok 1 "[$L] $what: $kind id $id is still in the kernel"
			bpftool $kind show id "$id" | sed 's/^/#   /'
			return
		fi
	done
	ok 0 "[$L] $what: its programs and maps are gone from the kernel"
}

interrupted() {
	B=$1
	L=$2
	local n m k r calls cut
	new_cgroup cg
	new_pin_dir pin

	# ---- install killed after each of its bpf() calls ----
	k=$(calls_of "$B" install --cgroup "$cg" --pin-dir "$pin")
	calls=$(tr '\n' ' ' <"$T_TMP/calls")
	diag "[$L] install makes $k bpf() calls: $calls"
	lt 5 "$k" "[$L] a whole install makes bpf() calls"
	"$B" remove --cgroup "$cg" --pin-dir "$pin" >/dev/null
	for n in $(seq 1 "$STEP" "$k"); do
		cut="install killed at bpf() call $n ($(sed -n "${n}p" <<<"${calls// /$'\n'}"))"
		kill_at "$n" "$B" install --cgroup "$cg" --pin-dir "$pin"
		check "[$L] $cut: status works and agrees with the pins ($(pins_present) of 8)" status_agrees
		repair_and_remove "$cut"
	done

	# ---- the repairing install killed after each of its calls ----
	# The worst cut of an install: everything but the cgroup attachment.
	kill_at "$k" "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$(pins_present)" 8 "[$L] install killed before its last call: all pins there"
	r=$(calls_of "$B" install --cgroup "$cg" --pin-dir "$pin")
	diag "[$L] the repairing install makes $r bpf() calls: $(tr '\n' ' ' <"$T_TMP/calls")"
	lt "$k" "$r" "[$L] repairing makes more bpf() calls than a fresh install"
	"$B" remove --cgroup "$cg" --pin-dir "$pin" >/dev/null
	for m in $(seq 1 "$STEP" "$r"); do
		kill_at "$k" "$B" install --cgroup "$cg" --pin-dir "$pin"
		kill_at "$m" "$B" install --cgroup "$cg" --pin-dir "$pin"
		repair_and_remove "repairing install killed at bpf() call $m ($(sed -n "${m}p" "$T_TMP/calls"))"
	done

	# ---- remove killed after each of its calls ----
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null
	r=$(calls_of "$B" remove --cgroup "$cg" --pin-dir "$pin")
	diag "[$L] remove makes $r bpf() calls: $(tr '\n' ' ' <"$T_TMP/calls")"
	for m in $(seq 1 "$STEP" "$r"); do
		"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null
		kill_at "$m" "$B" remove --cgroup "$cg" --pin-dir "$pin"
		check "[$L] remove killed at bpf() call $m: status works and agrees with the pins ($(pins_present) of 8)" \
			status_agrees
		repair_and_remove "remove killed at bpf() call $m ($(sed -n "${m}p" "$T_TMP/calls"))"
	done

	# ---- install with its Nth bpf() call failing ----
	for n in $(seq 1 "$STEP" "$k"); do
		local out rc
		cut="install with bpf() call $n ($(sed -n "${n}p" <<<"${calls// /$'\n'}")) failing"
		out=$(strace -f -qq -e trace=bpf -e inject=bpf:error=EPERM:when="$n" -o /dev/null -- \
			"$B" install --cgroup "$cg" --pin-dir "$pin" 2>&1)
		rc=$?
		if [ "$rc" = 0 ]; then	# e.g. the program load retried with the verifier log
			check "[$L] $cut: succeeded whole (it retried)" status_agrees
		elif [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && [ ! -e "$pin" ] &&
		     [ -z "$(cgroup_prog_ids "$cg")" ]; then
			ok 0 "[$L] $cut: fails cleanly: $out"
		else
			ok 1 "[$L] $cut: fails cleanly (exit 1, one line, nothing left)"
			diag "exit $rc: $out; pins: $(ls "$pin" 2>&1 | tr '\n' ' ')"
		fi
		repair_and_remove "$cut"
	done
}

for_each_binary interrupted
done_testing
