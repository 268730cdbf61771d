#!/bin/sh
# The built-in object's unpacker (loader/accel/unpack.c) and packer
# (tools/pack.c): round trips, cut, flipped and random streams, ASan/UBSan.
BUILD=${BUILD:-$(dirname "$0")/../../build}
exec "$BUILD/tests/unit/test_unpack" "$BUILD"
