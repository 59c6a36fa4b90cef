// SPDX-License-Identifier: GPL-2.0
/*
 * Tag corpus for the mtetag codec tests and benchmark: deterministic
 * generators of page classes, plus any captured pages found as
 * corpus/captured/ *.tags files (concatenated 128-byte raw tag pages).
 *
 * Assumptions, from reading the allocators (not measured on hardware):
 *
 * glibc (2.36, GLIBC_TUNABLES=glibc.mem.tagging=3): a chunk is a 16-byte
 * header granule followed by the user area; with tagging on, a request is
 * rounded up to the 16-byte granule and the chunk is that plus the header,
 * so a request of r bytes spans 1 + ceil(r / 16) granules. malloc() tags the
 * user area with a random tag from irg, excluding 0 (the tag glibc keeps for
 * its own memory); headers, free chunks and the top chunk are tag 0, as
 * free() retags the user area to 0. glibc itself does not exclude the tag
 * of the neighbouring chunk (the tag-0 header separates them anyway); the
 * generator excludes it, as the mtetag brief describes, which changes the
 * entropy by log2(15/14) bits per chunk at most.
 *
 * Scudo: each size class is carved into equal blocks from a region base;
 * a block's tag is random with the parity of its index (odd/even exclusion
 * so neighbours always differ), and 0 is not used for live blocks. The
 * chunk header granule is assumed to carry the block's tag (one run per
 * block).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"

u64 corpus_rand(u64 *state)
{
	/* splitmix64: small, and the same sequence on every host */
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd(u64 *s, unsigned int n)
{
	return corpus_rand(s) % n;
}

void corpus_set_tag(u8 *page, unsigned int i, unsigned int tag)
{
	unsigned int shift = (i & 1) * 4;

	page[i / 2] = (page[i / 2] & ~(0xf << shift)) | (tag << shift);
}

unsigned int corpus_tag(const u8 *page, unsigned int i)
{
	return (page[i / 2] >> ((i & 1) * 4)) & 0xf;
}

unsigned int corpus_nr_runs(const u8 *page)
{
	unsigned int i, n = 1;

	for (i = 1; i < CORPUS_NR_TAGS; i++)
		n += corpus_tag(page, i) != corpus_tag(page, i - 1);
	return n;
}

/* Tag different from @not (pass 16 for "any"), among 0..15 or 1..15. */
static unsigned int rnd_tag(u64 *s, unsigned int not, bool nonzero)
{
	unsigned int t;

	do
		t = rnd(s, 16);
	while (t == not || (nonzero && !t));
	return t;
}

/* A page of exactly @k runs, boundaries and tags uniformly random. */
void corpus_gen_runs(u64 *s, u8 *page, unsigned int k)
{
	bool start[CORPUS_NR_TAGS] = { true };
	unsigned int i, n = 1, tag = 16;

	while (n < k) {
		i = 1 + rnd(s, CORPUS_NR_TAGS - 1);
		if (!start[i]) {
			start[i] = true;
			n++;
		}
	}
	for (i = 0; i < CORPUS_NR_TAGS; i++) {
		if (start[i])
			tag = rnd_tag(s, tag, false);
		corpus_set_tag(page, i, tag);
	}
}

/* A window of a glibc heap with requests of min..max bytes. */
static void gen_glibc(u64 *s, u8 *page, unsigned int min, unsigned int max)
{
	int pos = -(int)rnd(s, 1 + (max + 15) / 16);	/* chunk phase */
	unsigned int last = 16;
	bool top = rnd(s, 8) == 0;
	int top_at = top ? (int)rnd(s, CORPUS_NR_TAGS) : CORPUS_NR_TAGS;

	while (pos < CORPUS_NR_TAGS) {
		unsigned int req = min + 8 * rnd(s, (max - min) / 8 + 1);
		unsigned int user = (req + 15) / 16, tag = 0;
		int i;

		if (rnd(s, 5)) {	/* 80% in use */
			tag = rnd_tag(s, last, true);
			last = tag;
		}
		for (i = pos; i <= pos + (int)user && i < CORPUS_NR_TAGS; i++)
			if (i >= 0)
				corpus_set_tag(page, i, i == pos || i >= top_at ?
					       0 : tag);
		pos += 1 + user;
	}
}

static const unsigned int scudo_sizes[] = {
	32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 288, 320,
	352, 384, 448, 512, 592, 672, 768, 896, 1024,
};

static void gen_scudo(u64 *s, u8 *page)
{
	unsigned int size = scudo_sizes[rnd(s, ARRAY_SIZE(scudo_sizes))];
	unsigned int page_idx = rnd(s, 64);
	unsigned int off = page_idx * 4096 % size;	/* region base aligned */
	unsigned int block = page_idx * 4096 / size, i, tag = 0;

	for (i = 0; i < CORPUS_NR_TAGS; i++) {
		unsigned int byte = i * 16 + off;

		if (i == 0 || byte % size == 0) {
			unsigned int parity = (block + byte / size) & 1;

			do
				tag = rnd(s, 8) * 2 + parity;
			while (!tag);
		}
		corpus_set_tag(page, i, tag);
	}
}

static void gen_page(u64 *s, enum corpus_kind kind, u8 *page)
{
	unsigned int i;

	memset(page, 0, CORPUS_PAGE);
	switch (kind) {
	case CORPUS_ZERO:
		break;
	case CORPUS_UNIFORM:
		memset(page, (1 + rnd(s, 15)) * 0x11, CORPUS_PAGE);
		break;
	case CORPUS_RUNS_2_6:
		corpus_gen_runs(s, page, 2 + rnd(s, 5));
		break;
	case CORPUS_RUNS_7_16:
		corpus_gen_runs(s, page, 7 + rnd(s, 10));
		break;
	case CORPUS_GLIBC_SMALL:
		gen_glibc(s, page, 16, 144);
		break;
	case CORPUS_GLIBC_1K:
		gen_glibc(s, page, 16, 1024);
		break;
	case CORPUS_SCUDO:
		gen_scudo(s, page);
		break;
	case CORPUS_RANDOM:
		for (i = 0; i < CORPUS_PAGE; i++)
			page[i] = corpus_rand(s);
		break;
	default:
		break;
	}
}

static const char * const kind_names[CORPUS_NR_KINDS] = {
	"zero", "uniform", "runs-2-6", "runs-7-16", "glibc-16-144",
	"glibc-16-1k", "scudo", "random",
};

static int load_captured(const char *dir, struct corpus_class *cls,
			 unsigned int max)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		size_t len = strlen(de->d_name);
		char path[4096];
		long size;
		FILE *f;

		if (len < 6 || strcmp(de->d_name + len - 5, ".tags"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		size = ftell(f) / CORPUS_PAGE;
		rewind(f);
		if (size > 0) {
			cls[n].pages = malloc(size * CORPUS_PAGE);
			cls[n].nr = fread(cls[n].pages, CORPUS_PAGE, size, f);
			snprintf(cls[n].name, sizeof(cls[n].name), "cap:%.*s",
				 (int)(len - 5), de->d_name);
			n += cls[n].nr > 0;
		}
		fclose(f);
	}
	closedir(d);
	return n;
}

unsigned int corpus_load(struct corpus_class *cls, unsigned int max,
			 unsigned int pages, u64 seed, const char *captured)
{
	unsigned int k, p, n = 0;

	for (k = 0; k < CORPUS_NR_KINDS && n < max; k++, n++) {
		u64 s = seed * 1000003 + k;

		snprintf(cls[n].name, sizeof(cls[n].name), "%s", kind_names[k]);
		cls[n].nr = pages;
		cls[n].pages = malloc((size_t)pages * CORPUS_PAGE);
		for (p = 0; p < pages; p++)
			gen_page(&s, k, cls[n].pages + (size_t)p * CORPUS_PAGE);
	}
	if (captured)
		n += load_captured(captured, cls + n, max - n);
	return n;
}

void corpus_free(struct corpus_class *cls, unsigned int n)
{
	while (n--)
		free(cls[n].pages);
}
