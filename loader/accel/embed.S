/* SPDX-License-Identifier: GPL-2.0 */
/*
 * embed.S: the BPF object, built into the binary so that sockaccel is one
 * file to copy.  It is stored packed (SA_EMBED_Z, written by tools/pack.c,
 * about a quarter of the object) and unpacked by loader/accel/unpack.c into
 * sa_embedded_obj, SA_EMBED_SIZE bytes of .bss: zeros cost the file
 * nothing.  The Makefile gives both the path and the size.
 */
	.section .rodata
	.global sa_embedded_z
sa_embedded_z:
	.incbin SA_EMBED_Z
	.global sa_embedded_z_end
sa_embedded_z_end:

	/* 8-aligned: the ELF reader reads headers in place. */
	.section .bss
	.balign 8
	.global sa_embedded_obj
sa_embedded_obj:
	.zero SA_EMBED_SIZE
	.global sa_embedded_obj_end
sa_embedded_obj_end:

	.section .note.GNU-stack, "", @progbits
