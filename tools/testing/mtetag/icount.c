// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 instruction counts of the codecs, for icount.sh (not a test).
 *
 * Built for aarch64 and run under user-mode QEMU, which icount.sh asks to
 * log every instruction it executes: the difference between a run that
 * does nothing and one that does OP on N pages is OP's count, without the
 * corpus generation around it. The store calls the codecs in these three
 * ways:
 *
 *   quick   mtetag_encode_quick(AUTO): swap-out
 *   encode  mtetag_encode(AUTO): the compression worker
 *   restore what swap-in does to the result before it writes the tags:
 *           nothing for a page of one tag (constant tags) or a raw blob,
 *           else the decoder, into an on-stack buffer
 *
 * Usage: icount CLASS-INDEX OP N [POLICY]   (OP: quick, encode or restore;
 *                                             POLICY: a codec name, auto)
 *        icount -l                            list the classes
 */
#include <string.h>

#include "codecs.c"
#include "corpus/corpus.h"

#define PAGES	64

enum { OP_QUICK, OP_ENCODE, OP_RESTORE };
static const char * const ops[] = { "quick", "encode", "restore" };

static struct mtetag_enc encs[PAGES];

int main(int argc, char **argv)
{
	struct corpus_class cls[CORPUS_NR_KINDS];
	unsigned int nr = corpus_load(cls, CORPUS_NR_KINDS, PAGES, 1, NULL);
	enum mtetag_codec policy = MTETAG_CODEC_AUTO;
	unsigned int k, n, i, pages, mode;
	u8 out[MTETAG_RAW_SIZE];
	unsigned long sum = 0;
	const u8 *pg, *src;

	if (argc == 2 && !strcmp(argv[1], "-l")) {
		for (k = 0; k < nr; k++)
			printf("%u %s\n", k, cls[k].name);
		return 0;
	}
	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: icount CLASS-INDEX quick|encode|restore N [POLICY]\n");
		return 2;
	}
	if (argc == 5) {
		for (policy = 0; policy <= MTETAG_CODEC_AUTO; policy++)
			if (!strcmp(argv[4], mtetag_codec_names[policy]))
				break;
		if (policy > MTETAG_CODEC_AUTO) {
			fprintf(stderr, "icount: unknown policy %s\n", argv[4]);
			return 2;
		}
	}
	k = atoi(argv[1]);
	n = atoi(argv[3]);
	if (k >= nr) {
		fprintf(stderr, "icount: no class %u\n", k);
		return 2;
	}
	pages = cls[k].nr < PAGES ? cls[k].nr : PAGES;
	/* What restore reads: the worker's results, made before counting. */
	for (i = 0; i < pages; i++)
		mtetag_encode(policy, cls[k].pages + i * CORPUS_PAGE, &encs[i]);

	for (mode = 0; mode < ARRAY_SIZE(ops); mode++)
		if (!strcmp(argv[2], ops[mode]))
			break;
	if (mode == ARRAY_SIZE(ops)) {
		fprintf(stderr, "icount: unknown op %s\n", argv[2]);
		return 2;
	}
	for (i = 0; i < n; i++) {
		const struct mtetag_enc *e = &encs[i % pages];
		struct mtetag_enc enc;

		pg = cls[k].pages + (i % pages) * CORPUS_PAGE;
		switch (mode) {
		case OP_QUICK:
			sum += mtetag_encode_quick(policy, pg, &enc);
			break;
		case OP_ENCODE:
			mtetag_encode(policy, pg, &enc);
			sum += enc.len;
			break;
		default:
			/* Constant tags and raw blobs are written as they are. */
			src = e->is_inline ? mtetag_inline_uniform(e->value) :
					     NULL;
			if (src || e->codec == MTETAG_CODEC_RAW)
				break;
			if (e->is_inline)
				mtetag_decode_inline(e->value, out);
			else
				mtetag_decode(e->codec, e->buf, e->len, out);
			sum += out[i % MTETAG_RAW_SIZE];
		}
	}
	/* Keeps the loop's results alive. */
	printf("%lu\n", sum);
	return 0;
}
