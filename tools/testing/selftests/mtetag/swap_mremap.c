// SPDX-License-Identifier: GPL-2.0
/*
 * Swapped-out tagged memory that changes address or partly goes away:
 *  - mremap() moves a swapped-out range (the swap entries move with the
 *    page tables); it must stay out and come back at the new address with
 *    every tag and byte;
 *  - MADV_DONTNEED on the middle half of a swapped-out range frees those
 *    slots (and their tags); the hole is refilled with new tags, everything
 *    is swapped out again, and the old and new parts must each come back
 *    with their own tags.
 *
 * Usage: swap_mremap [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

static void test_move(unsigned long npages, uint64_t seed)
{
	unsigned long len = npages * mte_page_size();
	const char *name = "mremap move";
	void *buf, *dst, *moved;
	struct mte_check c;
	long evicted;

	buf = mte_map_anon(npages);
	/* a free place to move to, away from the old range */
	dst = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!buf || dst == MAP_FAILED) {
		ksft_test_result_fail("%s: mmap: %s\n", name, strerror(errno));
		return;
	}
	mte_fill(buf, npages, PAT_RANDOM, seed);
	if (!mte_swap_out_enough(name, buf, npages, &evicted)) {
		ksft_test_result_fail("%s: pages did not leave memory\n", name);
		munmap(buf, len);
		munmap(dst, len);
		return;
	}
	moved = mremap(buf, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (moved == MAP_FAILED) {
		ksft_test_result_fail("%s: mremap: %s\n", name, strerror(errno));
		munmap(buf, len);
		munmap(dst, len);
		return;
	}
	if (!mte_evicted_enough(name, moved, npages, &evicted)) {
		ksft_test_result_fail("%s: the move brought pages in\n", name);
		munmap(moved, len);
		return;
	}
	mte_verify(moved, npages, PAT_RANDOM, seed, &c);
	mte_report(name, npages, evicted, &c);
	ksft_test_result(!c.bad_pages, "%s: tags and data at the new address\n", name);
	munmap(moved, len);
}

static void test_dontneed(unsigned long npages, uint64_t seed)
{
	unsigned long ps = mte_page_size(), q = npages / 4, mid = npages - 2 * q;
	const char *name = "MADV_DONTNEED part";
	struct mte_check c;
	long evicted;
	char *buf;

	buf = mte_map_anon(npages);
	if (!buf) {
		ksft_test_result_fail("%s: mmap: %s\n", name, strerror(errno));
		return;
	}
	mte_fill(buf, npages, PAT_RANDOM, seed);
	if (!mte_swap_out_enough(name, buf, npages, &evicted))
		goto fail;
	if (madvise(buf + q * ps, mid * ps, MADV_DONTNEED)) {
		ksft_print_msg("%s: MADV_DONTNEED: %s\n", name, strerror(errno));
		goto fail;
	}
	/* the hole reads as new zero pages; give it tags of its own */
	mte_fill_pages(buf, q, mid, PAT_HEAP, seed + 1);
	if (!mte_swap_out_enough(name, buf, npages, &evicted))
		goto fail;
	mte_check_init(&c);
	mte_verify_pages(buf, 0, q, PAT_RANDOM, seed, &c);
	mte_verify_pages(buf, q, mid, PAT_HEAP, seed + 1, &c);
	mte_verify_pages(buf, q + mid, q, PAT_RANDOM, seed, &c);
	mte_report(name, npages, evicted, &c);
	ksft_test_result(!c.bad_pages, "%s: old and refilled parts keep their own tags\n",
			 name);
	munmap(buf, npages * ps);
	return;
fail:
	ksft_test_result_fail("%s: pages did not leave memory\n", name);
	munmap(buf, npages * ps);
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 512, .seed = 1 };

	mte_test_start(argc, argv, &o, 2);
	test_move(o.npages, o.seed);
	test_dontneed(o.npages, o.seed + 100);
	ksft_finished();
}
