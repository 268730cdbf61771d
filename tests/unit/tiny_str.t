#!/bin/sh
# The static build's string functions (loader/libc/tiny_str.c) against glibc.
BUILD=${BUILD:-$(dirname "$0")/../../build}
exec "$BUILD/tests/unit/test_tiny_str"
