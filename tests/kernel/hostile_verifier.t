#!/bin/bash
# hostile_verifier.t: the kernel refuses a program.  tests/data/src/oob_read.bpf.c
# holds oob_ok (fine) and oob_read (an 8-byte read at offset 64 of an 8-byte
# map value, after ~2000 instructions so that the log outgrows the loader's
# first 64 KiB buffer).  `sockaccel load` must print the verifier's whole log
# and the failing program's name, exit 1, and leave nothing: no pin
# directory, and neither the map nor oob_ok left in the kernel.
. "$(dirname "$0")/../lib.sh"
need_kernel
OBJ=$BUILD/tests/data/oob_read.bpf.o
[ -f "$OBJ" ] || bail "$OBJ is not built (run make test)"

# Kernel objects of this name: the map and oob_ok are ours alone.
named() { bpftool -j "$1" show 2>/dev/null | grep -o "\"name\":\"$2\"" | head -1; }
none_named() { [ -z "$(named "$1" "$2")" ]; }

refusal() {
	local B=$1 L=$2 pin rc log first
	new_pin_dir pin

	"$B" load "$OBJ" --pin-dir "$pin" >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	is "$rc" 1 "[$L] load of a program the verifier refuses exits 1"
	first=$(head -1 "$T_TMP/err")
	is "$first" "sockaccel: load: verifier log:" "[$L] the verifier log comes first"
	# The log: between the header and the final message.
	sed '1d;$d' "$T_TMP/err" >"$T_TMP/log"
	log=$(wc -c <"$T_TMP/log")
	# Linux 5.10's verifier writes 38 KB for it (the kernel matrix): there
	# the whole log fits the first buffer, which the checks below still see.
	if [[ $(uname -r) == [1-5].* ]]; then
		diag "[$L] the log is $log bytes on $(uname -r): the first buffer holds it"
	else
		lt 65536 "$log" "[$L] the log is longer than the first 64 KiB buffer (bytes)"
	fi
	# Whole: it starts at instruction 0 (the kernel keeps the tail of a log
	# that does not fit since Linux 6.4) and ends with the verifier's summary.
	check "[$L] the log starts at the first instruction" grep -qE '^0: \(' "$T_TMP/log"
	check "[$L] the log has instruction 1000 and 2000" \
		sh -c "grep -qE '^1000: \\(' '$T_TMP/log' && grep -qE '^2000: \\(' '$T_TMP/log'"
	check "[$L] the log says why: invalid access to map value" \
		grep -q 'invalid access to map value, value_size=8 off=64 size=8' "$T_TMP/log"
	check "[$L] the log ends with the verifier's summary" sh -c "tail -1 '$T_TMP/log' | grep -q '^processed [0-9]* insns'"
	check "[$L] the last line names the program: $(tail -1 "$T_TMP/err")" \
		sh -c "tail -1 '$T_TMP/err' | grep -q \"^sockaccel: load: program 'oob_read' (section 'sockops/oob', SOCK_OPS, [0-9]* instructions): BPF_PROG_LOAD: rejected by the verifier [(]log above[)]\$\""
	is "$(cat "$T_TMP/out")" "" "[$L] nothing on stdout (nothing was pinned)"
	check "[$L] no pin directory" test ! -e "$pin"
	check "[$L] the map oob_vals is gone from the kernel" eventually none_named map oob_vals
	check "[$L] oob_ok, which loaded, is gone from the kernel" eventually none_named prog oob_ok
}

for_each_binary refusal
done_testing
