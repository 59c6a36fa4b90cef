/* SPDX-License-Identifier: GPL-2.0 */
/* Tag corpus generators and loader, see corpus.c. */
#ifndef _MTETAG_CORPUS_H
#define _MTETAG_CORPUS_H

#include <stdbool.h>
#include <stdint.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

typedef uint8_t u8;
typedef uint64_t u64;

#define CORPUS_PAGE	128
#define CORPUS_NR_TAGS	256

enum corpus_kind {
	CORPUS_ZERO,
	CORPUS_UNIFORM,
	CORPUS_RUNS_2_6,
	CORPUS_RUNS_7_16,
	CORPUS_GLIBC_SMALL,
	CORPUS_GLIBC_1K,
	CORPUS_SCUDO,
	CORPUS_RANDOM,
	CORPUS_NR_KINDS,
};

struct corpus_class {
	char name[64];
	unsigned int nr;
	u8 *pages;		/* nr * CORPUS_PAGE bytes */
};

u64 corpus_rand(u64 *state);
void corpus_set_tag(u8 *page, unsigned int i, unsigned int tag);
unsigned int corpus_tag(const u8 *page, unsigned int i);
unsigned int corpus_nr_runs(const u8 *page);
void corpus_gen_runs(u64 *s, u8 *page, unsigned int k);
/* Generated classes (@pages each, from @seed), then captured files. */
unsigned int corpus_load(struct corpus_class *cls, unsigned int max,
			 unsigned int pages, u64 seed, const char *captured);
void corpus_free(struct corpus_class *cls, unsigned int n);

#endif /* _MTETAG_CORPUS_H */
