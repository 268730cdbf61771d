# sockaccel: one plain Makefile.  Nothing is generated but what you see here.
#
#   make            build/sockaccel (libelf) and build/bpf/*.bpf.o
#   make static     build/sockaccel-static (musl, built-in ELF reader, no deps)
#   make test       install test dependencies, build, run every test (TAP, prove)
#   make test-kernels  the kernel tests on Debian's 5.10, 6.1 and 6.12 (qemu)
#   make demo       a loopback transfer without, then with acceleration
#   make bench      benchmarks (see BENCHMARKS.md)
#   make fuzz       run the ELF and HTTP fuzzers (FUZZ_SECONDS=60 each)
#   make corpus     rewrite tests/data/malformed/ (malformed objects, MANIFEST)
#   make image      the agent's container image (podman), build/sockaccel-image.tar
#   make install    binary, man page, bash completion, systemd unit (PREFIX=/usr/local, DESTDIR)
#   V=1             show the commands

CC       ?= cc
CLANG    ?= clang
MUSL_CC  ?= musl-gcc
CFLAGS   ?= -O2 -g
VERSION  := 0.9.0
BUILD    ?= build
ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

WARN     := -Wall -Wextra -Werror
# Includes name their layer: "sys/bpf.h", "load/load.h", "bpf/sockaccel.h";
# the ELF layer's headers are found by name ("object.h").
CPPFLAGS_ALL := -std=gnu11 $(WARN) -I. -Iloader -Ielf -D_GNU_SOURCE -DSOCKACCEL_VERSION='"$(VERSION)"'
SIZEFLAGS := -ffunction-sections -fdata-sections
LDGC     := -Wl,--gc-sections

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

ELF_SRCS    := elf/view.c elf/reader_builtin.c elf/object.c elf/maps.c elf/link.c elf/btf.c elf/btf_read.c elf/btf_ext.c elf/core.c elf/progtypes.c
LIBELF_SRCS := elf/reader_libelf.c
# loader/, by layer: sys (the bpf() syscall, -v decoding, the file systems),
# load (any parsed object into the kernel), accel (install/remove/status),
# cli (commands and their output), libc (the static build's small libc).
SYS_SRCS    := $(wildcard loader/sys/*.c)
LOAD_SRCS   := $(wildcard loader/load/*.c)
ACCEL_SRCS  := $(wildcard loader/accel/*.c)
INSPECT_SRCS := loader/cli/cmd_inspect.c loader/cli/disasm.c loader/cli/inspect_core.c
CLI_SRCS    := $(filter-out $(INSPECT_SRCS),$(wildcard loader/cli/*.c))
LOADER_SRCS := $(SYS_SRCS) $(LOAD_SRCS) $(ACCEL_SRCS) $(CLI_SRCS)
LIBC_SRCS   := $(wildcard loader/libc/*.c)
HEADERS     := $(wildcard elf/*.h loader/*/*.h bpf/*.h)
EMBED_S     := loader/accel/embed.S

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:bpf/%.c=$(BUILD)/bpf/%.o)
# -mcpu=v3: 32-bit jumps and ALU (Linux 5.1; install needs 5.15): fewer
# instructions, so a smaller built-in object.
BPF_CFLAGS := -O2 -target bpf -mcpu=v3 -Wall -Werror -Ibpf -I$(ARCH_INC)
LLVM_OBJCOPY ?= llvm-objcopy

.PHONY: all static test test-kernels test-build test-tools demo bench bench-backpressure fuzz corpus clean help image install
.DELETE_ON_ERROR:

all: $(BUILD)/sockaccel $(BPF_OBJS)

help:
	@sed -n '3,13p' Makefile | sed 's/^# *//'

# ---- BPF programs: clang -target bpf, UAPI headers only ----
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	@# Local labels (LBB*) and the address-significance table mean nothing
	@# to a loader; dropping them makes the embedded object 20% smaller.
	$(Q)$(LLVM_OBJCOPY) --discard-all --remove-section=.llvm_addrsig $@

# The copy built into the binary (loader/accel/embed.S) also leaves out what
# no reader of ours looks at: the FILE symbol, the license's symbol (the
# license is read from its section) and an empty .text (-128 B).  A .text
# that holds code stays (llvm-objcopy refuses to remove it: the fallback).
EMBED_OBJ := $(BUILD)/bpf/sockaccel.embed.o
EMBED_STRIP := -N sockaccel.bpf.c -N _license
$(EMBED_OBJ): $(BUILD)/bpf/sockaccel.bpf.o
	$(Q)$(LLVM_OBJCOPY) $(EMBED_STRIP) --remove-section=.text $< $@ 2>/dev/null || \
		$(LLVM_OBJCOPY) $(EMBED_STRIP) $< $@

# Stored packed (loader/accel/unpack.h): -3.5 KiB in the static binary.
# tools/pack.c, a host tool, writes it and fails unless the binary's own
# loader/accel/unpack.c gives back every byte.  embed.S is given the
# packed file and the object's size (its .bss room to unpack into).
PACK := $(BUILD)/tools/pack
EMBED_Z := $(BUILD)/bpf/sockaccel.embed.z
EMBED_AS = -DSA_EMBED_Z='"$(EMBED_Z)"' -DSA_EMBED_SIZE=$$(stat -c %s $(EMBED_OBJ))
$(PACK): tools/pack.c loader/accel/unpack.c loader/accel/unpack.h
	@mkdir -p $(@D)
	$(call msg,HOSTCC,$@)
	$(Q)$(CC) -std=gnu11 -O2 $(WARN) -Iloader tools/pack.c loader/accel/unpack.c -o $@
$(EMBED_Z): $(EMBED_OBJ) $(PACK)
	$(call msg,PACK,$@)
	$(Q)$(PACK) $< $@ >/dev/null

# ---- the default build: libelf ----
DYN_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(ELF_SRCS) $(LIBELF_SRCS) $(LOADER_SRCS) $(INSPECT_SRCS))

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) -DSOCKACCEL_HAVE_LIBELF $(CFLAGS) $(SIZEFLAGS) -c $< -o $@

$(BUILD)/obj/embed.o: $(EMBED_S) $(EMBED_Z)
	@mkdir -p $(@D)
	$(call msg,AS,$@)
	$(Q)$(CC) $(EMBED_AS) -c $< -o $@

$(BUILD)/sockaccel: $(DYN_OBJS) $(BUILD)/obj/embed.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDGC) $^ -lelf -o $@

# ---- the static build: musl, built-in ELF reader, at most 96 KiB ----
# It leaves out `inspect` (a no-kernel developer tool) and uses small
# printf/malloc replacements (loader/libc/) instead of musl's.
# Debian's musl-gcc sees only musl's headers; the kernel UAPI headers it
# needs are linked into a private include directory.
STATIC_INC := $(BUILD)/static/include
# Link-time optimisation (gcc -flto) merges and inlines across files; no
# jump tables: a switch as compares is smaller.  Together -2.1 KiB.
# One LTO partition, points-to analysis across files, no inlining of
# "small" functions called more than once: -0.4 KiB.  No SSE registers
# (nothing here uses floating point): variadic functions stop saving
# %xmm0-7 and struct copies use plain moves: -0.8 KiB.  No jump threading
# (and no dominator optimisations, which thread too): gcc otherwise copies a
# function's cleanup tail (close(), rmdir(), the error report) into every
# path that reaches it with a known value: -0.8 KiB.  -Oz still runs a few
# passes that trade bytes for speed (if-conversion to cmov sequences, shrink
# wrapping's duplicated prologues, loop-invariant motion and loop
# canonicalisation, value-range specialisation); off: -0.5 KiB.  No call-
# clobbered registers for values that live across a call (gcc saves and
# restores them around it), no phi-to-select, straight-line strength
# reduction, forward propagation or switch-to-table conversion: -320 B
# (-432 B with CO-RE).  No tail calls made jumps (gcc then copies the
# caller's epilogue before each), no scalar replacement of aggregates
# (struct copies such as btf_type's stay whole): -192 B (-208 B with CO-RE).
# No GIMPLE tail merging; arrays aligned as the ABI asks, not to 32 bytes
# each for vector loads: -0.3 KiB of padding.  Arguments pushed for a call
# (printf's 7th and later) popped right after it, not gathered up: -32 B.
STATIC_OPT := -Oz -flto -flto-partition=one -fipa-pta -fno-inline-small-functions -malign-data=abi \
              -fno-jump-tables -mgeneral-regs-only -fno-thread-jumps -fno-tree-dominator-opts \
              -fno-if-conversion -fno-shrink-wrap -fno-tree-loop-im -fno-move-loop-invariants \
              -fno-tree-loop-ivcanon -fno-tree-vrp -fno-caller-saves -fno-ssa-phiopt -fno-tree-slsr \
              -fno-tree-forwprop -fno-tree-switch-conversion -fno-optimize-sibling-calls -fno-tree-sra \
              -fno-tree-tail-merge -fno-defer-pop
# CO-RE, with the modules' BTF, costs 9,152 B here, and program BTF
# (func_info/line_info) 848 B more: both are in (97,164 bytes).  For a
# smaller binary, STATIC_CORE=-DSOCKACCEL_NO_CORE leaves both out (87,164
# bytes: CO-RE objects are refused, naming the default build), and
# STATIC_CORE=-DSOCKACCEL_NO_PROG_BTF program BTF alone (into a fresh
# BUILD=: objects do not depend on flags).
STATIC_CORE ?=
STATIC_CFLAGS := $(STATIC_OPT) -fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector \
                 -fno-ident $(SIZEFLAGS) -isystem $(STATIC_INC) -DSOCKACCEL_NO_INSPECT $(STATIC_CORE) -DSOCKACCEL_SMALL
STATIC_OBJS := $(patsubst %.c,$(BUILD)/static/%.o,$(ELF_SRCS) $(LOADER_SRCS) $(LIBC_SRCS))

$(STATIC_INC)/.done:
	@mkdir -p $(STATIC_INC)
	$(Q)ln -sfn /usr/include/linux $(STATIC_INC)/linux
	$(Q)ln -sfn $(ARCH_INC)/asm $(STATIC_INC)/asm
	$(Q)ln -sfn /usr/include/asm-generic $(STATIC_INC)/asm-generic
	@touch $@

$(BUILD)/static/%.o: %.c $(HEADERS) $(STATIC_INC)/.done
	@mkdir -p $(@D)
	$(call msg,MUSLCC,$@)
	$(Q)$(MUSL_CC) $(CPPFLAGS_ALL) $(STATIC_CFLAGS) -c $< -o $@

$(BUILD)/static/embed.o: $(EMBED_S) $(EMBED_Z)
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(EMBED_AS) -c $< -o $@

# Link: no build id, no RELRO page, code and read-only data in one segment;
# and a small "common page size": with 4 KiB, ld pads the file up to the
# next page before the data segment whenever that saves a page of memory
# (up to 4 KiB of zeros, depending on where the code happens to end).
$(BUILD)/sockaccel-static: $(STATIC_OBJS) $(BUILD)/static/embed.o
	$(call msg,LINK,$@)
	$(Q)$(MUSL_CC) $(STATIC_OPT) -static -no-pie -s $(LDGC) -Wl,--build-id=none -Wl,-z,norelro -Wl,-z,noseparate-code \
		-Wl,-z,common-page-size=64 $^ -o $@
	@# Section headers are for linkers and debuggers, not for exec(): the
	@# kernel and valgrind need only the program headers.  -0.9 KiB.
	$(Q)$(LLVM_OBJCOPY) --strip-sections $@

# `make static` installs nothing: it needs a musl C compiler (MUSL_CC, Debian's
# musl-gcc by default; Alpine's cc with MUSL_CC=cc), clang and llvm-objcopy,
# and says which one is missing.  The README's set-up commands install them.
STATIC_MAX := 98304
static:
	$(Q)for t in $(MUSL_CC) $(CLANG) $(LLVM_OBJCOPY); do command -v $$t >/dev/null || \
		{ echo "make static: '$$t' not found (Debian: apt-get install musl-tools clang llvm; or set MUSL_CC=)"; exit 1; }; done
	$(Q)$(MAKE) --no-print-directory $(BUILD)/sockaccel-static $(BPF_OBJS)
	@size=$$(stat -c %s $(BUILD)/sockaccel-static); \
	  printf 'sockaccel-static: %d bytes (%d.%d KiB), limit %d\n' $$size $$((size / 1024)) $$((size % 1024 * 10 / 1024)) $(STATIC_MAX); \
	  test $$size -le $(STATIC_MAX) || { echo 'sockaccel-static: over 96 KiB'; exit 1; }

clean:
	rm -rf $(BUILD)

# ---- make install: where a Debian package puts things ----
# PREFIX=/usr DESTDIR=debian/sockaccel gives /usr/sbin/sockaccel,
# /usr/share/man/man8/sockaccel.8.gz, the bash completion, the docs and
# the systemd unit (deploy/systemd/, its ExecStart= pointing at SBINDIR).
# INSTALL_BIN=$(BUILD)/sockaccel-static installs the static build instead.
PREFIX  ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
UNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL_BIN ?= $(BUILD)/sockaccel
install: $(INSTALL_BIN)
	install -D -m 0755 $(INSTALL_BIN) $(DESTDIR)$(SBINDIR)/sockaccel
	install -d $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/doc/sockaccel
	gzip -9n <doc/sockaccel.8 >$(DESTDIR)$(PREFIX)/share/man/man8/sockaccel.8.gz
	install -D -m 0644 completion/sockaccel.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/sockaccel
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/sockaccel/README.md
	gzip -9n <CHANGELOG.md >$(DESTDIR)$(PREFIX)/share/doc/sockaccel/changelog.gz
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/sbin/|$(SBINDIR)/|' deploy/systemd/sockaccel.service >$(DESTDIR)$(UNITDIR)/sockaccel.service
	@echo 'then: systemctl daemon-reload && systemctl enable --now sockaccel'

# ---- tests ----
TEST_TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(filter-out tests/tools/sha256.c,$(wildcard tests/tools/*.c)))
TEST_TOOL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Itests/tools -pthread

$(BUILD)/tests/tools/%: tests/tools/%.c tests/tools/sha256.c tests/tools/sha256.h tests/tools/common.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(TEST_TOOL_CFLAGS) $< tests/tools/sha256.c -o $@

test-tools: $(TEST_TOOLS)

# BPF objects the tests use (compiled like ours).
TEST_BPF_OBJS := $(patsubst tests/data/src/%.c,$(BUILD)/tests/data/%.o,$(wildcard tests/data/src/*.bpf.c))
$(BUILD)/tests/data/%.bpf.o: tests/data/src/%.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# Unit tests: C programs that speak TAP, linked with both ELF readers.
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
UNIT_CFLAGS := $(CPPFLAGS_ALL) -DSOCKACCEL_HAVE_LIBELF -O1 -g -Itests/unit

$(BUILD)/tests/unit/%: tests/unit/%.c $(ELF_SRCS) $(LIBELF_SRCS) $(HEADERS) tests/unit/tap.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) $< $(UNIT_EXTRA) $(ELF_SRCS) $(LIBELF_SRCS) -lelf -o $@

# The static build's formatter, against glibc's.
$(BUILD)/tests/unit/test_tiny_fmt: loader/libc/tiny_fmt.c
$(BUILD)/tests/unit/test_tiny_fmt: UNIT_EXTRA := loader/libc/tiny_fmt.c
$(BUILD)/tests/unit/test_tiny_fmt: UNIT_CFLAGS += -Wno-format-truncation -fsanitize=address,undefined
$(BUILD)/tests/unit/test_tiny_str: loader/libc/tiny_str.c
$(BUILD)/tests/unit/test_tiny_str: UNIT_EXTRA := loader/libc/tiny_str.c
$(BUILD)/tests/unit/test_tiny_str: UNIT_CFLAGS += '-DTINY(f)=tiny_\#\#f' -Wno-stringop-truncation -fsanitize=address,undefined

# The built-in object's unpacker with the packer linked in (round trips,
# cut, flipped and random streams), against the object of this build.
$(BUILD)/tests/unit/test_unpack: loader/accel/unpack.c tools/pack.c $(EMBED_Z)
$(BUILD)/tests/unit/test_unpack: UNIT_EXTRA := loader/accel/unpack.c tools/pack.c
$(BUILD)/tests/unit/test_unpack: UNIT_CFLAGS += -DSA_PACK_NO_MAIN -fsanitize=address,undefined -fno-sanitize-recover=all

# The metrics server's request and address parsers (loader/cli/httpd.c),
# table, prefixes and mutations, under ASan/UBSan.
$(BUILD)/tests/unit/test_http: loader/cli/httpd.c loader/sys/ctx.c
$(BUILD)/tests/unit/test_http: UNIT_EXTRA := loader/cli/httpd.c loader/sys/ctx.c
$(BUILD)/tests/unit/test_http: UNIT_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all

# The differential test feeds both readers thousands of broken inputs, each
# in a buffer of exactly its size: AddressSanitizer turns a read past the
# end, a leak or undefined behaviour in elf/ into a failure.
$(BUILD)/tests/unit/test_differential: UNIT_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all
$(BUILD)/tests/unit/test_core: UNIT_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all

# The boot test's /init (tests/boot/): static, musl, like sockaccel-static.
BOOT_INIT := $(BUILD)/tests/boot/init
$(BOOT_INIT): tests/boot/init.c
	@mkdir -p $(@D)
	$(call msg,MUSLCC,$@)
	$(Q)$(MUSL_CC) -std=gnu11 $(WARN) -Os -static -s $< -o $@

# The kernel matrix's /init (tests/matrix/, tests/boot/matrix.t).
MATRIX_INIT := $(BUILD)/tests/matrix/init
$(MATRIX_INIT): tests/matrix/init.c
	@mkdir -p $(@D)
	$(call msg,MUSLCC,$@)
	$(Q)$(MUSL_CC) -std=gnu11 $(WARN) -Os -static -s $< -o $@

# ---- make test: every test, TAP, one prove run ----
# Order: unit (no kernel), then kernel tests; each kernel test runs against
# both binaries (build/sockaccel and build/sockaccel-static).
TESTS := $(sort $(wildcard tests/unit/*.t)) $(sort $(wildcard tests/kernel/*.t)) \
         $(sort $(wildcard tests/fuzz/*.t)) $(sort $(wildcard tests/boot/*.t)) \
         $(sort $(wildcard tests/deploy/*.t))
TEST_DEPS := build static test boot deploy matrix

test-build: all $(BUILD)/sockaccel-static $(TEST_TOOLS) $(TEST_BPF_OBJS) $(UNIT_BINS) $(BOOT_INIT) $(MATRIX_INIT)

test:
	$(Q)tests/deps.sh $(TEST_DEPS)
	$(Q)$(MAKE) --no-print-directory static test-build
	$(Q)BUILD=$(abspath $(BUILD)) prove --timer -f $(TESTS)

# Only the matrix (tests/boot/matrix.t; `make test` runs it too).  The
# kernels are downloaded once into $(BUILD)/kernels/.
test-kernels:
	$(Q)tests/deps.sh $(TEST_DEPS)
	$(Q)$(MAKE) --no-print-directory static test-build
	$(Q)BUILD=$(abspath $(BUILD)) prove --timer -v tests/boot/matrix.t

demo:
	$(Q)tests/deps.sh build
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/tools/xfer
	$(Q)BUILD=$(abspath $(BUILD)) tests/demo.sh

# ---- hostile input: malformed corpus, sanitizers, fuzzing ----
# The corpus generator reads sockaccel.bpf.o built four ways: as shipped,
# with iproute2's map definitions, with BTF-defined maps (.BTF.ext dropped:
# no reader looks at it), and big endian.
CORPUS_IN := $(BUILD)/tests/corpus-in
CORPUS_INPUTS := $(BUILD)/bpf/sockaccel.bpf.o $(CORPUS_IN)/elfmap.bpf.o \
                 $(CORPUS_IN)/btf.bpf.o $(CORPUS_IN)/bpfeb.bpf.o
$(CORPUS_IN)/%.bpf.o: bpf/sockaccel.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(if $(filter bpfeb,$*),$(subst -target bpf,-target bpfeb,$(BPF_CFLAGS)),$(BPF_CFLAGS)) \
		$(if $(filter elfmap,$*),-DSA_MAP_STYLE=1) $(if $(filter btf,$*),-DSA_MAP_STYLE=2 -g) -c $< -o $@
	$(Q)$(LLVM_OBJCOPY) --discard-all --remove-section=.llvm_addrsig \
		--remove-section=.BTF.ext --remove-section=.rel.BTF.ext $@

GEN_MALFORMED := $(BUILD)/tests/data/gen-malformed
$(GEN_MALFORMED): tests/data/gen-malformed.c bpf/sockaccel.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O1 -g $(WARN) $< -o $@

# A fresh corpus for every test run; `make corpus` rewrites the committed
# one (tests/data/malformed/, whose hand-added MANIFEST.* cases it keeps).
$(BUILD)/tests/data/malformed/MANIFEST: $(GEN_MALFORMED) $(CORPUS_INPUTS)
	@mkdir -p $(@D)
	$(call msg,GEN,$(@D))
	$(Q)rm -f $(@D)/*.o
	$(Q)$(GEN_MALFORMED) --large $(@D) $(CORPUS_INPUTS) >/dev/null

corpus: $(GEN_MALFORMED) $(CORPUS_INPUTS)
	@mkdir -p tests/data/malformed
	$(Q)if [ -f tests/data/malformed/MANIFEST ]; then cd tests/data/malformed && \
		awk -F'\t' '!/^#/ && NF > 1 { print $$1 }' MANIFEST | xargs -r rm -f; fi
	$(Q)$(GEN_MALFORMED) tests/data/malformed $(CORPUS_INPUTS)

# AddressSanitizer + UndefinedBehaviorSanitizer: the loader and the unit
# tests, in their own object directory; any report ends the program.
ASAN := $(BUILD)/asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_OBJS := $(patsubst %.c,$(ASAN)/obj/%.o,$(ELF_SRCS) $(LIBELF_SRCS) $(LOADER_SRCS) $(INSPECT_SRCS))
ASAN_UNIT_BINS := $(ASAN)/tests/unit/test_object $(ASAN)/tests/unit/test_malformed

$(ASAN)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(call msg,ASANCC,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) -DSOCKACCEL_HAVE_LIBELF -O1 -g $(ASAN_FLAGS) -c $< -o $@

$(ASAN)/obj/embed.o: $(EMBED_S) $(EMBED_Z)
	@mkdir -p $(@D)
	$(Q)$(CC) $(EMBED_AS) -c $< -o $@

$(ASAN)/sockaccel: $(ASAN_OBJS) $(ASAN)/obj/embed.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ASAN_FLAGS) $^ -lelf -o $@

$(ASAN)/tests/unit/%: tests/unit/%.c $(ELF_SRCS) $(LIBELF_SRCS) $(HEADERS) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(call msg,ASANCC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) $(ASAN_FLAGS) $< $(ELF_SRCS) $(LIBELF_SRCS) -lelf -o $@

# libFuzzer targets (clang, libclang-rt-14-dev): the ELF reading and
# relocation step for each reader, and both side by side (tests/fuzz/).
FUZZ_TARGETS := builtin libelf diff btf
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_elf_%,$(FUZZ_TARGETS))
FUZZ_SECONDS ?= 60

$(BUILD)/fuzz/fuzz_elf_%: tests/fuzz/fuzz_elf.c $(ELF_SRCS) $(LIBELF_SRCS) $(HEADERS) tests/unit/objcmp.h
	@mkdir -p $(@D)
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(CPPFLAGS_ALL) -DSOCKACCEL_HAVE_LIBELF -DFUZZ_READER_$* -Itests/unit -O1 -g \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< $(ELF_SRCS) $(LIBELF_SRCS) -lelf -o $@

# fuzz_elf_btf: a target BTF (--btf FILE) against a CO-RE object's relocations.
$(BUILD)/fuzz/fuzz_elf_btf: tests/fuzz/fuzz_btf.c $(ELF_SRCS) $(LIBELF_SRCS) $(HEADERS)
	@mkdir -p $(@D)
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(CPPFLAGS_ALL) -DSOCKACCEL_HAVE_LIBELF -O1 -g \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< $(ELF_SRCS) $(LIBELF_SRCS) -lelf -o $@

# The metrics server's parsers (tests/fuzz/http.t).
$(BUILD)/fuzz/fuzz_http: tests/fuzz/fuzz_http.c loader/cli/httpd.c loader/cli/httpd.h loader/sys/ctx.c
	@mkdir -p $(@D)
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(CPPFLAGS_ALL) -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< loader/cli/httpd.c loader/sys/ctx.c -o $@
test-build: $(BUILD)/fuzz/fuzz_http

# The built-in object's unpacker and the packer (tests/fuzz/unpack.t).
$(BUILD)/fuzz/fuzz_unpack: tests/fuzz/fuzz_unpack.c loader/accel/unpack.c loader/accel/unpack.h tools/pack.c $(EMBED_Z)
	@mkdir -p $(@D)
	$(call msg,FUZZCC,$@)
	$(Q)$(CLANG) $(CPPFLAGS_ALL) -DSA_PACK_NO_MAIN -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$< loader/accel/unpack.c tools/pack.c -o $@
test-build: $(BUILD)/fuzz/fuzz_unpack

$(BUILD)/tests/unit/test_malformed: tests/unit/objcmp.h
HOSTILE_BUILD := $(BUILD)/tests/data/malformed/MANIFEST $(ASAN)/sockaccel $(ASAN_UNIT_BINS) $(FUZZ_BINS)
test-build: $(HOSTILE_BUILD)

fuzz:
	$(Q)tests/deps.sh build test
	$(Q)$(MAKE) --no-print-directory -s all $(TEST_BPF_OBJS) $(HOSTILE_BUILD)
	$(Q)for t in $(FUZZ_TARGETS); do BUILD=$(abspath $(BUILD)) tests/fuzz/run.sh $$t $(FUZZ_SECONDS) || exit 1; done
	$(Q)$(MAKE) --no-print-directory -s $(BUILD)/fuzz/fuzz_http $(BUILD)/fuzz/fuzz_unpack
	$(Q)for t in http unpack; do \
	  out=$$(BUILD=$(abspath $(BUILD)) FUZZ_TEST_SECONDS=$$(($(FUZZ_SECONDS) * 4)) tests/fuzz/$$t.t); rc=$$?; \
	  printf '%s\n' "$$out" | sed -n 's/^ok 1 - //p; /^not ok/,$$p'; [ $$rc = 0 ] || exit $$rc; done

# `sockaccel probe`'s rows, each used for real (tests/kernel/probe.t): one
# object per row from tests/data/probe/probe.c.
PROBE_ROWS := prog-sock_ops prog-sk_msg map-sockhash map-array map-hash map-percpu_array \
	map-lru_hash map-sk_storage sock_ops-map_lookup_elem sock_ops-sock_hash_update \
	sock_ops-get_netns_cookie sock_ops-sk_storage_get sk_msg-map_lookup_elem \
	sk_msg-map_update_elem sk_msg-msg_redirect_hash sk_msg-sk_storage_get memlock
PROBE_OBJS := $(PROBE_ROWS:%=$(BUILD)/tests/data/probe/%.bpf.o)
$(BUILD)/tests/data/probe/%.bpf.o: tests/data/probe/probe.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DP_$(subst -,_,$*) -c $< -o $@
test-build: $(PROBE_OBJS)

# Issue 6 test objects, written for other loaders: libbpf's <bpf/bpf_helpers.h>
# and iproute2's <iproute2/bpf_elf.h> (libbpf-dev, iproute2).  Built with -g
# (BTF) and -mcpu=v3, except legacy_*, which stand for pre-BTF objects.
SRC6_BPF_OBJS := $(patsubst tests/data/src6/%.c,$(BUILD)/tests/data/src6/%.o,$(wildcard tests/data/src6/*.bpf.c))
$(BUILD)/tests/data/src6/%.bpf.o: tests/data/src6/%.bpf.c $(wildcard tests/data/src6/*)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) -O2 -target bpf $(if $(filter legacy_%,$*),,-g -mcpu=v3) -Wall -Werror \
		-Itests/data/src6 -I$(ARCH_INC) -c $< -o $@
test-build: $(SRC6_BPF_OBJS)

# Issue 5 (tests/kernel/datapath_*.t): our object with a 16-entry sockhash,
# loaded with `install --objects DIR` to fill the sockhash; and the foreign
# mesh object with BTF (-g): bpftool (libbpf 1.x) reads only BTF-defined maps.
SMALL_HASH_OBJ := $(BUILD)/tests/small-sockhash/sockaccel.bpf.o
$(SMALL_HASH_OBJ): bpf/sockaccel.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DSA_SOCKHASH_MAX=16 -c $< -o $@
$(BUILD)/tests/data/foreign_mesh.bpf.o: BPF_CFLAGS += -g
# Issue 12 (CO-RE): with BTF (-g), and again reading a field no kernel has
# without checking that it exists (CORE_LIVE): that one must be refused.
$(BUILD)/tests/data/core_%.bpf.o: BPF_CFLAGS += -g
$(BUILD)/tests/data/core-live/core_sockops.bpf.o: tests/data/src/core_sockops.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -g -DCORE_LIVE -c $< -o $@
test-build: $(BUILD)/tests/data/core-live/core_sockops.bpf.o
test-build: $(SMALL_HASH_OBJ)
# Issue 13 (tests/kernel/ops_replace.t): a second build of our programs for
# install --replace, differing in code only (the small-write threshold), so
# its maps are compatible and its program tags differ.
REPLACE_OBJ := $(BUILD)/tests/replace-b/sockaccel.bpf.o
$(REPLACE_OBJ): bpf/sockaccel.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DSA_STREAK_MAX=65 -c $< -o $@
test-build: $(REPLACE_OBJ)
# Our own programs with the two other map styles, for install --objects.
SA_STYLE_OBJS := $(BUILD)/tests/data/styles/elfmap/sockaccel.bpf.o $(BUILD)/tests/data/styles/btf/sockaccel.bpf.o
$(BUILD)/tests/data/styles/%/sockaccel.bpf.o: bpf/sockaccel.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(if $(filter elfmap,$*),-DSA_MAP_STYLE=1,-DSA_MAP_STYLE=2 -g) -c $< -o $@
test-build: $(SA_STYLE_OBJS)
# The backpressure build (bpf/sockaccel.h SA_BACKPRESSURE; README
# "Backpressure"), for `install --objects $(BUILD)/bpf/backpressure`.
SA_BP_OBJ := $(BUILD)/bpf/backpressure/sockaccel.bpf.o
$(SA_BP_OBJ): bpf/sockaccel.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -DSA_BACKPRESSURE=1 -c $< -o $@
	$(Q)$(LLVM_OBJCOPY) --discard-all --remove-section=.llvm_addrsig $@
all: $(SA_BP_OBJ)
test-build: $(SA_BP_OBJ)

# ---- make bench: real applications, datapath and loader (bench/, BENCHMARKS.md) ----
# bench/apps.sh runs nginx, redis, PostgreSQL and iperf3 (tests/deps.sh
# bench) plain, accelerated, through the reference peer (bench/ref/) and
# over Unix sockets.  BENCH_QUICK=1 make bench: one short pass.
# bench/netbench.c is the traffic tool.  Our programs are built again with
# BTF-defined maps for bpftool's side of the loader benchmark (Debian's
# bpftool refuses the legacy "maps" section), split into one object per
# program because `bpftool prog load` pins only the first; and twice with
# other small-write thresholds (loaded with install --objects): "always"
# never moves a stream to the stack, "at-once" moves every socket after its
# first message, the cost of the sk_msg pass path alone.
BENCH := $(BUILD)/bench
BENCH_OBJS := $(BENCH)/netbench $(BENCH)/btf/sockaccel.bpf.o $(BENCH)/btf/ops.bpf.o \
              $(BENCH)/btf/msg.bpf.o $(BENCH)/always/sockaccel.bpf.o $(BENCH)/at-once/sockaccel.bpf.o \
              $(BENCH)/ref/ref.bpf.o

$(BENCH)/netbench: bench/netbench.c tests/tools/common.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -O2 -g $(WARN) -pthread $< -o $@

$(BENCH)/btf/sockaccel.bpf.o: bpf/sockaccel.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -g -DSA_MAP_STYLE=2 -c $< -o $@

# Drop the other program's section, with the debug info and .BTF.ext
# relocations that point into it (.BTF stays: it describes the maps).
$(BENCH)/btf/ops.bpf.o: $(BENCH)/btf/sockaccel.bpf.o
	$(Q)$(LLVM_OBJCOPY) --strip-debug --remove-section=.rel.BTF.ext \
		--remove-section=sk_msg --remove-section=.relsk_msg $< $@
$(BENCH)/btf/msg.bpf.o: $(BENCH)/btf/sockaccel.bpf.o
	$(Q)$(LLVM_OBJCOPY) --strip-debug --remove-section=.rel.BTF.ext \
		--remove-section=sockops --remove-section=.relsockops $< $@

$(BENCH)/always/sockaccel.bpf.o $(BENCH)/at-once/sockaccel.bpf.o: bpf/sockaccel.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(if $(findstring at-once,$@),-DSA_STREAK_MAX=0 -DSA_SMALL_MSG=0xffffffff,-DSA_STREAK_MAX=0xffffffffu) -c $< -o $@

# The reference peer of the application benchmark (bench/apps.sh): the
# minimal program pair of the public write-ups, loaded with `sockaccel load`.
$(BENCH)/ref/ref.bpf.o: bench/ref/ref.bpf.c bpf/bpf_api.h
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

bench:
	$(Q)tests/deps.sh build static bench
	$(Q)$(MAKE) --no-print-directory static all $(BENCH_OBJS)
	$(Q)BUILD=$(abspath $(BUILD)) bench/run.sh

# The cost of the backpressure build (issue 17; README "Backpressure").
bench-backpressure:
	$(Q)tests/deps.sh build bench
	$(Q)$(MAKE) --no-print-directory all $(BENCH)/netbench $(SA_BP_OBJ)
	$(Q)BUILD=$(abspath $(BUILD)) bench/backpressure.sh

# ---- deploy/: container image, Kubernetes manifests (make install: above) ----

# The image: FROM scratch, the static binary alone (the build context is a
# directory holding only it), tagged $(IMAGE) in podman's store and saved
# as an OCI archive to load elsewhere.  IMAGE_MAX: what issue 15 allows.
IMAGE ?= localhost/sockaccel:latest
IMAGE_MAX := 200000
$(BUILD)/sockaccel-image.tar: $(BUILD)/sockaccel-static deploy/Containerfile
	$(call msg,PODMAN,$(IMAGE))
	$(Q)rm -rf $(BUILD)/image && mkdir -p $(BUILD)/image
	$(Q)cp $(BUILD)/sockaccel-static $(BUILD)/image/sockaccel
	@# The image this replaces would stay behind untagged: remove it.
	$(Q)old=$$(podman image inspect --format '{{.Id}}' $(IMAGE) 2>/dev/null); \
	  podman build -q -f deploy/Containerfile -t $(IMAGE) $(BUILD)/image >/dev/null && \
	  new=$$(podman image inspect --format '{{.Id}}' $(IMAGE)) && \
	  { [ -z "$$old" ] || [ "$$old" = "$$new" ] || podman rmi -f "$$old" >/dev/null 2>&1 || true; }
	$(Q)rm -f $@ && podman save -q --format oci-archive -o $@ $(IMAGE)

image:
	$(Q)tests/deps.sh static deploy
	$(Q)$(MAKE) --no-print-directory static $(BUILD)/sockaccel-image.tar
	@size=$$(podman image inspect --format '{{.Size}}' $(IMAGE)); \
	  printf '%s: %d bytes (podman image inspect), archive %s: %d bytes, limit %d\n' $(IMAGE) $$size \
	    $(BUILD)/sockaccel-image.tar $$(stat -c %s $(BUILD)/sockaccel-image.tar) $(IMAGE_MAX); \
	  test $$size -le $(IMAGE_MAX) || { echo 'image: over the limit'; exit 1; }
test-build: $(BUILD)/sockaccel-image.tar

# The manifest validator's npm packages (tests/deploy/package.json, pinned).
NPM_DIR := $(BUILD)/npm
$(NPM_DIR)/.done: tests/deploy/package.json
	@mkdir -p $(NPM_DIR)
	$(call msg,NPM,$(NPM_DIR))
	$(Q)cp $< $(NPM_DIR)/package.json
	$(Q)cd $(NPM_DIR) && npm install --no-audit --no-fund --silent >/dev/null
	@touch $@
test-build: $(NPM_DIR)/.done
