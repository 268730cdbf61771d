#!/bin/bash
# http.t: the metrics server's parsers under libFuzzer (tests/fuzz/fuzz_http.c)
# for FUZZ_TEST_SECONDS/4 (15) seconds, seeded with requests and addresses.
# Any finding fails.  No kernel, no sockets.
. "$(dirname "$0")/seeded.sh"
fuzz_begin http
# The first byte picks the parser: odd the request, even the address.
i=0
for s in $'\x01GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' $'\x01HEAD /metrics?a=b HTTP/1.0\n\n' \
	 $'\x01POST / HTTP/1.1\r\n\r\n' $'\x00127.0.0.1:9477' $'\x00[::1]:9477' $'\x000.0.0.0:1'; do
	printf '%s' "$s" >"$seeds/seed$i"
	i=$((i + 1))
done
fuzz_end 5
