#!/bin/bash
# sanitizers.t: the unit tests and the malformed corpus under AddressSanitizer
# and UndefinedBehaviorSanitizer (build/asan/, -fno-sanitize-recover=all):
# the unit test binaries, then `sockaccel inspect` (file reading, parsing,
# printing: everything but the kernel) on every corpus object.  Any
# sanitizer report, leaks included, fails.  No kernel.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
ASAN=$BUILD/asan
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=86:detect_stack_use_after_return=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
T_N=0
T_FAILED=0
out=$(mktemp /tmp/sockaccel-asan.XXXXXX)
trap 'rm -f "$out"' EXIT

ok() {	# ok STATUS DESCRIPTION
	T_N=$((T_N + 1))
	if [ "$1" = 0 ]; then echo "ok $T_N - $2"; else echo "not ok $T_N - $2"; T_FAILED=$((T_FAILED + 1)); fi
}
# A run is clean when it exits as expected and no sanitizer said a word.
clean() {	# clean WANT_RC CMD...: stdout+stderr in $out
	local want=$1 rc
	shift
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ] || grep -qE 'Sanitizer|runtime error:' "$out"; then
		echo "# $* exited $rc (expected $want):"
		grep -E -A12 'ERROR: |runtime error:|SUMMARY' "$out" | head -40 | sed 's/^/#   /'
		return 1
	fi
}

for b in "$ASAN/sockaccel" "$ASAN/tests/unit/test_object" "$ASAN/tests/unit/test_malformed"; do
	[ -x "$b" ] || { echo "Bail out! $b is not built (make test)"; exit 1; }
done

clean 0 "$ASAN/tests/unit/test_object" "$BUILD/bpf/sockaccel.bpf.o"
ok $? "test_object under ASan+UBSan: passes, no report ($(grep -c '^ok' "$out") checks)"
clean 0 "$ASAN/tests/unit/test_malformed" "$TOP/tests/data/malformed" "$BUILD/tests/data/malformed"
ok $? "test_malformed under ASan+UBSan: passes, no report ($(grep -c '^ok' "$out") checks)"

# The CLI on every corpus object: exit 1 and the expected words on the first
# line for a malformed one, exit 0 for a good one.
bad=0
n=0
for dir in "$TOP/tests/data/malformed" "$BUILD/tests/data/malformed"; do
	while IFS=$'\t' read -r file expect; do
		case $file in ''|'#'*) continue ;; esac
		n=$((n + 1))
		if [ "$expect" = "=ok" ]; then
			clean 0 "$ASAN/sockaccel" inspect --disasm "$dir/$file" || { bad=$((bad + 1)); continue; }
		else
			clean 1 "$ASAN/sockaccel" inspect "$dir/$file" || { bad=$((bad + 1)); continue; }
			# One line, with the words, and no control character
			# (names in it come from the file: no terminal escapes).
			if [ "$(wc -l <"$out")" != 1 ] || ! head -1 "$out" | grep -qF -- "$expect" ||
			   LC_ALL=C grep -q '[[:cntrl:]]' "$out"; then
				echo "# $file: expected one line with '$expect', got:"
				head -3 "$out" | sed 's/^/#   /'
				bad=$((bad + 1))
			fi
		fi
	done < <(cat "$dir"/MANIFEST*)
done
ok $bad "sockaccel inspect under ASan+UBSan on $n corpus objects: right exit code and message, no report ($bad bad)"
"$ASAN/sockaccel" inspect --json "$BUILD/bpf/sockaccel.bpf.o" >"$out" 2>&1
ok $? "sockaccel inspect --json of sockaccel.bpf.o under ASan+UBSan"
echo "1..$T_N"
[ "$T_FAILED" = 0 ]
