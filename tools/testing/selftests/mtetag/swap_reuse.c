// SPDX-License-Identifier: GPL-2.0
/*
 * Reused swap slots never carry the tags of their last user. A small swap
 * device of our own (a hot-added zram of 4 MiB, 1023 slots, at the highest
 * priority, so every swap-out lands there) forces reuse: in each cycle
 *  1. tagged region A goes out, then is unmapped (its slots freed);
 *  2. tagged region B, other tags, goes out into A's slots: it must come
 *     back with B's tags, never A's;
 *  3. B is unmapped; untagged region C (no PROT_MTE) goes out into the same
 *     slots and is made PROT_MTE while out: its pages were never tagged, so
 *     every tag must read 0 (a stale tag restored from a slot would show).
 * A and B together are more than the device holds, so B reuses at least
 * that many of A's slots; /proc/swaps shows what the device holds.
 *
 * Usage: swap_reuse [-n PAGES] [-i CYCLES] [-s SEED]
 */
#include "mte_test.h"

#define ZRAM_CONTROL	"/sys/class/zram-control"
#define SMALL_SWAP	"4M"
#define SMALL_SLOTS	1023		/* 4 MiB of 4K pages, less the header */

static char dev[64];
static int zram_id = -1;

static long dev_used_pages(void)
{
	struct mte_swapdev d[32];
	int i, n = mte_swap_devices(d, 32);

	for (i = 0; i < n; i++)
		if (!strcmp(d[i].path, dev))
			return d[i].used_kb * 1024 / (long)mte_page_size();
	return -1;
}

/* A zram swap device of our own above every other; false if none. */
static bool small_swap_on(void)
{
	char path[128], cmd[128];

	zram_id = mte_read_long(ZRAM_CONTROL "/hot_add");
	if (zram_id < 0)
		return false;
	snprintf(dev, sizeof(dev), "/dev/zram%d", zram_id);
	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", zram_id);
	snprintf(cmd, sizeof(cmd), "mkswap %s >/dev/null", dev);
	if (mte_write_file(path, SMALL_SWAP) || system(cmd) ||
	    swapon(dev, SWAP_FLAG_PREFER | 32767)) {
		ksft_print_msg("%s: setup failed: %s\n", dev, strerror(errno));
		return false;
	}
	return true;
}

static void small_swap_off(void)
{
	char buf[16];

	if (zram_id < 0)
		return;
	if (swapoff(dev))
		ksft_print_msg("swapoff %s: %s\n", dev, strerror(errno));
	snprintf(buf, sizeof(buf), "%d", zram_id);
	mte_write_file(ZRAM_CONTROL "/hot_remove", buf);
}

static void *map(unsigned long npages, int prot)
{
	void *p = mmap(NULL, npages * mte_page_size(), prot,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Untagged data only: the same bytes as mte_fill() writes, no stg. */
static void fill_untagged(char *buf, unsigned long npages, uint64_t seed)
{
	unsigned long ps = mte_page_size(), p, i;

	for (p = 0; p < npages; p++)
		for (i = 0; i < ps; i++)
			buf[p * ps + i] = mte_pattern_byte(seed, p, i);
}

static bool cycle(unsigned long n, uint64_t seed, bool *reuse_shown)
{
	unsigned long ps = mte_page_size(), len = n * ps;
	long evicted, used_a, used_b;
	struct mte_check c;
	char *a, *b, *u;
	bool ok = true;

	a = mte_map_anon(n);
	b = mte_map_anon(n);
	u = map(n, PROT_READ | PROT_WRITE);
	if (!a || !b || !u)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));

	mte_fill(a, n, PAT_RANDOM, seed);
	ok &= mte_swap_out_enough("A", a, n, &evicted);
	used_a = dev_used_pages();
	munmap(a, len);
	mte_flush_swap_slot_caches();

	mte_fill(b, n, PAT_HEAP, seed + 1);
	ok &= mte_swap_out_enough("B", b, n, &evicted);
	used_b = dev_used_pages();
	if (used_a >= 0 && used_b >= 0 && !*reuse_shown) {
		ksft_print_msg("A used %ld, then B %ld of the %d slots: at least %ld reused\n",
			       used_a, used_b, SMALL_SLOTS, used_a + used_b - SMALL_SLOTS);
		*reuse_shown = true;
	}
	mte_verify(b, n, PAT_HEAP, seed + 1, &c);
	mte_report("B in A's slots", n, evicted, &c);
	ok &= !c.bad_pages;
	munmap(b, len);
	mte_flush_swap_slot_caches();

	fill_untagged(u, n, seed + 2);
	ok &= mte_swap_out_enough("untagged", u, n, &evicted);
	if (mprotect(u, len, PROT_READ | PROT_WRITE | PROT_MTE))
		ksft_exit_fail_msg("mprotect(PROT_MTE): %s\n", strerror(errno));
	ok &= mte_evicted_enough("untagged", u, n, &evicted);
	mte_verify(u, n, PAT_ZERO, seed + 2, &c);
	mte_report("untagged in tagged slots", n, evicted, &c);
	ok &= !c.bad_pages;
	munmap(u, len);
	mte_flush_swap_slot_caches();
	return ok;
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 700, .seed = 1, .iters = 2 };
	bool ok = true, own, shown = false;
	unsigned long i;

	mte_test_start(argc, argv, &o, 1);
	own = small_swap_on();
	if (!own)
		ksft_print_msg("no zram of our own: slots reused only as the system swap allows\n");
	else if (o.npages > SMALL_SLOTS - 2 * MTE_SLOT_FLUSH_PAGES)
		o.npages = SMALL_SLOTS - 2 * MTE_SLOT_FLUSH_PAGES;
	for (i = 0; i < o.iters; i++)
		ok &= cycle(o.npages, o.seed + 10 * i, &shown);
	small_swap_off();
	ksft_test_result(ok, "reused slots carry no tags of their last user (%lu cycles)\n",
			 o.iters);
	ksft_finished();
}
