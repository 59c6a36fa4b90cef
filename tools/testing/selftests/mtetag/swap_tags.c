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
#include <getopt.h>
#include <inttypes.h>

#include "../kselftest.h"
#include "mte_util.h"

/* At least this share of the pages must have left memory for a valid test. */
#define MIN_EVICTED_PCT	90

static const char *while_out;

static void test_pattern(enum mte_pattern pat, unsigned long npages, uint64_t seed)
{
	const char *name = mte_pattern_names[pat];
	struct mte_check c;
	long resident;
	void *buf;

	buf = mte_map_anon(npages);
	if (!buf) {
		ksft_test_result_fail("%s: mmap(PROT_MTE): %s\n", name, strerror(errno));
		return;
	}
	mte_fill(buf, npages, pat, seed);
	resident = mte_swap_out(buf, npages);
	if (resident < 0 || resident * 100 > (long)npages * (100 - MIN_EVICTED_PCT)) {
		ksft_test_result_fail("%s: only %ld of %lu pages left memory\n",
				      name, (long)npages - resident, npages);
		goto out;
	}
	if (while_out) {
		fflush(stdout);
		if (system(while_out))
			ksft_print_msg("%s: '%s' failed\n", name, while_out);
	}
	mte_verify(buf, npages, pat, seed, &c);
	ksft_print_msg("%s: %lu pages, %ld evicted, %lu bad pages, %lu tag and %lu data errors\n",
		       name, npages, (long)npages - resident, c.bad_pages,
		       c.tag_errors, c.data_errors);
	ksft_test_result(!c.bad_pages, "%s: tags and data survive swap\n", name);
out:
	munmap(buf, npages * mte_page_size());
}

int main(int argc, char **argv)
{
	unsigned long npages = 4096;
	uint64_t seed = 1;
	int opt, p, only = -1;

	while ((opt = getopt(argc, argv, "n:s:p:x:")) != -1) {
		switch (opt) {
		case 'n':
			npages = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			for (p = 0; p < PAT_NR; p++)
				if (!strcmp(optarg, mte_pattern_names[p]))
					only = p;
			if (only < 0) {
				fprintf(stderr, "unknown pattern '%s'\n", optarg);
				return KSFT_FAIL;
			}
			break;
		case 'x':
			while_out = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n PAGES] [-s SEED] [-p PATTERN] [-x COMMAND]\n",
				argv[0]);
			return KSFT_FAIL;
		}
	}

	ksft_print_header();
	if (!mte_supported())
		ksft_exit_skip("no MTE on this CPU\n");
	if (mte_enable(PR_MTE_TCF_SYNC))
		ksft_exit_fail_msg("PR_SET_TAGGED_ADDR_CTRL: %s\n", strerror(errno));
	ksft_set_plan(only < 0 ? PAT_NR : 1);
	for (p = 0; p < PAT_NR; p++)
		if (only < 0 || only == p)
			test_pattern(p, npages, seed + p);
	ksft_finished();
}
