// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag RUNS codec: a page of at most MTETAG_RUNS_MAX runs of equal tags,
 * held in one inline xarray value, so it needs no allocation at all.
 *
 * Layout of the value (bit 0 is the least significant):
 *
 *   bits  0..2   n, the number of runs minus one (0..5)
 *   bits  3..26  tags: t0 + 16 * (d1 + 15 * (d2 + 15 * (... + 15 * dn)))
 *                where di = (ti - t(i-1) - 1) mod 16, in 0..14: a run never
 *                has the tag of the run before it, so 15 choices suffice
 *   bits 27..60  run boundaries in the combinatorial number system: with
 *                s1 < s2 < ... < sn the first granules of runs 2..n+1
 *                (1..255), the rank sum(i = 1..n) C(si - 1, i), which is
 *                below C(255, n)
 *   bits 61..62  MTETAG_INLINE_FMT_RUNS (00), tells RUNS from other inline
 *                formats
 *   bit  63      0, as xa_mk_value() needs
 *
 * Six runs take 3 + 24 + 34 = 61 bits (the 2023 MTE_COMP series needed
 * 62); the exact count of pages with up to six runs would need 56.7 bits,
 * the rest is the price of fixed field positions. Seven arbitrary runs
 * would need 65.8 bits, more than a value holds. The all-zero page is n = 0,
 * tag 0, rank 0: the value 0, MTETAG_INLINE_ZERO, as it must be.
 */
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "codec.h"

#define MTETAG_RUNS_MAX		6
#define RUNS_N_SHIFT		0
#define RUNS_N_BITS		3
#define RUNS_TAGS_SHIFT		3
#define RUNS_TAGS_BITS		24
#define RUNS_RANK_SHIFT		27
#define RUNS_RANK_BITS		34
#define RUNS_USED_BITS		(RUNS_RANK_SHIFT + RUNS_RANK_BITS)

/*
 * C(x, k) for k <= 5: the product fits in 64 bits (255^5 < 2^41), and the
 * division by a constant k! compiles to a multiplication.
 */
static __always_inline unsigned long runs_binom(unsigned int x,
						unsigned int k)
{
	unsigned long r = 1;
	unsigned int i;

	if (x < k)
		return 0;
	for (i = 0; i < k; i++)
		r *= x - i;
	switch (k) {
	case 2:
		return r / 2;
	case 3:
		return r / 6;
	case 4:
		return r / 24;
	case 5:
		return r / 120;
	default:
		return r;
	}
}

/* Number of distinct tag codes for n + 1 runs: 16 * 15^n. */
static unsigned long runs_nr_tag_codes(unsigned int n)
{
	unsigned long r = 16;

	while (n--)
		r *= 15;
	return r;
}

/**
 * mtetag_runs_encode() - encode a page of few runs as an inline value
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @value: the inline value, <= MTETAG_INLINE_MAX
 *
 * Return: 0, or -E2BIG if the page has more than MTETAG_RUNS_MAX runs.
 */
int mtetag_runs_encode(const u8 *tags, unsigned long *value)
{
	unsigned int start[MTETAG_RUNS_MAX], n = 0, pos = 0, i, tag, prev;
	unsigned long map[1] = { 0 };
	unsigned long code, mult = 16, rank = 0;

	BUILD_BUG_ON(BITS_PER_LONG < 64);
	BUILD_BUG_ON(MTETAG_NR_TAGS != 256);

	/*
	 * Find the runs before coding them: the pages RUNS cannot hold (heaps
	 * of small objects, random tags) are asked at every swap-out too, and
	 * a seventh run is then all it takes to refuse them.
	 */
	while (pos < MTETAG_NR_TAGS) {
		if (n == MTETAG_RUNS_MAX)
			return -E2BIG;
		start[n++] = pos;
		pos += mtetag_run_len(tags, pos);
	}

	prev = mtetag_get_tag(tags, 0);
	code = prev;
	for (i = 1; i < n; i++) {
		tag = mtetag_get_tag(tags, start[i]);
		code += ((tag - prev - 1) & 0xf) * mult;
		mult *= 15;
		rank += runs_binom(start[i] - 1, i);
		prev = tag;
	}
	bitmap_write(map, n - 1, RUNS_N_SHIFT, RUNS_N_BITS);
	bitmap_write(map, code, RUNS_TAGS_SHIFT, RUNS_TAGS_BITS);
	bitmap_write(map, rank, RUNS_RANK_SHIFT, RUNS_RANK_BITS);
	*value = map[0];
	return 0;
}

/* Largest c in [lo, hi] with C(c, k) <= rank; C(lo, k) <= rank holds. */
static __always_inline unsigned int runs_search(unsigned long rank,
						unsigned int k,
						unsigned int lo,
						unsigned int hi)
{
	while (lo < hi) {
		unsigned int mid = (lo + hi + 1) / 2;

		if (runs_binom(mid, k) <= rank)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/*
 * runs_search() with a constant k, so that runs_binom() unrolls. Greedy
 * unranking keeps rank < C(hi + 1, k), so for k = 1 the answer is rank.
 */
static unsigned int runs_unrank(unsigned long rank, unsigned int k,
				unsigned int lo, unsigned int hi)
{
	switch (k) {
	case 1:
		return rank;
	case 2:
		return runs_search(rank, 2, lo, hi);
	case 3:
		return runs_search(rank, 3, lo, hi);
	case 4:
		return runs_search(rank, 4, lo, hi);
	default:
		return runs_search(rank, 5, lo, hi);
	}
}

/* The tags of each page of one tag, for mtetag_inline_uniform(). */
static const u8 runs_uniform[16][MTETAG_RAW_SIZE] = {
	[0] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x00 },
	[1] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x11 },
	[2] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x22 },
	[3] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x33 },
	[4] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x44 },
	[5] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x55 },
	[6] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x66 },
	[7] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x77 },
	[8] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x88 },
	[9] = { [0 ... MTETAG_RAW_SIZE - 1] = 0x99 },
	[10] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xaa },
	[11] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xbb },
	[12] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xcc },
	[13] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xdd },
	[14] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xee },
	[15] = { [0 ... MTETAG_RAW_SIZE - 1] = 0xff },
};

/**
 * mtetag_inline_uniform() - the tags of an inline value of one run
 * @value: an inline value
 *
 * The zero page and RUNS values of a single run, pages of one tag, are
 * the commonest entries: allocators tag large objects whole. Restore
 * writes them from a constant instead of decoding them.
 *
 * Return: MTETAG_RAW_SIZE bytes of tags in raw layout, all equal, if
 * @value holds one run; NULL for any other value.
 */
const u8 *mtetag_inline_uniform(unsigned long value)
{
	/* One run: n = 0, rank 0, so only the first tag may be set. */
	if (value & ~(0xfUL << RUNS_TAGS_SHIFT))
		return NULL;
	return runs_uniform[value >> RUNS_TAGS_SHIFT];
}

/**
 * mtetag_runs_decode() - decode an inline value written by the RUNS codec
 * @value: the value
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Return: 0, or -EINVAL if @value is not a canonical RUNS value.
 */
int mtetag_runs_decode(unsigned long value, u8 *tags)
{
	/* [0..n + 1] are set before they are read. */
	unsigned int start[MTETAG_RUNS_MAX + 1] __uninitialized;
	unsigned int n, i, tag, hi;
	unsigned long map[1] = { value };
	unsigned long code, rank;

	if (value >> RUNS_USED_BITS)
		return -EINVAL;
	n = bitmap_read(map, RUNS_N_SHIFT, RUNS_N_BITS);
	code = bitmap_read(map, RUNS_TAGS_SHIFT, RUNS_TAGS_BITS);
	rank = bitmap_read(map, RUNS_RANK_SHIFT, RUNS_RANK_BITS);
	if (n >= MTETAG_RUNS_MAX || code >= runs_nr_tag_codes(n) ||
	    rank >= runs_binom(MTETAG_NR_TAGS - 1, n))
		return -EINVAL;

	/* Greedy unranking yields si - 1 from the last boundary down. */
	start[0] = 0;
	start[n + 1] = MTETAG_NR_TAGS;
	hi = MTETAG_NR_TAGS - 2;
	for (i = n; i >= 1; i--) {
		unsigned int c = runs_unrank(rank, i, i - 1, hi);

		rank -= runs_binom(c, i);
		start[i] = c + 1;
		hi = c - 1;
	}

	tag = code & 0xf;
	code >>= 4;
	for (i = 0; i <= n; i++) {
		if (i) {
			tag = (tag + code % 15 + 1) & 0xf;
			code /= 15;
		}
		mtetag_fill_run(tags, start[i], start[i + 1] - start[i], tag);
	}
	return 0;
}
