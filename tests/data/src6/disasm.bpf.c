// SPDX-License-Identifier: GPL-2.0
/*
 * disasm: a socket filter that uses most instruction classes (ALU and ALU32
 * with registers and immediates, byte swaps, atomics with and without
 * fetch, xchg, cmpxchg, JMP32, a helper call, a BPF-to-BPF call, a 64-bit
 * constant).  The test compares `inspect --disasm` with the kernel's own
 * verifier log of the same instructions.  Built with -mcpu=v3 (atomics).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u64 mix(__u64 x, __u64 y)
{
	return (x ^ (y << 7)) + 0x5a;
}

SEC("socket")
int dis(void *ctx)
{
	volatile __u64 v = 0x123456789ull;
	volatile __u32 w = 7;
	__u64 a = bpf_get_prandom_u32(), b;
	__u32 c;

	asm volatile("%0 += 5; %0 -= %1; %0 *= 3; %0 /= 2; %0 |= 0x10; %0 &= %1;"
		     "%0 <<= 2; %0 >>= 1; %0 s>>= 1; %0 ^= -1; %0 = -%0;"
		     "%0 = be16 %0; %0 = be32 %0; %0 = be64 %0; %0 = le16 %0"
		     : "+r"(a) : "r"((__u64)w));
	b = a % 13;
	c = (__u32)a;
	asm volatile("%0 += 1; %0 s>>= 2; %0 = -%0" : "+w"(c));
	__sync_fetch_and_add(&v, a);
	__sync_fetch_and_add(&w, c);
	b += __sync_fetch_and_or(&v, b);
	b += __sync_fetch_and_xor(&w, (__u32)b);
	b += __sync_lock_test_and_set(&v, b);
	b += __sync_val_compare_and_swap(&v, b, a);
	if ((__s32)c < -1)
		b += 2;
	if (b & 8)
		b ^= a;
	b = mix(b, a);
	return (b + v + w) & 1;
}

char LICENSE[] SEC("license") = "GPL";
