/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace MTE helpers for the mtetag selftests: tagged mappings, per-granule
 * tag access, deterministic patterns, and pushing pages all the way out to
 * swap (not just into the swap cache, where restore never runs).
 */
#ifndef MTETAG_MTE_UTIL_H
#define MTETAG_MTE_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#ifndef PROT_MTE
#define PROT_MTE		0x20
#endif
#ifndef HWCAP2_MTE
#define HWCAP2_MTE		(1 << 18)
#endif
#ifndef PR_SET_TAGGED_ADDR_CTRL
#define PR_SET_TAGGED_ADDR_CTRL	55
#define PR_TAGGED_ADDR_ENABLE	(1UL << 0)
#endif
#ifndef PR_MTE_TCF_SYNC
#define PR_MTE_TCF_NONE		0UL
#define PR_MTE_TCF_SYNC		(1UL << 1)
#define PR_MTE_TAG_SHIFT	3
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

#define MTE_GRANULE		16UL
#define MTE_TAG_SHIFT		56

static inline unsigned long mte_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

static inline unsigned long mte_granules_per_page(void)
{
	return mte_page_size() / MTE_GRANULE;
}

static inline bool mte_supported(void)
{
	return getauxval(AT_HWCAP2) & HWCAP2_MTE;
}

/* Tagged addresses on, synchronous tag-check faults, all tags allowed. */
static inline int mte_enable(unsigned long tcf)
{
	return prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | tcf |
		     (0xffffUL << PR_MTE_TAG_SHIFT), 0, 0, 0);
}

static inline void *mte_tag_ptr(void *p, unsigned int tag)
{
	uintptr_t a = (uintptr_t)p & ~(0xfUL << MTE_TAG_SHIFT);

	return (void *)(a | ((uintptr_t)(tag & 0xf) << MTE_TAG_SHIFT));
}

static inline void mte_set_tag(void *granule, unsigned int tag)
{
	void *p = mte_tag_ptr(granule, tag);

	asm volatile(".arch armv8.5-a+memtag\n\tstg %0, [%0]" : : "r"(p) : "memory");
}

static inline unsigned int mte_get_tag(void *granule)
{
	uintptr_t p = (uintptr_t)granule;

	asm volatile(".arch armv8.5-a+memtag\n\tldg %0, [%0]" : "+r"(p) : : "memory");
	return (p >> MTE_TAG_SHIFT) & 0xf;
}

/* splitmix64: a fast, well-mixed deterministic stream per (seed, index). */
static inline uint64_t mte_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

enum mte_pattern {
	PAT_RANDOM,	/* every granule a random tag */
	PAT_ZERO,	/* all tags zero */
	PAT_UNIFORM,	/* one non-zero tag per page */
	PAT_RUNS,	/* a few runs of equal tags */
	PAT_HEAP,	/* 16-144 byte chunks, no headers, tag != neighbour */
	PAT_GLIBC,	/* glibc's layout: 16-144 byte requests, tag-0 headers */
	PAT_NR,
};

static const char * const mte_pattern_names[PAT_NR] = {
	"random", "zero", "uniform", "runs", "heap", "glibc",
};

/* The tags of page @page under @pat, deterministic in @seed. */
static inline void mte_pattern_tags(enum mte_pattern pat, uint64_t seed,
				    unsigned long page, uint8_t *tags)
{
	unsigned long n = mte_granules_per_page(), g, start, len, c;
	uint64_t h = mte_mix(seed ^ (page * 0x100000001b3ULL));
	unsigned int runs, tag, prev;

	switch (pat) {
	case PAT_RANDOM:
		for (g = 0; g < n; g++)
			tags[g] = mte_mix(h + g) & 0xf;
		break;
	case PAT_ZERO:
		memset(tags, 0, n);
		break;
	case PAT_UNIFORM:
		memset(tags, 1 + h % 15, n);
		break;
	case PAT_RUNS:
		/* 1..6 runs of pseudo-random tags */
		runs = 1 + h % 6;
		for (g = 0; g < n; g++)
			tags[g] = mte_mix(h + g / ((n + runs - 1) / runs)) & 0xf;
		break;
	case PAT_HEAP:
		/* chunks of 1..9 granules, each tag differs from its neighbour's */
		prev = 16;
		for (start = 0, c = 0; start < n; start += len, c++) {
			len = 1 + mte_mix(h + 2 * c) % 9;
			tag = mte_mix(h + 2 * c + 1) % 15;
			if (tag >= prev)
				tag++;
			for (g = start; g < start + len && g < n; g++)
				tags[g] = tag;
			prev = tag;
		}
		break;
	case PAT_GLIBC:
		/*
		 * glibc with glibc.mem.tagging: a chunk is a tag-0 header
		 * granule and the user area, a 16-144 byte request rounded up
		 * to granules. In-use areas (4 in 5) have a random non-zero
		 * tag, free ones 0. Not excluding the neighbour's tag, as
		 * glibc does not; the chunk phase varies from page to page.
		 */
		start = 0;
		g = mte_mix(h) % 10;	/* granules of a chunk cut off */
		for (c = 0; start < n; c++) {
			uint64_t r = mte_mix(h + c + 1);

			len = 1 + (16 + 8 * (r % 17) + 15) / 16;
			tag = (r >> 8) % 5 ? 1 + (r >> 16) % 15 : 0;
			for (; g < len && start < n; g++, start++)
				tags[start] = g ? tag : 0;
			g = 0;
		}
		break;
	default:
		memset(tags, 0, n);
	}
}

/* One byte of data at offset @off of page @page, deterministic in @seed. */
static inline uint8_t mte_pattern_byte(uint64_t seed, unsigned long page,
				       unsigned long off)
{
	return mte_mix(seed * 31 + page * 4096 + off) >> 56;
}

/*
 * Write tags and data of pages @first .. @first + @npages - 1 of a region at
 * @base: the pattern is a function of the page's index in the region, so a
 * part of a region can be refilled or checked on its own.
 */
static inline void mte_fill_pages(void *base, unsigned long first,
				  unsigned long npages, enum mte_pattern pat,
				  uint64_t seed)
{
	unsigned long ps = mte_page_size(), p, g, i;
	uint8_t tags[ps / MTE_GRANULE];

	for (p = first; p < first + npages; p++) {
		char *page = (char *)base + p * ps;

		mte_pattern_tags(pat, seed, p, tags);
		for (g = 0; g < ps / MTE_GRANULE; g++) {
			unsigned int tag = tags[g];
			char *gr = page + g * MTE_GRANULE;
			uint8_t *d = mte_tag_ptr(gr, tag);

			mte_set_tag(gr, tag);
			for (i = 0; i < MTE_GRANULE; i++)
				d[i] = mte_pattern_byte(seed, p, g * MTE_GRANULE + i);
		}
	}
}

/* Write tags and data of @npages pages at @base. */
static inline void mte_fill(void *base, unsigned long npages,
			    enum mte_pattern pat, uint64_t seed)
{
	mte_fill_pages(base, 0, npages, pat, seed);
}

struct mte_check {
	unsigned long tag_errors;	/* granules whose tag differs */
	unsigned long data_errors;	/* bytes that differ */
	unsigned long bad_pages;	/* pages with any error */
	long first_bad;			/* first bad page, or -1 */
};

/*
 * Check one page, index @p of a region at @base, against @pat and @seed:
 * tags with ldg (never faults) first, then data through a pointer with the
 * tag the granule really has, so a lost tag is counted, not a SIGSEGV.
 * Returns the number of tag and data errors of the page, adds them to @c.
 */
static inline unsigned long mte_verify_page(void *base, unsigned long p,
					    enum mte_pattern pat, uint64_t seed,
					    struct mte_check *c)
{
	unsigned long ps = mte_page_size(), g, i;
	unsigned long before = c->tag_errors + c->data_errors;
	char *page = (char *)base + p * ps;
	uint8_t tags[ps / MTE_GRANULE];

	mte_pattern_tags(pat, seed, p, tags);
	for (g = 0; g < ps / MTE_GRANULE; g++) {
		char *gr = page + g * MTE_GRANULE;
		unsigned int have = mte_get_tag(gr);
		uint8_t *d = mte_tag_ptr(gr, have);

		if (have != tags[g])
			c->tag_errors++;
		for (i = 0; i < MTE_GRANULE; i++)
			if (d[i] != mte_pattern_byte(seed, p, g * MTE_GRANULE + i))
				c->data_errors++;
	}
	if (c->tag_errors + c->data_errors == before)
		return 0;
	c->bad_pages++;
	if (c->first_bad < 0)
		c->first_bad = p;
	return c->tag_errors + c->data_errors - before;
}

static inline void mte_check_init(struct mte_check *c)
{
	memset(c, 0, sizeof(*c));
	c->first_bad = -1;
}

/* Check pages @first .. @first + @npages - 1 of a region at @base; adds to @c. */
static inline void mte_verify_pages(void *base, unsigned long first,
				    unsigned long npages, enum mte_pattern pat,
				    uint64_t seed, struct mte_check *c)
{
	unsigned long p;

	for (p = first; p < first + npages; p++)
		mte_verify_page(base, p, pat, seed, c);
}

/*
 * Check tags with ldg (never faults) first, then data through a pointer with
 * the tag the page really has, so a lost tag is counted, not a SIGSEGV.
 */
static inline void mte_verify(void *base, unsigned long npages,
			      enum mte_pattern pat, uint64_t seed,
			      struct mte_check *c)
{
	mte_check_init(c);
	mte_verify_pages(base, 0, npages, pat, seed, c);
}

static inline void *mte_map_anon(unsigned long npages)
{
	void *p = mmap(NULL, npages * mte_page_size(), PROT_READ | PROT_WRITE | PROT_MTE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Pages of [base, base + npages) in memory, swap cache included. */
static inline long mte_resident_pages(void *base, unsigned long npages)
{
	unsigned char *vec = malloc(npages);
	unsigned long i;
	long n = 0;

	if (!vec || mincore(base, npages * mte_page_size(), vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < npages; i++)
		n += vec[i] & 1;
	free(vec);
	return n;
}

/* This process's cgroup v2 directory, or NULL. */
static inline const char *mte_cgroup_dir(void)
{
	static char dir[600];
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(dir, sizeof(dir), "/sys/fs/cgroup%s", line + 3);
			fclose(f);
			return dir;
		}
	}
	fclose(f);
	return NULL;
}

static inline int mte_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Push @npages at @base out to swap *and* out of the swap cache, so that the
 * next access reads the page back and the arch restore hook really runs:
 * MADV_PAGEOUT writes pages back but leaves them in the swap cache; reclaim
 * on our own cgroup then drops the clean swap-cache copies.
 * Returns the number of pages still resident afterwards.
 */
static inline long mte_swap_out(void *base, unsigned long npages)
{
	const char *cg = mte_cgroup_dir();
	char path[700];
	long res = -1;
	int i;

	madvise(base, npages * mte_page_size(), MADV_PAGEOUT);
	for (i = 0; i < 20; i++) {
		res = mte_resident_pages(base, npages);
		if (res <= 0)
			break;
		madvise(base, npages * mte_page_size(), MADV_PAGEOUT);
		if (cg) {
			snprintf(path, sizeof(path), "%s/memory.reclaim", cg);
			mte_write_file(path, "1G");
		}
	}
	return res;
}

#endif /* MTETAG_MTE_UTIL_H */
