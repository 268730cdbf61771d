/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unpack.h: the format the built-in BPF object is stored in (tools/pack.c
 * writes it at build time, unpack.c reads it), and the one function that
 * reads it.
 *
 * An LZ77 stream of tokens, bits and bytes interleaved in one byte string:
 * a bit is taken, most significant first, from a "bit byte" that is read
 * from the stream when the previous one is used up, and a literal byte is
 * read from the stream where it stands.  Numbers n >= 1 are Elias gamma
 * codes with the bits of n interleaved: n = 1, then while a 0 bit comes,
 * n = n * 2 + next bit.
 *
 *   literals   n = gamma, then n bytes
 *   repeat     n = gamma: n bytes copied from the last offset back
 *   new        a bit x, hi = gamma, then w bits lo: w is SA_Z_OFF_LOW,
 *              3 more if x; offset = ((hi - 1) << w | lo) << (x ? 0 : 3);
 *              then n = gamma + 1 bytes copied from that offset back (it
 *              becomes the last)
 *
 * Most offsets are multiples of 8 (BPF instructions are 8 bytes, ELF
 * symbols 24, relocations 16): x = 0 leaves their 3 low zero bits out
 * (-67 bytes for the object, +40 of code).
 *
 * Each token is announced by a bit.  After literals, a 1 bit means a new
 * offset, 0 a repeat (two literal runs in a row would be one); after a
 * copy (and at the start), 1 means a new offset, 0 literals (a repeat
 * right after a copy would be a longer copy).  The stream ends when the
 * output is full.
 *
 * Why this: the object is mostly BPF instructions and ELF tables, whose
 * matches are short and near.  Bit-sized lengths and offsets and the
 * repeat token (the same field of the next instruction or symbol) store
 * our 5,472 bytes in 1,465; gzip -9 needs 1,643, an LZ4-style byte format
 * about 2,100.  The decoder is ~0.4 KiB of x86-64 at -Oz; an LZ4 decoder
 * would be a little smaller, but not by 600 bytes, and a range coder over
 * the same tokens would save ~130 bytes of stream for about as much code.
 */
#ifndef SOCKACCEL_ACCEL_UNPACK_H
#define SOCKACCEL_ACCEL_UNPACK_H

#include <stddef.h>

#ifndef SA_Z_OFF_LOW
#define SA_Z_OFF_LOW 3	/* lo's width: the smallest stream for our object */
#endif

/* Unpack in[0..inlen) into exactly out[0..outlen): 0, or -EINVAL when the
 * stream would read past its end, write past out or copy from before out,
 * or has bytes left when out is full.  Never reads or writes outside the
 * two buffers. */
int sa_unpack(unsigned char *out, size_t outlen, const unsigned char *in, size_t inlen);

#endif
