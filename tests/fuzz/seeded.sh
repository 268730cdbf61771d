# seeded.sh: sourced by the fuzz tests that run one libFuzzer target,
# build/fuzz/fuzz_NAME, for FUZZ_TEST_SECONDS/4 (15) seconds on its corpus
# (build/fuzz/corpus-NAME) and seeds the test writes.  Any finding fails.
#   fuzz_begin NAME     $bin, $secs, $work, $art; $seeds: a directory for
#                       the test's seeds (removed on exit)
#   fuzz_end TIMEOUT    run it (TIMEOUT: libFuzzer's seconds per input),
#                       print the TAP line and exit
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}

fuzz_begin() {
	FUZZ_NAME=$1
	secs=$(( ${FUZZ_TEST_SECONDS:-60} / 4 ))
	[ "$secs" -gt 0 ] || secs=1
	bin=$BUILD/fuzz/fuzz_$1
	[ -x "$bin" ] || { echo "Bail out! $bin is not built (make test-build)"; exit 1; }
	work=$BUILD/fuzz/corpus-$1
	art=$BUILD/fuzz/artifacts
	seeds=$(mktemp -d "/tmp/sockaccel-fuzz-$1.XXXXXX")
	log=$seeds.log
	trap 'rm -rf "$seeds" "$log"' EXIT
	mkdir -p "$work" "$art"
}

fuzz_end() {
	local n=fuzz_$FUZZ_NAME rc execs
	"$bin" -max_total_time="$secs" -timeout="$1" -rss_limit_mb=1024 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$art/$FUZZ_NAME-" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" = 0 ] && [ -n "$execs" ]; then
		echo "ok 1 - $n: $execs executions in $secs s without a finding"
		echo "1..1"
		exit 0
	fi
	echo "not ok 1 - $n: $secs s without a finding (exit $rc)"
	grep -E "ERROR|SUMMARY|$n:|runtime error|Test unit written|#[0-9]+ 0x" "$log" | head -30 | sed 's/^/# /'
	echo "1..1"
	exit 1
}
