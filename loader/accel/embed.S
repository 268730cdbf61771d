/* SPDX-License-Identifier: GPL-2.0 */
/*
 * embed.S: the BPF object, built into the binary so that sockaccel is one
 * file to copy.  SA_EMBED_OBJ is its path, given by the Makefile.
 */
	.section .rodata
	.balign 8
	.global sa_embedded_obj
sa_embedded_obj:
	.incbin SA_EMBED_OBJ
	.global sa_embedded_obj_end
sa_embedded_obj_end:

	.section .note.GNU-stack, "", @progbits
