// SPDX-License-Identifier: GPL-2.0
/*
 * Tags of shared memory survive swap: a memfd and a file in /dev/shm (tmpfs),
 * mapped MAP_SHARED with PROT_MTE. Shmem swaps through its own path
 * (shmem_writepage() out, shmem_swapin_folio() in, the swap entry kept in
 * the file's page cache rather than in a page table), so each case checks:
 *  - through the mapping that tagged the pages;
 *  - through a second mapping of the same file, after the pages went out
 *    again (the tags belong to the page, not to a mapping);
 *  - after unmapping every mapping while the pages are out and mapping the
 *    file afresh (no page table holds the swap entries any more).
 *
 * Usage: swap_shmem [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

#include <sys/stat.h>

#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC	0x0001U
#endif

static void *map_shared(int fd, unsigned long npages)
{
	void *p = mmap(NULL, npages * mte_page_size(), PROT_READ | PROT_WRITE | PROT_MTE,
		       MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Swap the file's pages out through @map and check them through @check. */
static void swap_and_check(const char *what, const char *how, void *map,
			   void *check, unsigned long npages, uint64_t seed)
{
	struct mte_check c;
	char name[128];
	long evicted;

	snprintf(name, sizeof(name), "%s %s", what, how);
	if (map && !mte_swap_out_enough(name, map, npages, &evicted)) {
		ksft_test_result_fail("%s: pages did not leave memory\n", name);
		return;
	}
	if (!map) {	/* nothing mapped: the caller swapped them out */
		if (!mte_evicted_enough(name, check, npages, &evicted)) {
			ksft_test_result_fail("%s: pages did not stay out\n", name);
			return;
		}
	}
	mte_verify(check, npages, PAT_RANDOM, seed, &c);
	mte_report(name, npages, evicted, &c);
	ksft_test_result(!c.bad_pages, "%s: tags and data survive swap\n", name);
}

static void test_file(const char *what, int fd, unsigned long npages, uint64_t seed)
{
	unsigned long len = npages * mte_page_size();
	long evicted;
	void *a, *b;

	if (ftruncate(fd, len)) {
		ksft_test_result_fail("%s: ftruncate: %s\n", what, strerror(errno));
		ksft_test_result_skip("%s: second mapping\n", what);
		ksft_test_result_skip("%s: unmapped while out\n", what);
		return;
	}
	a = map_shared(fd, npages);
	b = map_shared(fd, npages);
	if (!a || !b) {
		ksft_test_result_fail("%s: mmap(MAP_SHARED, PROT_MTE): %s\n", what,
				      strerror(errno));
		ksft_test_result_skip("%s: second mapping\n", what);
		ksft_test_result_skip("%s: unmapped while out\n", what);
		return;
	}
	mte_fill(a, npages, PAT_RANDOM, seed);
	swap_and_check(what, "same mapping", a, a, npages, seed);
	swap_and_check(what, "second mapping", a, b, npages, seed);

	/*
	 * Out with no mapping left at all, then in through a new one. The
	 * pages came in through @b: page them out through it.
	 */
	mte_swap_out(b, npages);
	mte_swap_out_enough(what, a, npages, &evicted);
	munmap(a, len);
	munmap(b, len);
	a = map_shared(fd, npages);
	if (!a) {
		ksft_test_result_fail("%s: mmap again: %s\n", what, strerror(errno));
		return;
	}
	swap_and_check(what, "unmapped while out", NULL, a, npages, seed);
	munmap(a, len);
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 1024, .seed = 1 };
	char path[64];
	int fd;

	mte_test_start(argc, argv, &o, 6);

	fd = memfd_create("mtetag-swap", MFD_CLOEXEC);
	if (fd < 0) {
		ksft_test_result_fail("memfd_create: %s\n", strerror(errno));
		ksft_test_result_skip("memfd: second mapping\n");
		ksft_test_result_skip("memfd: unmapped while out\n");
	} else {
		test_file("memfd", fd, o.npages, o.seed);
		close(fd);
	}

	snprintf(path, sizeof(path), "/dev/shm/mtetag-swap.%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		ksft_test_result_skip("/dev/shm: %s: %s\n", path, strerror(errno));
		ksft_test_result_skip("/dev/shm: second mapping\n");
		ksft_test_result_skip("/dev/shm: unmapped while out\n");
	} else {
		unlink(path);
		test_file("/dev/shm", fd, o.npages, o.seed + 1);
		close(fd);
	}
	ksft_finished();
}
