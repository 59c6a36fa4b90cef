// SPDX-License-Identifier: GPL-2.0
/*
 * Tags of multi-size THP folios survive swap. For each of 16K, 64K and the
 * PMD size 2M, turn that size on ("madvise", every other size "never": a
 * PMD-sized range would otherwise get a 2M THP), fault PROT_MTE
 * anonymous memory with MADV_HUGEPAGE in as large folios, tag every granule,
 * swap it out and out of the swap cache, and check every tag and byte.
 * Large folios are written to swap whole where the device can take them
 * (zram; a rotational disk splits them) and, on 6.12, read back whole from
 * synchronous devices (zram), so both the save and the restore of a folio of
 * several pages run. The size's stats say whether large folios were really
 * used; where a stat is missing that sub-check is skipped.
 *
 * Usage: swap_mthp [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

#define THP_DIR		"/sys/kernel/mm/transparent_hugepage"

static const unsigned int sizes_kb[] = { 16, 64, 2048 };
#define NR_SIZES	ARRAY_SIZE(sizes_kb)

/* Every hugepages-*kB size up to PMD, with its setting at start. */
struct thp_size {
	unsigned int kb;
	char old[32];
};

static struct thp_size all_sizes[16];
static int nr_all_sizes;

static long thp_stat(unsigned int kb, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), THP_DIR "/hugepages-%ukB/stats/%s", kb, name);
	return mte_read_long(path);
}

static int thp_set(unsigned int kb, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), THP_DIR "/hugepages-%ukB/enabled", kb);
	return mte_write_file(path, val);
}

/* "always [madvise] never" -> "madvise" */
static void thp_read_setting(unsigned int kb, char *out, size_t len)
{
	char path[256], buf[128], *l, *r;
	FILE *f;

	out[0] = 0;
	snprintf(path, sizeof(path), THP_DIR "/hugepages-%ukB/enabled", kb);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f)) {
		l = strchr(buf, '[');
		r = l ? strchr(l, ']') : NULL;
		if (l && r) {
			*r = 0;
			snprintf(out, len, "%s", l + 1);
		}
	}
	fclose(f);
}

static void thp_save_all(void)
{
	unsigned int kb;

	for (kb = 8; kb <= 2048 && nr_all_sizes < 16; kb *= 2) {
		char path[256];

		snprintf(path, sizeof(path), THP_DIR "/hugepages-%ukB", kb);
		if (access(path, F_OK))
			continue;
		all_sizes[nr_all_sizes].kb = kb;
		thp_read_setting(kb, all_sizes[nr_all_sizes].old,
				 sizeof(all_sizes[0].old));
		nr_all_sizes++;
	}
}

static void thp_restore_all(void)
{
	int i;

	for (i = 0; i < nr_all_sizes; i++)
		if (all_sizes[i].old[0])
			thp_set(all_sizes[i].kb, all_sizes[i].old);
}

/* Only @kb on, in madvise mode. */
static int thp_only(unsigned int kb)
{
	int i;

	for (i = 0; i < nr_all_sizes; i++)
		if (all_sizes[i].kb != kb)
			thp_set(all_sizes[i].kb, "never");
	return thp_set(kb, "madvise");
}

static void test_size(unsigned int kb, const struct mte_opts *o, enum mte_pattern pat)
{
	unsigned long fpages = kb * 1024 / mte_page_size();
	unsigned long npages = (o->npages + fpages - 1) / fpages * fpages;
	unsigned long nfolios = npages / fpages;
	long alloc0, alloc, out0, out, fb0, fb, ffb0, ffb, evicted = 0;
	const char *pname = mte_pattern_names[pat];
	struct mte_check c;
	char name[64];
	void *buf;
	int ret;

	snprintf(name, sizeof(name), "%ukB %s", kb, pname);
	ret = thp_only(kb);
	if (ret) {
		ksft_test_result_skip("%s: cannot enable %ukB mTHP: %s\n", name, kb,
				      strerror(-ret));
		ksft_test_result_skip("%s: large folios used\n", name);
		return;
	}
	buf = mte_map_anon_aligned(npages, kb * 1024);
	if (!buf) {
		ksft_test_result_fail("%s: mmap(PROT_MTE): %s\n", name, strerror(errno));
		ksft_test_result_skip("%s: large folios used\n", name);
		return;
	}
	if (madvise(buf, npages * mte_page_size(), MADV_HUGEPAGE))
		ksft_print_msg("%s: MADV_HUGEPAGE: %s\n", name, strerror(errno));

	alloc0 = thp_stat(kb, "anon_fault_alloc");
	out0 = thp_stat(kb, "swpout");
	fb0 = thp_stat(kb, "swpout_fallback");
	ffb0 = thp_stat(kb, "anon_fault_fallback");
	mte_fill(buf, npages, pat, o->seed + kb);
	alloc = thp_stat(kb, "anon_fault_alloc") - alloc0;
	ffb = thp_stat(kb, "anon_fault_fallback") - ffb0;

	if (!mte_swap_out_enough(name, buf, npages, &evicted)) {
		ksft_test_result_fail("%s: pages did not leave memory\n", name);
		goto stats;
	}
	mte_verify(buf, npages, pat, o->seed + kb, &c);
	mte_report(name, npages, evicted, &c);
	ksft_test_result(!c.bad_pages, "%s: tags and data of %ukB folios survive swap\n",
			 name, kb);
stats:
	out = thp_stat(kb, "swpout") - out0;
	fb = thp_stat(kb, "swpout_fallback") - fb0;
	if (alloc0 < 0) {
		ksft_test_result_skip("%s: large folios used: no anon_fault_alloc stat\n",
				      name);
	} else {
		ksft_print_msg("%s: %ld of %lu folios faulted in as %ukB folios (%ld fell back)\n",
			       name, alloc, nfolios, kb, ffb);
		ksft_print_msg("%s: swpout %ld, swpout_fallback %ld%s\n", name,
			       out0 < 0 ? -1 : out, fb0 < 0 ? -1 : fb,
			       out > 0 ? "" : " (no whole-folio swap-out: the device splits them)");
		ksft_test_result(alloc * 2 >= (long)nfolios,
				 "%s: large folios used\n", name);
	}
	munmap(buf, npages * mte_page_size());
}

int main(int argc, char **argv)
{
	static const enum mte_pattern pats[] = { PAT_RANDOM, PAT_HEAP };
	struct mte_opts o = { .npages = 1024, .seed = 1 };
	unsigned int i, j;

	mte_test_start(argc, argv, &o, NR_SIZES * 2 * 2);
	if (access(THP_DIR "/hugepages-16kB/enabled", F_OK) ||
	    access(THP_DIR "/hugepages-64kB/enabled", F_OK))
		ksft_exit_skip("no multi-size THP (%s/hugepages-16kB, -64kB)\n", THP_DIR);
	thp_save_all();
	for (i = 0; i < NR_SIZES; i++)
		for (j = 0; j < 2; j++)
			test_size(sizes_kb[i], &o, pats[j]);
	thp_restore_all();
	ksft_finished();
}
