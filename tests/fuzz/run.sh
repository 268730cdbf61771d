#!/bin/sh
# run.sh TARGET SECONDS: run one ELF fuzzer (build/fuzz/fuzz_elf_TARGET) for
# SECONDS, seeded with our BPF objects and the malformed corpus; its corpus
# grows in build/fuzz/corpus-TARGET from run to run.  Prints one line
#   fuzz_elf_TARGET: EXECS executions in SECS s (RATE/s), N new inputs
# and exits 0, or prints the finding (a crashing, leaking or slow input is
# saved as build/fuzz/artifacts/TARGET-*, the log is kept) and exits 1.
# Runs may overlap (make fuzz while make test runs): each has its own log.
set -u
t=$1
secs=$2
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
bin=$BUILD/fuzz/fuzz_elf_$t
work=$BUILD/fuzz/corpus-$t
seeds=$BUILD/fuzz/seeds-$t
art=$BUILD/fuzz/artifacts
log=$BUILD/fuzz/$t.$$.log

[ -x "$bin" ] || { echo "run.sh: $bin is not built (make fuzz)" >&2; exit 1; }
mkdir -p "$work" "$seeds" "$art"
# Seeds: every object we build (ours, the tests', those written for other
# loaders) and the committed malformed corpus (the fresh one in build/ has
# the same cases).
for f in "$BUILD"/bpf/*.bpf.o "$BUILD"/tests/data/*.bpf.o "$BUILD"/tests/data/*/*.bpf.o \
	 "$BUILD"/tests/corpus-in/*.o "$TOP"/tests/data/malformed/*.o; do
	[ -f "$f" ] || continue
	if [ "$t" = btf ]; then	# target BTF: the objects' .BTF sections, raw
		llvm-objcopy --dump-section .BTF="$seeds/$(basename "$(dirname "$f")")-$(basename "$f").btf" \
			"$f" /dev/null 2>/dev/null
	else
		cp "$f" "$seeds/$(basename "$(dirname "$f")")-$(basename "$f")"
	fi
done
if [ "$t" = btf ]; then
	cp "$TOP"/tests/data/btf/*.btf "$seeds/"
	export FUZZ_CORE_OBJ="$BUILD/tests/data/core_sockops.bpf.o"
fi
# -timeout: an input that takes 10 s is a hang; -rss_limit_mb/-malloc_limit_mb:
# a crafted size must not make us allocate without bound.
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
	-print_final_stats=1 -artifact_prefix="$art/$t-" "$work" "$seeds" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
new=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
if [ "$rc" != 0 ]; then
	echo "fuzz_elf_$t: FINDING (exit $rc) after ${execs:-?} executions; log $log:"
	grep -E 'ERROR|SUMMARY|fuzz_elf:|runtime error|Test unit written|#[0-9]+ 0x' "$log" | head -30
	exit 1
fi
echo "fuzz_elf_$t: $execs executions in $secs s ($rate/s), $new new inputs, corpus $(ls "$work" | wc -l) inputs"
rm -f "$log"
