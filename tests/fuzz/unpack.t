#!/bin/bash
# unpack.t: the built-in object's unpacker and packer under libFuzzer
# (tests/fuzz/fuzz_unpack.c) for FUZZ_TEST_SECONDS/4 (15) seconds, seeded
# with the packed and the plain built-in object.  Any finding fails.  No kernel.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
secs=$(( ${FUZZ_TEST_SECONDS:-60} / 4 ))
[ "$secs" -gt 0 ] || secs=1
bin=$BUILD/fuzz/fuzz_unpack
[ -x "$bin" ] || { echo "Bail out! $bin is not built (make test-build)"; exit 1; }
work=$BUILD/fuzz/corpus-unpack
art=$BUILD/fuzz/artifacts
seeds=$(mktemp -d /tmp/sockaccel-fuzz-unpack.XXXXXX)
log=$seeds.log
trap 'rm -rf "$seeds" "$log"' EXIT
mkdir -p "$work" "$art"
# Odd first byte: a stream and the output size (little endian, % 8193);
# even: bytes to pack and unpack.
n=$(stat -c %s "$BUILD/bpf/sockaccel.embed.o")
{ printf '\001'; printf "\\$(printf %03o $((n % 8193 & 255)))\\$(printf %03o $((n % 8193 >> 8)))"
  cat "$BUILD/bpf/sockaccel.embed.z"; } >"$seeds/packed"
{ printf '\000'; head -c 192 "$BUILD/bpf/sockaccel.embed.o"; } >"$seeds/plain"
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=4096 \
	-print_final_stats=1 -artifact_prefix="$art/unpack-" "$work" "$seeds" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
if [ "$rc" = 0 ] && [ -n "$execs" ]; then
	echo "ok 1 - fuzz_unpack: $execs executions in $secs s without a finding"
	echo "1..1"
	exit 0
fi
echo "not ok 1 - fuzz_unpack: $secs s without a finding (exit $rc)"
grep -E 'ERROR|SUMMARY|fuzz_unpack:|runtime error|Test unit written|#[0-9]+ 0x' "$log" | head -30 | sed 's/^/# /'
echo "1..1"
exit 1
