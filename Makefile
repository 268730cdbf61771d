# sockaccel: one plain Makefile.  Nothing is generated but what you see here.
#
#   make            build/sockaccel (libelf) and build/bpf/*.bpf.o
#   make static     build/sockaccel-static (musl, built-in ELF reader, no deps)
#   make test       install test dependencies, build, run every test (TAP, prove)
#   make demo       a loopback transfer without, then with acceleration
#   make bench      benchmarks (see BENCHMARKS.md)
#   make fuzz       run the ELF fuzzers (FUZZ_SECONDS=60 each)
#   V=1             show the commands

CC       ?= cc
CLANG    ?= clang
MUSL_CC  ?= musl-gcc
CFLAGS   ?= -O2 -g
BUILD    ?= build
ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)

WARN     := -Wall -Wextra -Werror
CPPFLAGS_ALL := -std=gnu11 $(WARN) -Ielf -D_GNU_SOURCE
SIZEFLAGS := -ffunction-sections -fdata-sections
LDGC     := -Wl,--gc-sections

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-6s %s\n' $(1) $(2)
endif

ELF_SRCS    := elf/view.c elf/reader_builtin.c elf/object.c elf/btf.c elf/progtypes.c
LIBELF_SRCS := elf/reader_libelf.c
LOADER_SRCS := loader/bpf.c loader/trace.c loader/names.c loader/ctx.c loader/load.c \
               loader/fs.c loader/accel.c loader/util.c loader/disasm.c \
               loader/cmd_accel.c loader/cmd_obj.c loader/main.c
INSPECT_SRCS := loader/cmd_inspect.c loader/disasm.c
HEADERS     := $(wildcard elf/*.h loader/*.h bpf/*.h)

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(BPF_SRCS:bpf/%.c=$(BUILD)/bpf/%.o)
BPF_CFLAGS := -O2 -target bpf -Wall -Werror -Ibpf -I$(ARCH_INC)
LLVM_OBJCOPY ?= llvm-objcopy

.PHONY: all static test test-build test-tools demo bench fuzz clean help
.DELETE_ON_ERROR:

all: $(BUILD)/sockaccel $(BPF_OBJS)

help:
	@sed -n '3,10p' Makefile | sed 's/^# *//'

# ---- BPF programs: clang -target bpf, UAPI headers only ----
$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h)
	@mkdir -p $(@D)
	$(call msg,CLANG,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	@# Local labels (LBB*) and the address-significance table mean nothing
	@# to a loader; dropping them makes the embedded object 20% smaller.
	$(Q)$(LLVM_OBJCOPY) --discard-all --remove-section=.llvm_addrsig $@

# ---- the default build: libelf ----
DYN_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(ELF_SRCS) $(LIBELF_SRCS) $(LOADER_SRCS) $(INSPECT_SRCS))

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS_ALL) -DSOCKACCEL_HAVE_LIBELF $(CFLAGS) $(SIZEFLAGS) -c $< -o $@

$(BUILD)/obj/embed.o: loader/embed.S $(BUILD)/bpf/sockaccel.bpf.o
	@mkdir -p $(@D)
	$(call msg,AS,$@)
	$(Q)$(CC) -DSA_EMBED_OBJ='"$(BUILD)/bpf/sockaccel.bpf.o"' -c $< -o $@

$(BUILD)/sockaccel: $(DYN_OBJS) $(BUILD)/obj/embed.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDGC) $^ -lelf -o $@

# ---- the static build: musl, built-in ELF reader, at most 64 KiB ----
# It leaves out `inspect` (a no-kernel developer tool) and uses small
# printf/malloc replacements (loader/tiny_libc.c) instead of musl's.
# Debian's musl-gcc sees only musl's headers; the kernel UAPI headers it
# needs are linked into a private include directory.
STATIC_INC := $(BUILD)/static/include
STATIC_CFLAGS := -Oz -fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-stack-protector \
                 -fno-ident $(SIZEFLAGS) -isystem $(STATIC_INC) -DSOCKACCEL_NO_INSPECT
STATIC_OBJS := $(patsubst %.c,$(BUILD)/static/%.o,$(ELF_SRCS) $(LOADER_SRCS) loader/tiny_libc.c)

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

$(BUILD)/static/embed.o: loader/embed.S $(BUILD)/bpf/sockaccel.bpf.o
	@mkdir -p $(@D)
	$(Q)$(MUSL_CC) -DSA_EMBED_OBJ='"$(BUILD)/bpf/sockaccel.bpf.o"' -c $< -o $@

$(BUILD)/sockaccel-static: $(STATIC_OBJS) $(BUILD)/static/embed.o
	$(call msg,LINK,$@)
	$(Q)$(MUSL_CC) -static -no-pie -s $(LDGC) -Wl,--build-id=none -Wl,-z,norelro -Wl,-z,noseparate-code $^ -o $@
	$(Q)strip -R .comment $@

static:
	$(Q)tests/deps.sh static
	$(Q)$(MAKE) --no-print-directory $(BUILD)/sockaccel-static $(BPF_OBJS)
	@size=$$(stat -c %s $(BUILD)/sockaccel-static); \
	  printf 'sockaccel-static: %d bytes (%d.%d KiB), limit 65536\n' $$size $$((size / 1024)) $$((size % 1024 * 10 / 1024)); \
	  test $$size -le 65536 || { echo 'sockaccel-static: over 64 KiB'; exit 1; }

clean:
	rm -rf $(BUILD)

# ---- tests ----
TEST_TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(filter-out tests/tools/sha256.c,$(wildcard tests/tools/*.c)))
TEST_TOOL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Itests/tools -pthread

$(BUILD)/tests/tools/%: tests/tools/%.c tests/tools/sha256.c tests/tools/sha256.h
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
UNIT_CFLAGS := $(CPPFLAGS_ALL) -DSOCKACCEL_HAVE_LIBELF -O1 -g -Iloader -Itests/unit

$(BUILD)/tests/unit/%: tests/unit/%.c $(ELF_SRCS) $(LIBELF_SRCS) $(HEADERS) tests/unit/tap.h
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(UNIT_CFLAGS) $< $(ELF_SRCS) $(LIBELF_SRCS) -lelf -o $@

# ---- make test: every test, TAP, one prove run ----
# Order: unit (no kernel), then kernel tests; each kernel test runs against
# both binaries (build/sockaccel and build/sockaccel-static).
TESTS := $(sort $(wildcard tests/unit/*.t)) $(sort $(wildcard tests/kernel/*.t)) \
         $(sort $(wildcard tests/fuzz/*.t)) $(sort $(wildcard tests/boot/*.t))
TEST_DEPS := build static test boot

test-build: all $(BUILD)/sockaccel-static $(TEST_TOOLS) $(TEST_BPF_OBJS) $(UNIT_BINS)

test:
	$(Q)tests/deps.sh $(TEST_DEPS)
	$(Q)$(MAKE) --no-print-directory static test-build
	$(Q)BUILD=$(abspath $(BUILD)) prove --timer -f $(TESTS)

demo:
	$(Q)tests/deps.sh build
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/tools/xfer
	$(Q)BUILD=$(abspath $(BUILD)) tests/demo.sh
