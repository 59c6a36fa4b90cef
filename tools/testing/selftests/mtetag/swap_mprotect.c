// SPDX-License-Identifier: GPL-2.0
/*
 * Protection changes of swapped-out tagged memory:
 *  - PROT_NONE while out: mprotect must fault nothing in; back to
 *    PROT_READ | PROT_WRITE | PROT_MTE, every tag and byte is there;
 *  - swapped out while PROT_NONE, then made accessible again;
 *  - swap-in through a read-only mapping (PROT_READ | PROT_MTE), then
 *    writable again;
 *  - mprotect(PROT_READ) without PROT_MTE while out: PROT_MTE cannot be
 *    cleared by mprotect() (Documentation/arch/arm64/memory-tagging-
 *    extension.rst), so the pages come back tagged through it.
 *
 * Usage: swap_mprotect [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

#define PROT_RW_MTE	(PROT_READ | PROT_WRITE | PROT_MTE)

static bool do_mprotect(const char *name, void *buf, unsigned long npages, int prot)
{
	if (!mprotect(buf, npages * mte_page_size(), prot))
		return true;
	ksft_print_msg("%s: mprotect(%#x): %s\n", name, prot, strerror(errno));
	return false;
}

static bool verify(const char *name, void *buf, unsigned long npages,
		   long evicted, uint64_t seed)
{
	struct mte_check c;

	mte_verify(buf, npages, PAT_RANDOM, seed, &c);
	mte_report(name, npages, evicted, &c);
	return !c.bad_pages;
}

/* Pages out; @prot while out; still out after it; then @access to check. */
static void test_case(const char *name, unsigned long npages, uint64_t seed,
		      int prot_out, int prot_check, bool swap_while_protected)
{
	void *buf = mte_map_anon(npages);
	bool ok = false;
	long evicted;

	if (!buf) {
		ksft_test_result_fail("%s: mmap: %s\n", name, strerror(errno));
		return;
	}
	mte_fill(buf, npages, PAT_RANDOM, seed);
	if (swap_while_protected) {
		if (!do_mprotect(name, buf, npages, prot_out))
			goto out;
		if (!mte_swap_out_enough(name, buf, npages, &evicted))
			goto out;
	} else {
		if (!mte_swap_out_enough(name, buf, npages, &evicted))
			goto out;
		if (!do_mprotect(name, buf, npages, prot_out))
			goto out;
		/* mprotect itself must not have brought anything in */
		if (!mte_evicted_enough(name, buf, npages, &evicted))
			goto out;
	}
	if (prot_check != prot_out) {
		if (!do_mprotect(name, buf, npages, prot_check) ||
		    !mte_evicted_enough(name, buf, npages, &evicted))
			goto out;
	}
	ok = verify(name, buf, npages, evicted, seed);
	if (ok && !(prot_check & PROT_WRITE)) {
		/* in through a read-only mapping; now writable, still the same */
		ok = do_mprotect(name, buf, npages, PROT_RW_MTE) &&
		     verify(name, buf, npages, evicted, seed);
		mte_fill(buf, npages, PAT_RANDOM, seed + 1);
		ok = ok && mte_swap_out_enough(name, buf, npages, &evicted) &&
		     verify(name, buf, npages, evicted, seed + 1);
	}
out:
	ksft_test_result(ok, "%s\n", name);
	munmap(buf, npages * mte_page_size());
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 512, .seed = 1 };

	mte_test_start(argc, argv, &o, 4);
	test_case("PROT_NONE while out, then read-write", o.npages, o.seed,
		  PROT_NONE, PROT_RW_MTE, false);
	test_case("swapped out while PROT_NONE, then read-write", o.npages, o.seed + 10,
		  PROT_NONE, PROT_RW_MTE, true);
	test_case("in through PROT_READ | PROT_MTE", o.npages, o.seed + 20,
		  PROT_READ | PROT_MTE, PROT_READ | PROT_MTE, false);
	test_case("in through PROT_READ (PROT_MTE stays)", o.npages, o.seed + 30,
		  PROT_READ, PROT_READ, false);
	ksft_finished();
}
