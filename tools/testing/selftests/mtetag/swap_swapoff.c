// SPDX-License-Identifier: GPL-2.0
/*
 * swapoff brings every swapped-out tagged page back with its tags
 * (unuse_pte() restores them), and leaves nothing stored: tagged pages of
 * two patterns go out, every active swap device is turned off, every page
 * must be resident again with its tags and data; on an mtetag kernel the
 * store must then hold nothing (stored_pages and stored_bytes 0). The
 * devices are turned on again with their priorities, and a last round
 * checks that swap and the tag store work after swapon.
 *
 * Usage: swap_swapoff [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

#define MAX_DEVS	8

int main(int argc, char **argv)
{
	static const enum mte_pattern pats[] = { PAT_RANDOM, PAT_HEAP };
	struct mte_opts o = { .npages = 1024, .seed = 1 };
	struct mte_swapdev devs[MAX_DEVS];
	bool mtetag = mtetag_present(), ok = true, back = true;
	unsigned long i, n;
	long evicted, res;
	int ndev, d;
	void *buf[2];

	mte_test_start(argc, argv, &o, 4);
	n = o.npages;
	ndev = mte_swap_devices(devs, MAX_DEVS);
	if (ndev <= 0)
		ksft_exit_skip("no active swap device\n");

	for (i = 0; i < 2; i++) {
		buf[i] = mte_map_anon(n);
		if (!buf[i])
			ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
		mte_fill(buf[i], n, pats[i], o.seed + i);
		ok &= mte_swap_out_enough(mte_pattern_names[pats[i]], buf[i], n, &evicted);
	}
	if (mtetag)
		ksft_print_msg("before swapoff: stored_pages %ld, stored_bytes %ld\n",
			       mtetag_stat("stored_pages"), mtetag_stat("stored_bytes"));

	for (d = 0; d < ndev; d++) {
		if (swapoff(devs[d].path)) {
			ksft_print_msg("swapoff %s: %s\n", devs[d].path, strerror(errno));
			ok = false;
		}
	}
	for (i = 0; i < 2; i++) {
		res = mte_resident_pages(buf[i], n);
		if (res != (long)n) {
			ksft_print_msg("%s: only %ld of %lu pages back after swapoff\n",
				       mte_pattern_names[pats[i]], res, n);
			ok = false;
		}
	}
	if (mtetag) {
		long sp = mtetag_stat("stored_pages"), sb = mtetag_stat("stored_bytes");

		ksft_print_msg("after swapoff: stored_pages %ld, stored_bytes %ld\n", sp, sb);
		ksft_test_result(!sp && !sb, "mtetag stores nothing after swapoff\n");
	} else {
		ksft_test_result_skip("mtetag stores nothing after swapoff: no %s\n",
				      MTETAG_SYSFS);
	}
	for (i = 0; i < 2; i++) {
		struct mte_check c;

		mte_verify(buf[i], n, pats[i], o.seed + i, &c);
		mte_report(mte_pattern_names[pats[i]], n, n, &c);
		ok &= !c.bad_pages;
	}
	ksft_test_result(ok, "swapoff brings every page back with its tags\n");

	for (d = 0; d < ndev; d++) {
		if (mte_swapon(devs[d].path, devs[d].prio)) {
			ksft_print_msg("swapon %s: %s\n", devs[d].path, strerror(errno));
			back = false;
		}
	}
	ksft_test_result(back, "swap devices on again\n");

	ok = back;
	for (i = 0; i < 2 && back; i++) {
		struct mte_check c;

		mte_fill(buf[i], n, pats[i], o.seed + 10 + i);
		ok &= mte_swap_out_enough(mte_pattern_names[pats[i]], buf[i], n, &evicted);
		mte_verify(buf[i], n, pats[i], o.seed + 10 + i, &c);
		mte_report(mte_pattern_names[pats[i]], n, evicted, &c);
		ok &= !c.bad_pages;
	}
	ksft_test_result(ok, "tags survive swap after swapon\n");
	ksft_finished();
}
