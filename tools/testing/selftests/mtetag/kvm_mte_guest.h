/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between kvm_mte_swap (the VMM) and kvm_mte_guest.S (the code
 * its guest runs): the mailbox the VMM fills before each run, the commands,
 * and the values the guest rings the MMIO doorbell with.
 */
#ifndef MTETAG_KVM_MTE_GUEST_H
#define MTETAG_KVM_MTE_GUEST_H

/* Doorbell values the guest stores to the MMIO address. */
#define GUEST_READY		1	/* command done, waiting for the next */
#define GUEST_EXCEPTION		2	/* took an exception: see the mailbox */

/* Commands the VMM leaves in the mailbox before resuming the guest. */
#define CMD_SET_TAGS		1	/* stg every granule from the tag buffer */
#define CMD_GET_TAGS		2	/* ldg every granule into the tag buffer */

/* Mailbox field offsets, for the assembly. */
#define MB_CMD			0
#define MB_MMIO			8
#define MB_MAIR			16
#define MB_TCR			24
#define MB_TTBR0		32
#define MB_SCTLR		40
#define MB_TEST			48
#define MB_NGRANULES		56
#define MB_TAGBUF		64
#define MB_ESR			72
#define MB_FAR			80
#define MB_ELR			88

#ifndef __ASSEMBLER__
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

/* All guest physical addresses; the guest maps them one to one. */
struct guest_mailbox {
	uint64_t cmd;
	uint64_t mmio;		/* doorbell: no memslot, so a store exits */
	uint64_t mair;		/* stage-1 registers the guest loads */
	uint64_t tcr;
	uint64_t ttbr0;
	uint64_t sctlr;		/* bits the guest ORs into SCTLR_EL1 */
	uint64_t test;		/* first granule of the test memory */
	uint64_t ngranules;
	uint64_t tagbuf;	/* one tag per byte, low nibble */
	uint64_t esr;		/* written by the guest's exception handler */
	uint64_t far;
	uint64_t elr;
};

static_assert(offsetof(struct guest_mailbox, cmd) == MB_CMD, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, mmio) == MB_MMIO, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, mair) == MB_MAIR, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, tcr) == MB_TCR, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, ttbr0) == MB_TTBR0, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, sctlr) == MB_SCTLR, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, test) == MB_TEST, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, ngranules) == MB_NGRANULES, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, tagbuf) == MB_TAGBUF, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, esr) == MB_ESR, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, far) == MB_FAR, "mailbox layout");
static_assert(offsetof(struct guest_mailbox, elr) == MB_ELR, "mailbox layout");

/*
 * The guest code, linked into the VMM and copied to guest RAM as is: it is
 * position independent and starts with its 2 KiB aligned vector table.
 */
extern const char guest_code_start[], guest_entry[], guest_code_end[];
#endif

#endif /* MTETAG_KVM_MTE_GUEST_H */
