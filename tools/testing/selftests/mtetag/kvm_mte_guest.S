/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest of kvm_mte_swap, at EL1: report any exception, turn the stage-1
 * MMU on, then loop on the commands the VMM leaves in the mailbox, ringing
 * the MMIO doorbell after each.
 *
 * With the MMU off every data access is Device memory, which holds no tags,
 * so the guest maps its RAM Normal Tagged (the VMM's MAIR, TCR and page
 * table) and sets SCTLR_EL1.ATA so that EL1 may access tags. SCTLR_EL1.TCF
 * stays 0: the guest only moves tags, it never checks them.
 *
 * x0 on entry and x28 after: the mailbox. x27: the doorbell.
 */
#include "kvm_mte_guest.h"

	.arch	armv8.5-a+memtag
	.text

	/* VBAR_EL1 needs 2 KiB alignment; the VMM keeps the offset. */
	.balign	2048
	.global	guest_code_start
guest_code_start:
	.rept	16
	b	guest_exception
	.balign	128
	.endr

	.global	guest_entry
guest_entry:
	mov	x28, x0
	ldr	x27, [x28, #MB_MMIO]
	adr	x1, guest_code_start
	msr	vbar_el1, x1
	ldr	x1, [x28, #MB_MAIR]
	msr	mair_el1, x1
	ldr	x1, [x28, #MB_TCR]
	msr	tcr_el1, x1
	ldr	x1, [x28, #MB_TTBR0]
	msr	ttbr0_el1, x1
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x1, [x28, #MB_SCTLR]
	mrs	x2, sctlr_el1
	orr	x1, x1, x2
	msr	sctlr_el1, x1
	isb

guest_loop:
	/* Tags and tag buffer complete before the VMM looks at them. */
	dsb	ish
	mov	x1, #GUEST_READY
	str	x1, [x27]
	ldr	x1, [x28, #MB_CMD]
	ldr	x2, [x28, #MB_TEST]
	ldr	x3, [x28, #MB_NGRANULES]
	ldr	x4, [x28, #MB_TAGBUF]
	cmp	x1, #CMD_SET_TAGS
	b.eq	guest_set_tags
	cmp	x1, #CMD_GET_TAGS
	b.eq	guest_get_tags
	b	guest_loop

	/* stg takes the tag from bits 59:56 of the address it stores to. */
guest_set_tags:
	ldrb	w5, [x4], #1
	orr	x6, x2, x5, lsl #56
	stg	x6, [x6]
	add	x2, x2, #16
	subs	x3, x3, #1
	b.ne	guest_set_tags
	b	guest_loop

	/* ldg puts the granule's tag in bits 59:56 of its destination. */
guest_get_tags:
	ldg	x6, [x2]
	ubfx	x6, x6, #56, #4
	strb	w6, [x4], #1
	add	x2, x2, #16
	subs	x3, x3, #1
	b.ne	guest_get_tags
	b	guest_loop

	/* Leave the syndrome for the VMM and keep ringing: it will not resume us. */
guest_exception:
	mrs	x1, esr_el1
	str	x1, [x28, #MB_ESR]
	mrs	x1, far_el1
	str	x1, [x28, #MB_FAR]
	mrs	x1, elr_el1
	str	x1, [x28, #MB_ELR]
	mov	x1, #GUEST_EXCEPTION
1:	str	x1, [x27]
	b	1b

	.global	guest_code_end
guest_code_end:

	/* No executable stack for the VMM that links this in. */
	.section .note.GNU-stack, "", %progbits
