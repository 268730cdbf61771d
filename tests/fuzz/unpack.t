#!/bin/bash
# unpack.t: the built-in object's unpacker and packer under libFuzzer
# (tests/fuzz/fuzz_unpack.c) for FUZZ_TEST_SECONDS/4 (15) seconds, seeded
# with the packed and the plain built-in object.  Any finding fails.  No kernel.
. "$(dirname "$0")/seeded.sh"
fuzz_begin unpack
# Odd first byte: a stream and the output size (little endian, % 8193);
# even: bytes to pack and unpack.
n=$(stat -c %s "$BUILD/bpf/sockaccel.embed.o")
{ printf '\001'; printf "\\$(printf %03o $((n % 8193 & 255)))\\$(printf %03o $((n % 8193 >> 8)))"
  cat "$BUILD/bpf/sockaccel.embed.z"; } >"$seeds/packed"
{ printf '\000'; head -c 192 "$BUILD/bpf/sockaccel.embed.o"; } >"$seeds/plain"
fuzz_end 10
