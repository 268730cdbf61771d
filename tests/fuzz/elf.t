#!/bin/bash
# elf.t: each ELF fuzzer (builtin, libelf, and the differential one that
# demands the same result from both; btf, a hostile target BTF against a
# CO-RE object) for a bounded time, FUZZ_TEST_SECONDS (60) each, side by side.  Any finding fails.  No kernel.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
secs=${FUZZ_TEST_SECONDS:-60}
targets="builtin libelf diff btf"
out=$(mktemp -d /tmp/sockaccel-fuzz.XXXXXX)
trap 'rm -rf "$out"' EXIT

for t in $targets; do
	[ -x "$BUILD/fuzz/fuzz_elf_$t" ] || { echo "Bail out! $BUILD/fuzz/fuzz_elf_$t is not built (make test)"; exit 1; }
done
# Side by side: the test takes SECS, not three times SECS (the rates it
# reports are lower than those of `make fuzz`, which runs one at a time).
for t in $targets; do
	BUILD=$BUILD "$TOP/tests/fuzz/run.sh" "$t" "$secs" >"$out/$t" 2>&1 &
done
wait
n=0
failed=0
for t in $targets; do
	n=$((n + 1))
	if grep -q "^fuzz_elf_$t: [0-9]* executions" "$out/$t"; then
		echo "ok $n - fuzz_elf_$t: $secs s without a finding"
	else
		echo "not ok $n - fuzz_elf_$t: $secs s without a finding"
		failed=1
	fi
	sed 's/^/# /' "$out/$t"
done
echo "1..$n"
exit $failed
