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
# everything but the cgroup attachment); remove killed; install --replace
# killed; install with its Nth bpf() call failing (EPERM), which must fail
# cleanly or succeed whole.
. "$(dirname "$0")/../lib.sh"
need_kernel
command -v strace >/dev/null || bail "strace is not installed (tests/deps.sh test)"
# Every STEP-th call only: the kernel matrix (tests/boot/matrix.t) runs
# this under qemu's TCG with SA_INTERRUPT_STEP=24.
STEP=${SA_INTERRUPT_STEP:-1}

# cuts N [TAIL]: the calls to cut, of N: every STEP-th, and the last TAIL
# always (where install --replace changes things: its loads, pins and swaps).
cuts() {
	{ seq 1 "$STEP" "$1"; seq $(($1 - ${2:-0} + 1)) "$1"; } | sort -nu
}

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

# The pins an install makes, as the binary lists them (status --json "pins",
# from the one table in loader/accel/items.c), and how many of them exist.
pins_of() {	# pins_of BIN
	"$1" status --pin-dir /sys/fs/bpf/sockaccel-test-none --json |
		sed 's/.*"pins":\[\([^]]*\)\].*/\1/' | tr -d '"' | tr ',' ' '
}
pins_present() {
	local p n=0
	for p in $PINS; do
		[ -e "$pin/$p" ] || [ -L "$pin/$p" ] && n=$((n + 1))
	done
	echo $n
}

# status after a cut: works (exit 0, or the exit status of its state), and
# "partial" exactly when some pins exist.
status_agrees() {
	local st n rc
	st=$("$B" status --pin-dir "$pin" --json)
	rc=$?
	n=$(pins_present)
	case "$(json_get "$st" state)/$rc" in
	installed/0 | not_installed/3 | partial/4 | detached/5) ;;
	*) return 1 ;;
	esac
	case $n in
	0) [ "$(json_get "$st" state)" = not_installed ] ;;
	"$NPINS") [ "$(json_get "$st" state)" = installed ] || [ "$(json_get "$st" state)" = detached ] ;;
	*) [ "$(json_get "$st" state)" = partial ] ;;
	esac
}

# install must complete, saying what it found; then remove must leave
# nothing.  $1: what was cut; then install's extra arguments (the replace
# loop: --replace --objects B, and B's sk_msg tag must be the one attached,
# whatever the message).
repair_and_remove() {
	local what=$1 n out rc st ids id want
	shift
	n=$(pins_present)
	st=$("$B" status --pin-dir "$pin" --json)
	if [ $# -gt 0 ]; then
		want=""
	elif [ "$n" = 0 ]; then
		want="installed on cgroup"
	elif [ "$(json_get "$st" installed)" = true ] && [ "$(json_get "$st" attached)" = true ]; then
		want="nothing changed"
	else
		want="cleaned up an incomplete earlier install"
	fi
	out=$("$B" install --cgroup "$cg" --pin-dir "$pin" "$@" 2>&1)
	rc=$?
	st=$("$B" status --pin-dir "$pin" --json)
	if [ "$rc" = 0 ] && [ "$(json_get "$st" installed)" = true ] &&
	   [ "$(json_get "$st" attached)" = true ] && grep -q "$want" <<<"$out" &&
	   { [ $# = 0 ] || [ "$(msg_tag "$st")" = "$TAG_B" ]; } &&
	   [ "$(cgroup_prog_ids "$cg")" = "$(status_id "$st" sockaccel_ops) " ] &&
	   [ ! -e "$pin/replacing" ]; then
		ok 0 "[$L] $what: install completes ($n of $NPINS pins were there: $want)"
	else
		ok 1 "[$L] $what: install completes ($n of $NPINS pins were there: $want)"
		diag "install exit $rc: $out; cgroup: $(cgroup_prog_ids "$cg"); $(ls "$pin" "$pin/replacing" 2>&1 | tr '\n' ' ')"
	fi
	# Programs first, then maps, each with its kind.
	ids=$(for p in $PROGS; do echo "prog:$(status_id "$st" "$p")"; done
	      for m in $MAPS; do echo "map:$(status_id "$st" "$m")"; done)
	out=$("$B" remove --cgroup "$cg" --pin-dir "$pin" 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ ! -e "$pin" ] && [ "$(cgroup_prog_count "$cg")" = 0 ]; then
		ok 0 "[$L] $what: remove leaves no pin directory and nothing attached"
	else
		ok 1 "[$L] $what: remove leaves no pin directory and nothing attached"
		diag "remove exit $rc: $out; pins: $(ls "$pin" 2>&1 | tr '\n' ' '); cgroup: $(cgroup_prog_ids "$cg")"
	fi
	[ "$(grep -c ':[0-9][0-9]*$' <<<"$ids")" = $(($(wc -w <<<"$PROGS $MAPS"))) ] ||
		{ ok 1 "[$L] $what: the program and map ids of the install: $ids"; return; }
	# Ids of programs and of maps are separate spaces, each checked in its own.
	local kind
	for id in $ids; do
		kind=${id%%:*}
		id=${id#*:}
		if ! eventually sh -c "! bpftool $kind show id $id >/dev/null 2>&1"; then
			ok 1 "[$L] $what: $kind id $id is still in the kernel"
			bpftool $kind show id "$id" | sed 's/^/#   /'
			return
		fi
	done
	ok 0 "[$L] $what: its programs and maps are gone from the kernel"
}

msg_tag() {	# msg_tag STATUS-JSON: the tag of sockaccel_msg
	grep -o '"name":"sockaccel_msg","type":"[a-z_]*","id":[0-9]*,"tag":"[0-9a-f]*"' <<<"$1" |
		sed 's/.*"tag":"\([0-9a-f]*\)"/\1/'
}

interrupted() {
	B=$1
	L=$2
	local n m k r calls cut st
	PINS=$(pins_of "$B")
	NPINS=$(wc -w <<<"$PINS")
	st=$("$B" status --pin-dir /sys/fs/bpf/sockaccel-test-none --json)
	PROGS=$(grep -o '"programs":\[[^]]*' <<<"$st" | grep -o '"name":"[a-z_]*' | cut -d'"' -f4 | tr '\n' ' ')
	MAPS=$(grep -o '"maps":\[[^]]*' <<<"$st" | grep -o '"name":"[a-z_]*' | cut -d'"' -f4 | tr '\n' ' ')
	is "$NPINS" 12 "[$L] the binary lists the 12 pins an install makes: $PINS"
	is "$(wc -w <<<"$PROGS $MAPS")" 10 "[$L] ... 3 programs and 7 maps: $PROGS$MAPS"
	new_cgroup cg
	new_pin_dir pin

	# ---- install killed after each of its bpf() calls ----
	k=$(calls_of "$B" install --cgroup "$cg" --pin-dir "$pin")
	calls=$(tr '\n' ' ' <"$T_TMP/calls")
	diag "[$L] install makes $k bpf() calls: $calls"
	lt 5 "$k" "[$L] a whole install makes bpf() calls"
	"$B" remove --cgroup "$cg" --pin-dir "$pin" >/dev/null
	for n in $(cuts "$k"); do
		cut="install killed at bpf() call $n ($(sed -n "${n}p" <<<"${calls// /$'\n'}"))"
		kill_at "$n" "$B" install --cgroup "$cg" --pin-dir "$pin"
		check "[$L] $cut: status works and agrees with the pins ($(pins_present) of $NPINS)" status_agrees
		repair_and_remove "$cut"
	done

	# ---- the repairing install killed after each of its calls ----
	# The worst cut of an install: everything but the cgroup attachment.
	kill_at "$k" "$B" install --cgroup "$cg" --pin-dir "$pin"
	is "$(pins_present)" "$NPINS" "[$L] install killed before its last call: all pins there"
	r=$(calls_of "$B" install --cgroup "$cg" --pin-dir "$pin")
	diag "[$L] the repairing install makes $r bpf() calls: $(tr '\n' ' ' <"$T_TMP/calls")"
	lt "$k" "$r" "[$L] repairing makes more bpf() calls than a fresh install"
	"$B" remove --cgroup "$cg" --pin-dir "$pin" >/dev/null
	for m in $(cuts "$r"); do
		kill_at "$k" "$B" install --cgroup "$cg" --pin-dir "$pin"
		kill_at "$m" "$B" install --cgroup "$cg" --pin-dir "$pin"
		repair_and_remove "repairing install killed at bpf() call $m ($(sed -n "${m}p" "$T_TMP/calls"))"
	done

	# ---- remove killed after each of its calls ----
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null
	r=$(calls_of "$B" remove --cgroup "$cg" --pin-dir "$pin")
	diag "[$L] remove makes $r bpf() calls: $(tr '\n' ' ' <"$T_TMP/calls")"
	for m in $(cuts "$r"); do
		"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null
		kill_at "$m" "$B" remove --cgroup "$cg" --pin-dir "$pin"
		check "[$L] remove killed at bpf() call $m: status works and agrees with the pins ($(pins_present) of $NPINS)" \
			status_agrees
		repair_and_remove "remove killed at bpf() call $m ($(sed -n "${m}p" "$T_TMP/calls"))"
	done

	# ---- install --replace killed at each of its bpf() calls ----
	# From the built-in programs to the second build (tests/replace-b):
	# the new programs are pinned in <pin dir>/replacing first, then the
	# sk_msg program is swapped on sock_hash, then the sockops program on
	# the cgroup (the last call).  Cut anywhere, the next install --replace
	# ends with the new programs attached alone, and remove leaves nothing.
	local repl=$BUILD/tests/replace-b
	"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null
	r=$(calls_of "$B" install --replace --cgroup "$cg" --pin-dir "$pin" --objects "$repl")
	TAG_B=$(msg_tag "$("$B" status --pin-dir "$pin" --json)")
	diag "[$L] install --replace makes $r bpf() calls: $(tr '\n' ' ' <"$T_TMP/calls")"
	"$B" remove --cgroup "$cg" --pin-dir "$pin" >/dev/null
	# Only lookups until the new programs load: with STEP > 1 (TCG) the
	# last 11 calls are all cut still (3 loads, 3 pins, the sock_hash
	# update, 3 attaches; 93 calls in all on 6.18).
	for m in $(cuts "$r" 11); do
		"$B" install --cgroup "$cg" --pin-dir "$pin" >/dev/null
		kill_at "$m" "$B" install --replace --cgroup "$cg" --pin-dir "$pin" --objects "$repl"
		check "[$L] replace killed at bpf() call $m: status works and agrees with the pins ($(pins_present) of $NPINS)" \
			status_agrees
		repair_and_remove "replace killed at bpf() call $m ($(sed -n "${m}p" "$T_TMP/calls"))" \
			--replace --objects "$repl"
	done

	# ---- install with its Nth bpf() call failing ----
	for n in $(cuts "$k"); do
		local out rc
		cut="install with bpf() call $n ($(sed -n "${n}p" <<<"${calls// /$'\n'}")) failing"
		out=$(strace -f -qq -e trace=bpf -e inject=bpf:error=EPERM:when="$n" -o /dev/null -- \
			"$B" install --cgroup "$cg" --pin-dir "$pin" 2>&1)
		rc=$?
		if [ "$rc" = 0 ]; then	# e.g. the program load retried with the verifier log
			check "[$L] $cut: succeeded whole (it retried)" status_agrees
		elif [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && [ ! -e "$pin" ] &&
		     [ "$(cgroup_prog_count "$cg")" = 0 ]; then
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
