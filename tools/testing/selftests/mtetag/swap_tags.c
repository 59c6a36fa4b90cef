// SPDX-License-Identifier: GPL-2.0
/*
 * Tags survive swap: fill PROT_MTE anonymous pages with per-granule tags and
 * data, push them to swap and out of the swap cache, fault them back and
 * check every tag and byte. One test per tag pattern.
 *
 * Usage: swap_tags [-n PAGES] [-s SEED] [-p PATTERN] [-x COMMAND]
 *   -p runs one pattern only; -x runs COMMAND while the pages are out (the
 *   demo uses it to show what the tag store holds at that moment).
 */
#include <inttypes.h>

#include "mte_test.h"

static const char *while_out;

static void test_pattern(enum mte_pattern pat, unsigned long npages, uint64_t seed)
{
	const char *name = mte_pattern_names[pat];
	struct mte_check c;
	long evicted;
	void *buf;

	buf = mte_map_anon(npages);
	if (!buf) {
		ksft_test_result_fail("%s: mmap(PROT_MTE): %s\n", name, strerror(errno));
		return;
	}
	mte_fill(buf, npages, pat, seed);
	mte_swap_out(buf, npages);
	if (!mte_evicted_enough(name, buf, npages, &evicted)) {
		ksft_test_result_fail("%s: tags and data survive swap\n", name);
		goto out;
	}
	if (while_out) {
		fflush(stdout);
		if (system(while_out))
			ksft_print_msg("%s: '%s' failed\n", name, while_out);
	}
	mte_verify(buf, npages, pat, seed, &c);
	mte_report(name, npages, evicted, &c);
	ksft_test_result(!c.bad_pages, "%s: tags and data survive swap\n", name);
out:
	munmap(buf, npages * mte_page_size());
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 4096, .seed = 1 };
	int p;

	mte_parse_opts(argc, argv, &o, "n:s:p:x:");
	while_out = o.exec;
	mte_test_begin(&o, o.pattern ? 1 : PAT_NR);
	for (p = 0; p < PAT_NR; p++)
		if (mte_pattern_selected(&o, p))
			test_pattern(p, o.npages, o.seed + p);
	ksft_finished();
}
