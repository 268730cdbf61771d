#!/bin/sh
# Both ELF readers and the BPF object model on the issue 6 objects (no kernel).
BUILD=${BUILD:-$(dirname "$0")/../../build}
exec "$BUILD/tests/unit/test_generic" "$BUILD/tests/data/src6"
