#!/bin/sh
# Both ELF readers and the BPF object model on sockaccel.bpf.o (no kernel).
BUILD=${BUILD:-$(dirname "$0")/../../build}
exec "$BUILD/tests/unit/test_object" "$BUILD/bpf/sockaccel.bpf.o"
