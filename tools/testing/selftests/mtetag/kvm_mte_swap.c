// SPDX-License-Identifier: GPL-2.0
/*
 * Tags a KVM guest stores survive swap, although the VMM never mapped the
 * guest's memory PROT_MTE.
 *
 * A guest with KVM_CAP_ARM_MTE may tag any page of its RAM; KVM marks every
 * page it maps into such a guest PG_mte_tagged, whatever the VMM's own
 * mapping. Swap must therefore keep the tags of every PG_mte_tagged page, not
 * only of pages in VM_MTE vmas (the kvmarm review thread of March 2021 that
 * mtetag grew from). This program is a tiny VMM: it gives one vCPU RAM from
 * plain anonymous memory, has the tags written, pushes all of guest RAM to
 * swap and out of the swap cache, and checks every tag and data byte after
 * the pages come back. Two ways in and out, for each tag pattern:
 *
 *   guest:  the guest's own stg/ldg through its stage-1 MMU (Normal Tagged);
 *           the swapped pages come back through a stage-2 fault.
 *   ioctl:  KVM_ARM_MTE_COPY_TAGS from the VMM, which sets PG_mte_tagged as a
 *           guest tag write would; the pages come back through the VMM's
 *           fault in the ioctl.
 *
 * Each test then reads the tags the other way too, so both views must agree.
 *
 * Usage: kvm_mte_swap [-n PAGES] [-s SEED] [-p PATTERN]
 */
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "mte_test.h"
#include "kvm_mte_guest.h"

#ifndef BIT
#define BIT(n)			(1UL << (n))
#endif

/*
 * Guest physical layout. Everything lives in the second GiB, which the guest
 * maps as one Normal Tagged block; the first GiB is one Device block holding
 * the MMIO doorbell, an address with no memslot so that a store exits.
 */
#define GUEST_IPA_BITS		32
#define CODE_IPA		0x40000000UL	/* code, page table, mailbox */
#define CODE_SIZE		0x4000UL
#define CODE_PGTABLE		0x2000UL	/* offset of the level-1 table */
#define CODE_MAILBOX		0x3000UL	/* offset of struct guest_mailbox */
#define TAGBUF_IPA		0x40100000UL	/* one tag byte per test granule */
#define TEST_IPA		0x44000000UL	/* the tagged test memory */
#define TEST_MAX_PAGES		((0x80000000UL - TEST_IPA) / 4096)
#define MMIO_IPA		0x10000000UL

/*
 * Stage-1 set-up for the guest. With its MMU off every data access is
 * Device memory, which holds no tags, so the guest maps its RAM Normal
 * Tagged (MAIR attribute 0xf0) and allows tag access at EL1 (SCTLR_EL1.ATA).
 * SCTLR_EL1.TCF stays 0: no tag checks, the guest only moves tags.
 */
#define MAIR_DEVICE_IDX		0	/* Device-nGnRnE */
#define MAIR_TAGGED_IDX		1	/* Normal Tagged, write-back */
#define MAIR_VALUE		(0xf0UL << (8 * MAIR_TAGGED_IDX))
#define TCR_T0SZ		25UL		/* 39-bit VA: walks start at level 1 */
#define TCR_IRGN0_WB		BIT(8)
#define TCR_ORGN0_WB		BIT(10)
#define TCR_SH0_INNER		(3UL << 12)
#define TCR_EPD1		BIT(23)		/* no TTBR1 walks */
#define TCR_TBI0		BIT(37)		/* the tag rides in the top byte */
#define TCR_VALUE		(TCR_T0SZ | TCR_IRGN0_WB | TCR_ORGN0_WB | \
				 TCR_SH0_INNER | TCR_EPD1 | TCR_TBI0)
#define SCTLR_M			BIT(0)		/* MMU on */
#define SCTLR_C			BIT(2)		/* data cacheable */
#define SCTLR_I			BIT(12)		/* instructions cacheable */
#define SCTLR_ATA		BIT(43)		/* EL1 may access tags */
#define SCTLR_VALUE		(SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_ATA)
/* Level-1 block descriptors: 1 GiB each. */
#define PTE_BLOCK		BIT(0)
#define PTE_AF			BIT(10)		/* no access flag faults */
#define PTE_SH_INNER		(3UL << 8)
#define PTE_PXN			BIT(53)
#define PTE_UXN			BIT(54)
#define PTE_ATTR(idx)		((unsigned long)(idx) << 2)
#define PTE_DEVICE		(PTE_BLOCK | PTE_AF | PTE_ATTR(MAIR_DEVICE_IDX) | \
				 PTE_PXN | PTE_UXN)
#define PTE_TAGGED		(PTE_BLOCK | PTE_AF | PTE_ATTR(MAIR_TAGGED_IDX) | \
				 PTE_SH_INNER | PTE_UXN)

/* A vCPU that runs longer than this is stuck (nested TCG is slow, not that slow). */
#define GUEST_TIMEOUT_S		60

struct vm {
	int kvm, fd, vcpu;
	struct kvm_run *run;
	char *code;			/* VMM views of the guest RAM slots */
	uint8_t *tagbuf;
	char *test;
	unsigned long npages;
	unsigned long ngranules;
	size_t tagbuf_size;
	struct guest_mailbox *mb;
};

enum tag_path { PATH_GUEST, PATH_IOCTL, PATH_NR };

static const char * const path_names[PATH_NR] = { "guest", "ioctl" };

/* SIGALRM is only there to interrupt KVM_RUN: KVM_RUN then fails with EINTR. */
static void on_alarm(int sig)
{
	(void)sig;
}

/* Anonymous private memory, deliberately without PROT_MTE. */
static void *map_ram(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int add_slot(struct vm *vm, int slot, uint64_t ipa, void *mem, size_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = ipa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)mem,
	};

	return ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static int set_reg(struct vm *vm, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vm->vcpu, KVM_SET_ONE_REG, &reg);
}

#define CORE_REG(name)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(name))

/*
 * Create the VM with MTE, its RAM and one vCPU parked at the guest's entry.
 * Skips the test without KVM or without MTE in KVM, fails on anything else.
 */
static void vm_create(struct vm *vm, unsigned long npages)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };
	struct kvm_vcpu_init init;
	uint64_t *pgtable;
	unsigned long type = 0;
	int run_size;

	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		ksft_exit_skip("/dev/kvm: %s\n", strerror(errno));
	/* The layout needs 32 bits of IPA; ask for no more than that. */
	if (ioctl(vm->kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE) > 0)
		type = KVM_VM_TYPE_ARM_IPA_SIZE(GUEST_IPA_BITS);
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, type);
	if (vm->fd < 0)
		ksft_exit_fail_msg("KVM_CREATE_VM: %s\n", strerror(errno));
	if (ioctl(vm->fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_MTE) <= 0)
		ksft_exit_skip("KVM has no KVM_CAP_ARM_MTE\n");
	/* Only before the first vCPU exists. */
	if (ioctl(vm->fd, KVM_ENABLE_CAP, &cap))
		ksft_exit_fail_msg("KVM_ENABLE_CAP(KVM_CAP_ARM_MTE): %s\n", strerror(errno));

	vm->npages = npages;
	vm->ngranules = npages * mte_granules_per_page();
	vm->tagbuf_size = (vm->ngranules + mte_page_size() - 1) & ~(mte_page_size() - 1);
	vm->code = map_ram(CODE_SIZE);
	vm->tagbuf = map_ram(vm->tagbuf_size);
	vm->test = map_ram(npages * mte_page_size());
	if (!vm->code || !vm->tagbuf || !vm->test)
		ksft_exit_fail_msg("mmap guest RAM: %s\n", strerror(errno));
	if (add_slot(vm, 0, CODE_IPA, vm->code, CODE_SIZE) ||
	    add_slot(vm, 1, TAGBUF_IPA, vm->tagbuf, vm->tagbuf_size) ||
	    add_slot(vm, 2, TEST_IPA, vm->test, npages * mte_page_size()))
		ksft_exit_fail_msg("KVM_SET_USER_MEMORY_REGION: %s\n", strerror(errno));

	/* The guest image: code, an identity map of two 1 GiB blocks, mailbox. */
	if (guest_code_end - guest_code_start > (long)CODE_PGTABLE)
		ksft_exit_fail_msg("guest code too large\n");
	memcpy(vm->code, guest_code_start, guest_code_end - guest_code_start);
	pgtable = (uint64_t *)(vm->code + CODE_PGTABLE);
	pgtable[0] = 0x00000000UL | PTE_DEVICE;
	pgtable[1] = 0x40000000UL | PTE_TAGGED;
	vm->mb = (struct guest_mailbox *)(vm->code + CODE_MAILBOX);
	*vm->mb = (struct guest_mailbox) {
		.mmio = MMIO_IPA,
		.mair = MAIR_VALUE,
		.tcr = TCR_VALUE,
		.ttbr0 = CODE_IPA + CODE_PGTABLE,
		.sctlr = SCTLR_VALUE,
		.test = TEST_IPA,
		.ngranules = vm->ngranules,
		.tagbuf = TAGBUF_IPA,
	};

	vm->vcpu = ioctl(vm->fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		ksft_exit_fail_msg("KVM_CREATE_VCPU: %s\n", strerror(errno));
	if (ioctl(vm->fd, KVM_ARM_PREFERRED_TARGET, &init))
		ksft_exit_fail_msg("KVM_ARM_PREFERRED_TARGET: %s\n", strerror(errno));
	if (ioctl(vm->vcpu, KVM_ARM_VCPU_INIT, &init))
		ksft_exit_fail_msg("KVM_ARM_VCPU_INIT: %s\n", strerror(errno));
	run_size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(*vm->run))
		ksft_exit_fail_msg("KVM_GET_VCPU_MMAP_SIZE: %s\n", strerror(errno));
	vm->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED)
		ksft_exit_fail_msg("mmap kvm_run: %s\n", strerror(errno));
	if (set_reg(vm, CORE_REG(regs.pc), CODE_IPA + (guest_entry - guest_code_start)) ||
	    set_reg(vm, CORE_REG(regs.regs[0]), CODE_IPA + CODE_MAILBOX))
		ksft_exit_fail_msg("KVM_SET_ONE_REG: %s\n", strerror(errno));
}

/* Run the vCPU until it rings the doorbell; false on anything unexpected. */
static bool vcpu_run(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t val = 0;

	alarm(GUEST_TIMEOUT_S);
	for (;;) {
		if (ioctl(vm->vcpu, KVM_RUN, 0) < 0) {
			ksft_print_msg("KVM_RUN: %s\n", errno == EINTR ?
				       "guest stuck, timed out" : strerror(errno));
			break;
		}
		if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write ||
		    run->mmio.phys_addr != MMIO_IPA || run->mmio.len != 8) {
			ksft_print_msg("unexpected exit %u (MMIO at 0x%llx)\n",
				       run->exit_reason, (unsigned long long)run->mmio.phys_addr);
			break;
		}
		memcpy(&val, run->mmio.data, sizeof(val));
		if (val == GUEST_READY) {
			alarm(0);
			return true;
		}
		ksft_print_msg("guest exception: ESR 0x%llx FAR 0x%llx ELR 0x%llx\n",
			       (unsigned long long)vm->mb->esr,
			       (unsigned long long)vm->mb->far,
			       (unsigned long long)vm->mb->elr);
		break;
	}
	alarm(0);
	return false;
}

static bool guest_cmd(struct vm *vm, uint64_t cmd)
{
	vm->mb->cmd = cmd;
	return vcpu_run(vm);
}

static bool copy_tags(struct vm *vm, uint8_t *buf, uint64_t flags)
{
	struct kvm_arm_copy_mte_tags c = {
		.guest_ipa = TEST_IPA,
		.length = vm->npages * mte_page_size(),
		.addr = buf,
		.flags = flags,
	};
	long ret = ioctl(vm->fd, KVM_ARM_MTE_COPY_TAGS, &c);

	if (ret != (long)c.length) {
		ksft_print_msg("KVM_ARM_MTE_COPY_TAGS: %ld of %llu bytes: %s\n", ret,
			       (unsigned long long)c.length, ret < 0 ? strerror(errno) : "short");
		return false;
	}
	return true;
}

/* 64 bits of data for word @w of page @p: cheaper than a byte per mix. */
static uint64_t data_word(uint64_t seed, unsigned long p, unsigned long w)
{
	return mte_mix(seed * 31 + p * 512 + w);
}

static void fill_expected(struct vm *vm, enum mte_pattern pat, uint64_t seed, uint8_t *tags)
{
	unsigned long p, w, gpp = mte_granules_per_page();
	unsigned long wpp = mte_page_size() / sizeof(uint64_t);

	for (p = 0; p < vm->npages; p++) {
		uint64_t *data = (uint64_t *)(vm->test + p * mte_page_size());

		mte_pattern_tags(pat, seed, p, tags + p * gpp);
		for (w = 0; w < wpp; w++)
			data[w] = data_word(seed, p, w);
	}
}

/* Count wrong tags in @got and wrong 64-bit data words in guest RAM. */
static void check(struct vm *vm, const uint8_t *want, const uint8_t *got,
		  uint64_t seed, struct mte_check *c)
{
	unsigned long p, i, gpp = mte_granules_per_page();
	unsigned long wpp = mte_page_size() / sizeof(uint64_t);

	memset(c, 0, sizeof(*c));
	c->first_bad = -1;
	for (p = 0; p < vm->npages; p++) {
		const uint64_t *data = (uint64_t *)(vm->test + p * mte_page_size());
		unsigned long before = c->tag_errors + c->data_errors;

		for (i = 0; i < gpp; i++)
			c->tag_errors += got[p * gpp + i] != want[p * gpp + i];
		for (i = 0; i < wpp; i++)
			c->data_errors += data[i] != data_word(seed, p, i);
		if (c->tag_errors + c->data_errors != before) {
			c->bad_pages++;
			if (c->first_bad < 0)
				c->first_bad = p;
		}
	}
}

/* Push every guest RAM slot to swap. */
static void swap_out_guest(struct vm *vm)
{
	mte_swap_out(vm->code, CODE_SIZE / mte_page_size());
	mte_swap_out(vm->tagbuf, vm->tagbuf_size / mte_page_size());
	mte_swap_out(vm->test, vm->npages);
}

static void test_one(struct vm *vm, enum mte_pattern pat, enum tag_path path,
		     uint64_t seed, uint8_t *want, uint8_t *got)
{
	const char *name = mte_pattern_names[pat], *how = path_names[path];
	struct mte_check c, cross;
	char label[64];
	long evicted;

	fill_expected(vm, pat, seed, want);
	if (path == PATH_GUEST) {
		memcpy(vm->tagbuf, want, vm->ngranules);
		if (!guest_cmd(vm, CMD_SET_TAGS))
			goto fail;
	} else if (!copy_tags(vm, want, KVM_ARM_TAGS_TO_GUEST)) {
		goto fail;
	}

	snprintf(label, sizeof(label), "%s/%s", how, name);
	swap_out_guest(vm);
	if (!mte_evicted_enough(label, vm->test, vm->npages, &evicted)) {
		ksft_test_result_fail("%s: guest tags and data survive swap\n", label);
		return;
	}

	/* Read back first the way the tags went in, so that path faults them in. */
	memset(got, 0xff, vm->ngranules);
	if (path == PATH_GUEST) {
		if (!guest_cmd(vm, CMD_GET_TAGS))
			goto fail;
		memcpy(got, vm->tagbuf, vm->ngranules);
	} else if (!copy_tags(vm, got, KVM_ARM_TAGS_FROM_GUEST)) {
		goto fail;
	}
	check(vm, want, got, seed, &c);

	/* Then the other way: the guest's view and the VMM's must agree. */
	memset(got, 0xff, vm->ngranules);
	if (path == PATH_IOCTL) {
		if (!guest_cmd(vm, CMD_GET_TAGS))
			goto fail;
		memcpy(got, vm->tagbuf, vm->ngranules);
	} else if (!copy_tags(vm, got, KVM_ARM_TAGS_FROM_GUEST)) {
		goto fail;
	}
	check(vm, want, got, seed, &cross);

	ksft_print_msg("%s/%s: %lu pages, %ld evicted, %lu bad pages (first %ld)\n",
		       how, name, vm->npages, evicted,
		       c.bad_pages, c.first_bad);
	ksft_print_msg("%s/%s: %lu tag and %lu data word errors; the other way: %lu tag errors\n",
		       how, name, c.tag_errors, c.data_errors, cross.tag_errors);
	ksft_test_result(!c.bad_pages && !cross.tag_errors,
			 "%s/%s: guest tags and data survive swap\n", how, name);
	return;
fail:
	ksft_test_result_fail("%s/%s: guest or ioctl failed\n", how, name);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct mte_opts o = { .npages = 1024, .seed = 1 };
	uint8_t *want, *got;
	int p, path;
	struct vm vm;

	mte_parse_opts(argc, argv, &o, "n:s:p:");
	if (o.npages > TEST_MAX_PAGES || mte_page_size() != 4096) {
		fprintf(stderr, "need 1..%lu pages of 4 KiB\n", TEST_MAX_PAGES);
		return KSFT_FAIL;
	}

	ksft_print_header();
	/* No SA_RESTART: the alarm must kick a stuck vCPU out of KVM_RUN. */
	sigaction(SIGALRM, &sa, NULL);
	vm_create(&vm, o.npages);
	want = malloc(vm.ngranules);
	got = malloc(vm.ngranules);
	if (!want || !got)
		ksft_exit_fail_msg("out of memory\n");

	/* The guest sets up its MMU, then waits for commands. */
	if (!vcpu_run(&vm))
		ksft_exit_fail_msg("guest did not start\n");

	ksft_set_plan((o.pattern ? 1 : PAT_NR) * PATH_NR);
	for (p = 0; p < PAT_NR; p++)
		for (path = 0; path < PATH_NR; path++)
			if (mte_pattern_selected(&o, p))
				test_one(&vm, p, path, o.seed + p, want, got);
	ksft_finished();
}
