#!/bin/bash
# differential.t: the built-in ELF reader and the libelf one agree on every
# object the tests have, and on each of them cut short and with single bytes
# changed (tests/unit/test_differential.c).  The objects:
#   build/bpf/*.bpf.o                 ours: must also be accepted
#   the same source compiled with iproute2 and BTF-defined map definitions,
#   and with debug info kept (.BTF, .debug_*, their relocations; compressed,
#   clang -gz, for the iproute2 one): accepted
#   build/tests/**/*.o that are BPF    objects built for the tests
#   tests/data/malformed/*             the malformed corpus, whatever is there
# Ours get the most mutations; the others, fewer each (-l): there are 200 of
# them, many built from the same source as ours.
# No kernel, no root.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
BIN=$BUILD/tests/unit/test_differential
[ -x "$BIN" ] || { echo "Bail out! $BIN is not built (run make test)"; exit 1; }
# Objects this test compiles; rebuilt every run, skipped by the glob below.
own=$BUILD/tests/differential
mkdir -p "$own" || { echo "Bail out! cannot create $own"; exit 1; }

args=()
for f in "$BUILD"/bpf/*.bpf.o; do
	[ -e "$f" ] && args+=(-a "$f")
done

# Map definitions in the other two styles loaders know (bpf/sockaccel.bpf.c,
# SA_MAP_STYLE), with BTF and DWARF kept: as a user's clang leaves them.
ARCH_INC=/usr/include/$(${CC:-cc} -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
for variant in 0:-g 1:-gz 2:-g; do
	style=${variant%%:*} g=${variant#*:}
	out=$own/sockaccel-style$style$g.bpf.o
	if ${CLANG:-clang} -O2 -g $g -target bpf -Wall -I"$TOP/bpf" -I"$ARCH_INC" \
		-DSA_MAP_STYLE=$style -c "$TOP/bpf/sockaccel.bpf.c" -o "$out" 2>"$own/clang.err"; then
		args+=(-a "$out")
	else
		echo "# clang SA_MAP_STYLE=$style: $(head -n 3 "$own/clang.err")"
	fi
done

# Any BPF object built for the tests: ELF (7f 45 4c 46), machine 247 (f7 00).
is_bpf_object() {
	[ "$(od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' ')" = 7f454c46 ] &&
		[ "$(od -An -tx1 -j18 -N2 "$1" 2>/dev/null | tr -d ' ')" = f700 ]
}
shopt -s globstar nullglob
for f in "$BUILD"/tests/**/*.o; do
	[ "${f#"$own"/}" = "$f" ] && is_bpf_object "$f" || continue
	# Built copies of the corpus are compared below.
	case $f in */malformed/*) cmp -s "$f" "$TOP/tests/data/malformed/${f##*/}" && continue ;; esac
	args+=(-l "$f")
done
# The malformed corpus: every file, BPF or not, with fewer mutations each.
for f in "$TOP"/tests/data/malformed/**/*; do
	[ -f "$f" ] && args+=(-l "$f")
done

# Messages name files relative to the top directory.  A smaller ASan
# quarantine: the test allocates and frees ~100,000 buffers; half the time.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16:malloc_context_size=8}
cd "$TOP" && exec "$BIN" "${args[@]/#$TOP\//}"
