#!/bin/sh
# The static build's printf and strerror (loader/libc/tiny_fmt.c) against glibc.
BUILD=${BUILD:-$(dirname "$0")/../../build}
exec "$BUILD/tests/unit/test_tiny_fmt"
