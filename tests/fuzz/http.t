#!/bin/bash
# http.t: the metrics server's parsers under libFuzzer (tests/fuzz/fuzz_http.c)
# for FUZZ_TEST_SECONDS/4 (15) seconds, seeded with requests and addresses.
# Any finding fails.  No kernel, no sockets.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
secs=$(( ${FUZZ_TEST_SECONDS:-60} / 4 ))
[ "$secs" -gt 0 ] || secs=1
bin=$BUILD/fuzz/fuzz_http
[ -x "$bin" ] || { echo "Bail out! $bin is not built (make test-build)"; exit 1; }
work=$BUILD/fuzz/corpus-http
art=$BUILD/fuzz/artifacts
seeds=$(mktemp -d /tmp/sockaccel-fuzz-http.XXXXXX)
log=$seeds.log
trap 'rm -rf "$seeds" "$log"' EXIT
mkdir -p "$work" "$art"
# The first byte picks the parser: odd the request, even the address.
i=0
for s in $'\x01GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' $'\x01HEAD /metrics?a=b HTTP/1.0\n\n' \
	 $'\x01POST / HTTP/1.1\r\n\r\n' $'\x00127.0.0.1:9477' $'\x00[::1]:9477' $'\x000.0.0.0:1'; do
	printf '%s' "$s" >"$seeds/seed$i"
	i=$((i + 1))
done
"$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=1024 -max_len=4096 \
	-print_final_stats=1 -artifact_prefix="$art/http-" "$work" "$seeds" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
if [ "$rc" = 0 ] && [ -n "$execs" ]; then
	echo "ok 1 - fuzz_http: $execs executions in $secs s without a finding"
	echo "1..1"
	exit 0
fi
echo "not ok 1 - fuzz_http: $secs s without a finding (exit $rc)"
grep -E 'ERROR|SUMMARY|fuzz_http:|runtime error|Test unit written|#[0-9]+ 0x' "$log" | head -30 | sed 's/^/# /'
echo "1..1"
exit 1
