// SPDX-License-Identifier: GPL-2.0
/*
 * Failing tag saves lose nothing. mtetag's fault-injection attribute
 * (debugfs mtetag/fail_save) makes a given share of saves fail; a folio
 * whose tags could not be saved must stay in memory. With 10%, 50% and
 * 100% of saves failing, tagged pages are pushed to swap round after round:
 *  - every tag and byte survives;
 *  - save_failures grows by exactly the number of injected failures (read
 *    from the attribute: 'times' counts down once per injected failure);
 *  - every page that left memory had its tags saved (saves grows by at
 *    least that many), and at 100% nothing is saved and every page stays
 *    (stored_pages is only shown: slots of earlier rounds are freed
 *    meanwhile);
 * then injection is turned off and everything must swap normally again.
 * Needs an mtetag kernel with CONFIG_MTETAG_FAULT_INJECTION: skipped
 * elsewhere.
 *
 * Usage: swap_faults [-n PAGES] [-i ROUNDS] [-s SEED]
 */
#include "mte_test.h"

#define TIMES		1000000000L	/* "unlimited", and counts down */

static const char * const attrs[] = { "probability", "interval", "times", "verbose" };
#define NR_ATTRS	ARRAY_SIZE(attrs)
static long saved[NR_ATTRS];

static int attr_set(const char *name, long val)
{
	char path[128];

	snprintf(path, sizeof(path), MTETAG_FAIL_SAVE "/%s", name);
	return mte_write_long(path, val);
}

static long attr_get(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), MTETAG_FAIL_SAVE "/%s", name);
	return mte_read_long(path);
}

static void inject(long pct)
{
	attr_set("verbose", 0);
	attr_set("interval", 1);
	attr_set("times", TIMES);
	attr_set("probability", pct);
}

/*
 * One round of pushing the pages out: pageout, then reclaim of as much as
 * they are, not more: with saves failing, reclaim would retry the same
 * folios for as long as it is asked to.
 */
static void push_out(void *buf, unsigned long npages)
{
	const char *cg = mte_cgroup_dir();
	char path[700];

	madvise(buf, npages * mte_page_size(), MADV_PAGEOUT);
	if (!cg)
		return;
	snprintf(path, sizeof(path), "%s/memory.reclaim", cg);
	mte_write_long(path, npages * mte_page_size());
}

static void test_probability(long pct, const struct mte_opts *o, uint64_t seed)
{
	long f0, sp0, s0, f, sp, sv, injected, res, out;
	struct mte_check c;
	unsigned long r;
	bool ok = true;
	char name[32];
	void *buf;

	snprintf(name, sizeof(name), "%ld%% failing", pct);
	buf = mte_map_anon(o->npages);
	if (!buf)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	/* the flush reclaims the whole cgroup: before the pages are tagged */
	mte_flush_swap_slot_caches();
	f0 = mtetag_stat("save_failures");
	sp0 = mtetag_stat("stored_pages");
	s0 = mtetag_stat("saves");
	mte_fill(buf, o->npages, PAT_RANDOM, seed);
	inject(pct);
	for (r = 0; r < o->iters; r++)
		push_out(buf, o->npages);
	res = mte_resident_pages(buf, o->npages);
	attr_set("probability", 0);
	injected = TIMES - attr_get("times");
	f = mtetag_stat("save_failures") - f0;
	sp = mtetag_stat("stored_pages") - sp0;
	sv = mtetag_stat("saves") - s0;
	out = (long)o->npages - res;

	ksft_print_msg("%s: %ld injected, save_failures +%ld, saves +%ld, stored_pages %+ld\n",
		       name, injected, f, sv, sp);
	ksft_print_msg("%s: %ld of %lu pages out\n", name, out, o->npages);
	if (injected <= 0 || f != injected) {
		ksft_print_msg("%s: save_failures does not count the injected failures\n",
			       name);
		ok = false;
	}
	if (sv < out) {
		ksft_print_msg("%s: %ld pages out but only %ld saved\n", name, out, sv);
		ok = false;
	}
	if (pct == 100 && (sv != 0 || res != (long)o->npages)) {
		ksft_print_msg("%s: pages left memory although no save succeeded\n", name);
		ok = false;
	}
	mte_verify(buf, o->npages, PAT_RANDOM, seed, &c);
	mte_report(name, o->npages, out, &c);
	ok &= !c.bad_pages;
	ksft_test_result(ok, "%s: nothing lost, failed pages stay, counters agree\n", name);
	munmap(buf, o->npages * mte_page_size());
}

static void test_off(const struct mte_opts *o, uint64_t seed)
{
	long f0 = mtetag_stat("save_failures"), evicted;
	void *buf = mte_map_anon(o->npages);
	struct mte_check c;
	bool ok;

	if (!buf)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	mte_fill(buf, o->npages, PAT_HEAP, seed);
	ok = mte_swap_out_enough("off", buf, o->npages, &evicted);
	mte_verify(buf, o->npages, PAT_HEAP, seed, &c);
	mte_report("injection off", o->npages, evicted, &c);
	ok &= !c.bad_pages && mtetag_stat("save_failures") == f0;
	ksft_test_result(ok, "injection off: everything swaps and comes back\n");
	munmap(buf, o->npages * mte_page_size());
}

int main(int argc, char **argv)
{
	static const long pcts[] = { 10, 50, 100 };
	struct mte_opts o = { .npages = 512, .seed = 1, .iters = 3 };
	unsigned int i;

	mte_test_start(argc, argv, &o, 0);
	if (!mtetag_present())
		ksft_exit_skip("no %s: not an mtetag kernel\n", MTETAG_SYSFS);
	if (access(MTETAG_FAIL_SAVE "/probability", F_OK))
		ksft_exit_skip("no %s: no CONFIG_MTETAG_FAULT_INJECTION\n", MTETAG_FAIL_SAVE);
	ksft_set_plan(ARRAY_SIZE(pcts) + 1);
	for (i = 0; i < NR_ATTRS; i++)
		saved[i] = attr_get(attrs[i]);
	for (i = 0; i < ARRAY_SIZE(pcts); i++)
		test_probability(pcts[i], &o, o.seed + i);
	test_off(&o, o.seed + 10);
	for (i = 0; i < NR_ATTRS; i++)
		attr_set(attrs[i], saved[i]);
	ksft_finished();
}
