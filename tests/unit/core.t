#!/bin/sh
# CO-RE values on BTF written by hand (elf/core.c), under ASan/UBSan; no kernel.
BUILD=${BUILD:-$(dirname "$0")/../../build}
exec "$BUILD/tests/unit/test_core"
