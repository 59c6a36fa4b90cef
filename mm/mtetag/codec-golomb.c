// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag GOLOMB codec: pages of many runs (heaps of small objects), coded
 * for a fast decode. COMPACT codes such pages a little smaller (glibc-like
 * heaps) or much smaller (Scudo's equal blocks), but its adaptive range
 * coder spends about 50 instructions on every bit it decodes; GOLOMB reads
 * each run with one unaligned load and a few shifts. Decoding happens on
 * every swap-in, under the PTE lock, so AUTO prefers GOLOMB (codec.c).
 *
 * The payload is a bit stream, bit i being bit i % 8 of byte i / 8:
 *
 *   8 bits   the number of runs minus one
 *   2 bits   what follows a run of a non-zero tag: GOLOMB_NEXT_ANY (one
 *            bit per run tells, 1 for a zero run), GOLOMB_NEXT_ZERO (glibc:
 *            a tag-0 chunk header follows every object) or
 *            GOLOMB_NEXT_NONZERO (Scudo: no zero runs); 3 is invalid
 *   2 x 3 bits  for zero runs, then for the others: a repeat bit r and
 *            k (2 bits), the order of the exponential-Golomb code of
 *            their lengths (orders above 3 saved 0.2 bytes a page at most
 *            on the corpus, and searching them cost a third more to encode)
 *
 * then, for each run:
 *
 *   the tag: 4 bits, except for a zero run that follows a non-zero one
 *            (told by the mode or its bit); a run never has the tag of the
 *            run before it, and one that follows a zero run is never zero
 *   its length L as an exponential-Golomb code of order k of a value c:
 *            q zero bits, a one, then the low q + k bits of c + 2^k. c is
 *            L - 1 if r is 0; if r is 1, 0 means "the length of the last
 *            run of this kind" (Scudo's blocks are all alike), else L.
 *            The last run has no length: it takes the rest of the page.
 *
 * and zero bits up to the end of the last byte. The encoder picks the mode,
 * r and k for the smallest payload. The decoder checks every field, reads
 * only payload[0..len), and handles at most 256 runs.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/unaligned.h>

#include "codec.h"

#define GOLOMB_HDR_BITS		16
#define GOLOMB_NEXT_ANY		0
#define GOLOMB_NEXT_ZERO	1
#define GOLOMB_NEXT_NONZERO	2
#define GOLOMB_K_MAX		3
/* Unary part of the longest length code: 255 + 2^0 < 2^9. */
#define GOLOMB_Q_MAX		8
#define GOLOMB_NO_TAG		16

/* Bits of the exponential-Golomb code of order @k of @c. */
static __always_inline unsigned int golomb_code_bits(unsigned int c,
						     unsigned int k)
{
	return 2 * fls(c + BIT(k)) - k - 1;
}

struct golomb_writer {
	u8 *out;
	unsigned int pos;	/* bytes written */
	unsigned int nacc;	/* bits held in acc */
	u64 acc;
};

/* Append the low @n bits of @v, n <= 32. */
static void golomb_put(struct golomb_writer *w, u32 v, unsigned int n)
{
	w->acc |= (u64)v << w->nacc;
	w->nacc += n;
	while (w->nacc >= 8) {
		w->out[w->pos++] = w->acc;
		w->acc >>= 8;
		w->nacc -= 8;
	}
}

static void golomb_put_code(struct golomb_writer *w, unsigned int c,
			    unsigned int k)
{
	unsigned int x = c + BIT(k), q = fls(x) - 1 - k;

	golomb_put(w, BIT(q), q + 1);
	golomb_put(w, x & (BIT(q + k) - 1), q + k);
}

/*
 * Whether a run after one of tag @prev follows a non-zero run: only then
 * can a zero run's tag be implied, by the mode or a bit.
 */
static __always_inline bool golomb_after_nz(unsigned int prev)
{
	return prev && prev != GOLOMB_NO_TAG;
}

/* What codes the length @len of a run after @last of its kind (0: none). */
static __always_inline unsigned int golomb_len_code(unsigned int len,
						    unsigned int last,
						    bool rep)
{
	if (!rep)
		return len - 1;
	return len == last ? 0 : len;
}

/**
 * mtetag_golomb_encode() - encode a page with the GOLOMB codec
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @buf: output, room for MTETAG_BLOB_PAYLOAD_MAX bytes
 * @len: payload bytes written to @buf
 *
 * Two passes over the runs: the first sizes every choice of mode, repeat
 * bit and order, the second writes the smallest.
 *
 * Return: 0, or -E2BIG if the payload would exceed MTETAG_BLOB_PAYLOAD_MAX
 * bytes (raw is then no larger).
 */
int mtetag_golomb_encode(const u8 *tags, u8 *buf, unsigned int *len)
{
	unsigned int cost[2][2][GOLOMB_K_MAX + 1] = { };
	unsigned int rep[2] = { 0, 0 }, k[2] = { 0, 0 }, last[2] = { 0, 0 };
	unsigned int nr_runs = 0, flag_bits = 0, tag_bits = 0, code[2];
	unsigned int g, run, tag, prev = GOLOMB_NO_TAG, mode, bits, i, r, j;
	bool zero_after_nz = false, nz_after_nz = false, nz;
	struct golomb_writer w = { .out = buf };

	for (g = 0; g < MTETAG_NR_TAGS; g += run, prev = tag) {
		tag = mtetag_get_tag(tags, g);
		run = mtetag_run_len(tags, g);
		nz = tag;
		if (golomb_after_nz(prev)) {
			zero_after_nz |= !nz;
			nz_after_nz |= nz;
			flag_bits++;
		}
		/* Implied: a zero run after a non-zero one. */
		if (nz || !golomb_after_nz(prev))
			tag_bits += 4;
		if (g + run < MTETAG_NR_TAGS) {
			code[0] = golomb_len_code(run, last[nz], false);
			code[1] = golomb_len_code(run, last[nz], true);
			for (r = 0; r < 2; r++)
				for (j = 0; j <= GOLOMB_K_MAX; j++)
					cost[nz][r][j] +=
						golomb_code_bits(code[r], j);
		}
		last[nz] = run;
		nr_runs++;
	}

	if (zero_after_nz && nz_after_nz) {
		mode = GOLOMB_NEXT_ANY;
	} else {
		mode = nz_after_nz ? GOLOMB_NEXT_NONZERO : GOLOMB_NEXT_ZERO;
		flag_bits = 0;
	}
	bits = GOLOMB_HDR_BITS + flag_bits + tag_bits;
	for (i = 0; i < 2; i++) {
		for (r = 0; r < 2; r++)
			for (j = 0; j <= GOLOMB_K_MAX; j++)
				if (cost[i][r][j] < cost[i][rep[i]][k[i]]) {
					rep[i] = r;
					k[i] = j;
				}
		bits += cost[i][rep[i]][k[i]];
	}
	if (DIV_ROUND_UP(bits, 8) > MTETAG_BLOB_PAYLOAD_MAX)
		return -E2BIG;

	golomb_put(&w, nr_runs - 1, 8);
	golomb_put(&w, mode, 2);
	for (i = 0; i < 2; i++) {
		golomb_put(&w, rep[i], 1);
		golomb_put(&w, k[i], 2);
		last[i] = 0;
	}
	prev = GOLOMB_NO_TAG;
	for (g = 0; g < MTETAG_NR_TAGS; g += run, prev = tag) {
		tag = mtetag_get_tag(tags, g);
		run = mtetag_run_len(tags, g);
		nz = tag;
		if (golomb_after_nz(prev) && mode == GOLOMB_NEXT_ANY)
			golomb_put(&w, !nz, 1);
		if (nz || !golomb_after_nz(prev))
			golomb_put(&w, tag, 4);
		if (g + run < MTETAG_NR_TAGS)
			golomb_put_code(&w, golomb_len_code(run, last[nz], rep[nz]),
					k[nz]);
		last[nz] = run;
	}
	if (w.nacc)
		golomb_put(&w, 0, 8 - w.nacc);
	if (WARN_ON_ONCE(w.pos != DIV_ROUND_UP(bits, 8)))
		return -E2BIG;
	*len = w.pos;
	return 0;
}

/*
 * Read the tag of the run after one of @prev (GOLOMB_NO_TAG for the first
 * run) from @bits, the stream at *@pos. Return: the tag, or -EINVAL.
 */
static __always_inline int golomb_read_tag(u64 *bits, unsigned int *pos,
					   unsigned int mode, unsigned int prev)
{
	unsigned int tag;
	bool zero;

	if (golomb_after_nz(prev) && mode != GOLOMB_NEXT_NONZERO) {
		if (mode == GOLOMB_NEXT_ZERO)
			return 0;
		zero = *bits & 1;
		*bits >>= 1;
		(*pos)++;
		if (zero)
			return 0;
	}
	tag = *bits & 0xf;
	*bits >>= 4;
	*pos += 4;
	/* Never the tag before; never zero after a zero run. */
	if (tag == prev || (!tag && prev != GOLOMB_NO_TAG))
		return -EINVAL;
	return tag;
}

/* A decode in progress. */
struct golomb_reader {
	const u8 *in;		/* the payload, zero-padded by 8 bytes */
	u8 *tags;
	u64 acc;		/* for mtetag_put_run() */
	unsigned int pos;	/* the next bit of @in */
	unsigned int end;	/* the payload's bits */
	unsigned int g;		/* the next granule */
	/* By kind of run, 0 for zero runs: order, repeat flag, last length. */
	unsigned int k[2], last[2];
	bool rep[2];
};

/* The header's order and repeat flag of each kind of run. */
static __always_inline void golomb_read_kinds(struct golomb_reader *r, u64 hdr)
{
	r->rep[0] = (hdr >> 10) & 1;
	r->k[0] = (hdr >> 11) & 3;
	r->rep[1] = (hdr >> 13) & 1;
	r->k[1] = (hdr >> 14) & 3;
}

/* At least 56 bits of the stream from the reader's position on. */
static __always_inline u64 golomb_peek(const struct golomb_reader *r)
{
	return get_unaligned_le64(r->in + r->pos / 8) >> (r->pos % 8);
}

/*
 * Read from @bits the length of a run of @tag, not the last run, whose
 * kind @nz is a constant at each call, and put it. Return: 0 or -EINVAL.
 */
static __always_inline int golomb_read_run(struct golomb_reader *r, u64 bits,
					   unsigned int tag, const bool nz)
{
	unsigned int k = r->k[nz], last = r->last[nz], q, c, run;

	q = bits ? __ffs64(bits) : 64;
	if (q > GOLOMB_Q_MAX)
		return -EINVAL;
	bits >>= q + 1;
	c = (bits & (BIT(q + k) - 1)) + BIT(q + k) - BIT(k);
	r->pos += 2 * q + k + 1;
	if (r->rep[nz]) {
		/* 0 is the last length, which no other code may give. */
		if (c == last)
			return -EINVAL;
		run = c ?: last;
	} else {
		run = c + 1;
	}
	/* Leave a granule to the last run. */
	if (run >= MTETAG_NR_TAGS - r->g || r->pos > r->end)
		return -EINVAL;
	r->acc = mtetag_put_run(r->tags, r->g, run, tag, r->acc);
	r->last[nz] = run;
	r->g += run;
	return 0;
}

/*
 * The last run, of @tag (or an error reading it), which has no length: it
 * takes the rest of the page. Then nothing but the zero padding of its byte.
 */
static __always_inline int golomb_finish(struct golomb_reader *r, int tag)
{
	if (tag < 0 || r->pos > r->end)
		return -EINVAL;
	mtetag_put_run(r->tags, r->g, MTETAG_NR_TAGS - r->g, tag, r->acc);
	if (DIV_ROUND_UP(r->pos, 8) != r->end / 8 ||
	    (r->pos % 8 && r->in[r->end / 8 - 1] >> (r->pos % 8)))
		return -EINVAL;
	return 0;
}

/*
 * The runs of a payload whose header says @mode, GOLOMB_NEXT_ANY or
 * GOLOMB_NEXT_NONZERO, a constant at each call so that each mode gets a
 * loop without the other's tests.
 */
static __always_inline int golomb_decode_runs(struct golomb_reader *r,
					      unsigned int mode,
					      unsigned int nr_runs)
{
	unsigned int prev = GOLOMB_NO_TAG;
	u64 bits;
	int tag, ret;

	for (; nr_runs > 1; nr_runs--, prev = tag) {
		bits = golomb_peek(r);
		tag = golomb_read_tag(&bits, &r->pos, mode, prev);
		if (tag < 0)
			return tag;
		/* Two copies, each with its kind's parameters at hand. */
		if (tag)
			ret = golomb_read_run(r, bits, tag, true);
		else
			ret = golomb_read_run(r, bits, 0, false);
		if (ret)
			return ret;
	}
	bits = golomb_peek(r);
	return golomb_finish(r, golomb_read_tag(&bits, &r->pos, mode, prev));
}

/*
 * GOLOMB_NEXT_ZERO, glibc's heaps: after the first run, runs of a sent
 * non-zero tag and zero runs alternate, so the loop tests nothing to know
 * which comes next, and a sent tag only for zero.
 */
static __always_inline int
golomb_decode_alternating(struct golomb_reader *r, unsigned int nr_runs)
{
	u64 bits = golomb_peek(r);
	int tag = golomb_read_tag(&bits, &r->pos, GOLOMB_NEXT_ZERO,
				  GOLOMB_NO_TAG);

	for (; nr_runs > 1; nr_runs--) {
		if (tag) {
			if (golomb_read_run(r, bits, tag, true))
				return -EINVAL;
			bits = golomb_peek(r);
			tag = 0;
			continue;
		}
		if (golomb_read_run(r, bits, 0, false))
			return -EINVAL;
		bits = golomb_peek(r);
		/* After a zero run: a sent tag, never zero. */
		tag = bits & 0xf;
		if (!tag)
			return -EINVAL;
		bits >>= 4;
		r->pos += 4;
	}
	return golomb_finish(r, tag);
}

/**
 * mtetag_golomb_decode() - decode a GOLOMB payload
 * @payload: the payload bytes
 * @len: number of payload bytes, at most MTETAG_BLOB_PAYLOAD_MAX
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Atomic-safe, bounded: at most 256 runs, each read with one load from a
 * zero-padded copy of the payload. A payload is accepted only if it ends
 * in its last byte, with zero padding bits, and codes every length one way.
 *
 * Return: 0, or -EINVAL for a malformed payload.
 */
int mtetag_golomb_decode(const u8 *payload, unsigned int len, u8 *tags)
{
	/*
	 * A run takes at most 1 + 4 + 2 * 8 + 3 + 1 bits: one load reads it.
	 * (MTETAG_BLOB_PAYLOAD_MAX, a min_t(), is no constant to size with.)
	 */
	u8 in[MTETAG_RAW_SIZE + 8] __uninitialized;
	/* The granule, @acc and the last lengths start at 0. */
	struct golomb_reader r = {
		.in = in, .tags = tags, .pos = GOLOMB_HDR_BITS, .end = 8 * len,
	};
	unsigned int nr_runs;
	u64 hdr;

	if (len < DIV_ROUND_UP(GOLOMB_HDR_BITS, 8) ||
	    len > MTETAG_BLOB_PAYLOAD_MAX)
		return -EINVAL;
	memcpy(in, payload, len);
	memset(in + len, 0, 8);
	hdr = get_unaligned_le64(in);
	nr_runs = (hdr & 0xff) + 1;
	/* The kinds are read in each case, for its loop's registers. */
	switch ((hdr >> 8) & 3) {
	case GOLOMB_NEXT_ANY:
		golomb_read_kinds(&r, hdr);
		return golomb_decode_runs(&r, GOLOMB_NEXT_ANY, nr_runs);
	case GOLOMB_NEXT_ZERO:
		golomb_read_kinds(&r, hdr);
		return golomb_decode_alternating(&r, nr_runs);
	case GOLOMB_NEXT_NONZERO:
		golomb_read_kinds(&r, hdr);
		return golomb_decode_runs(&r, GOLOMB_NEXT_NONZERO, nr_runs);
	default:
		return -EINVAL;
	}
}
