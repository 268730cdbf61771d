#!/bin/sh
# The metrics server's request and address parsers (loader/cli/httpd.c),
# under ASan/UBSan: tests/unit/test_http.c.
BUILD=${BUILD:-$(dirname "$0")/../../build}
exec "$BUILD/tests/unit/test_http"
