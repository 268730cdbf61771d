#!/bin/sh
# malformed.t: the malformed-object corpus through both ELF readers: each
# case rejected with its expected message (or parsed), the same from both.
# The committed corpus (tests/data/malformed/, with fuzzer finds) and the one
# the generator made from this build's objects.  No kernel.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
exec "$BUILD/tests/unit/test_malformed" "$TOP/tests/data/malformed" "$BUILD/tests/data/malformed"
