// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag COMPACT codec: pages of many runs (heaps of small objects), coded
 * as a sequence of (tag, length) runs with an adaptive binary model and a
 * range coder, into at most MTETAG_BLOB_PAYLOAD_MAX bytes.
 *
 * Why this model: allocators give each object a random tag, never the tag
 * of the run before it (glibc puts a tag-0 chunk header between objects,
 * Scudo alternates odd and even tags), and objects on one page tend to have
 * few distinct sizes. Per run, the coder sends:
 *
 *  - the tag: "is it zero" (skipped after a zero run, which cannot be
 *    followed by another), then after a zero run "is it the tag before that
 *    zero run", then the tag's parity in the context of the last non-zero
 *    tag's parity, then the tag uniformly among the remaining candidates.
 *    Random tags cost log2(15) bits, alternating parities about log2(7).
 *  - the length in granules, in the context of "zero tag or not": "same as
 *    the last run of that kind", else Elias-gamma style: the bit length in
 *    unary (stopping at the bit length of what is left of the page), then
 *    the mantissa, whose top three bits are modelled.
 *
 * Every binary decision has a probability learnt on the page itself (a
 * Krichevsky-Trofimov estimate, updated with a reciprocal table, that turns
 * into an exponential decay after MODEL_NMAX events), so no table is tuned
 * to one workload and nothing is stored besides the coded bits.
 *
 * The range coder is LZMA's (32-bit range, carry through a cache byte). Its
 * always-zero first byte is not stored, and the final value is chosen with
 * as many trailing zero bits as possible so that trailing zero bytes can be
 * dropped: the decoder reads zeros past the end of the payload.
 *
 * The encoder and the decoder run the same code (struct compact_rc::dec
 * selects the direction), so they cannot disagree on the model. The decoder
 * handles one run per loop iteration and every run covers at least one
 * granule, so it stops after at most MTETAG_NR_TAGS iterations whatever the
 * input; it reads only payload[0..len).
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "codec.h"

#define RC_TOP		BIT(24)
#define PROB_BITS	15
#define PROB_ONE	BIT(PROB_BITS)
#define PROB_MIN	48
#define MODEL_NMAX	30
#define LEN_BITS	9	/* bit length of 256 */
#define LEN_MODELLED	3	/* mantissa bits with a context */
#define NO_TAG		16

/*
 * One adaptive decision: P(bit == 0) in units of 1 / PROB_ONE (bits 0..15)
 * and the number of events seen (bits 16..31), in one word so that coding
 * a bit loads and stores its model once.
 */
struct compact_bit {
	u32 pn;
};

#define MODEL_PN(p, n)	((p) | (n) << 16)
#define MODEL_P(pn)	((pn) & 0xffff)
#define MODEL_N(pn)	((pn) >> 16)
#define MODEL_INIT	MODEL_PN(PROB_ONE / 2, 0)

struct compact_model {
	struct compact_bit is_zero[2];		/* first run, after non-zero */
	struct compact_bit same_nz;		/* after zero: tag before it */
	struct compact_bit parity[3];		/* last non-zero: even, odd, none */
	struct compact_bit repeat[2];		/* [zero tag] */
	struct compact_bit len_more[2][LEN_BITS];
	struct compact_bit mant[2][LEN_BITS + 1][BIT(LEN_MODELLED)];
};

struct compact_rc {
	bool dec;
	bool error;
	u32 range;
	u64 low;		/* encoder: 33 bits, bit 32 is the carry */
	u32 code;		/* decoder */
	u8 cache;
	unsigned int cache_size;
	bool first;		/* encoder: first byte is always 0, not stored */
	u8 *out;
	const u8 *in;
	unsigned int pos, cap;
};

/* 65536 / (n + 2): the weight of a new event after n events. */
static const u16 compact_rate[MODEL_NMAX + 1] = {
	32768, 21845, 16384, 13107, 10923, 9362, 8192, 7282, 6554, 5958,
	5461, 5041, 4681, 4369, 4096, 3855, 3641, 3449, 3277, 3121,
	2979, 2849, 2731, 2621, 2521, 2427, 2341, 2260, 2185, 2114,
	2048,
};

/*
 * The model every page starts from, copied in one memcpy(): a loop over its
 * 186 words cost about 560 instructions a page, 3% of a decode.
 */
static const u32 compact_model_start[sizeof(struct compact_model) / sizeof(u32)] = {
	[0 ... sizeof(struct compact_model) / sizeof(u32) - 1] = MODEL_INIT,
};

static void compact_model_init(struct compact_model *m)
{
	BUILD_BUG_ON(sizeof(struct compact_bit) != sizeof(u32));
	memcpy(m, compact_model_start, sizeof(*m));
}

static __always_inline void rc_put(struct compact_rc *rc, u8 byte)
{
	if (rc->first) {
		rc->first = false;
		return;
	}
	if (rc->pos < rc->cap)
		rc->out[rc->pos++] = byte;
	else
		rc->error = true;
}

static __always_inline void rc_shift_low(struct compact_rc *rc)
{
	if ((u32)rc->low < 0xff000000U || (rc->low >> 32)) {
		u8 carry = rc->low >> 32;
		u8 temp = rc->cache;

		do {
			rc_put(rc, temp + carry);
			temp = 0xff;
		} while (--rc->cache_size);
		rc->cache = rc->low >> 24;
	}
	rc->cache_size++;
	rc->low = (rc->low & 0x00ffffff) << 8;
}

/* Past the end of the payload the decoder reads zeros (see the flush). */
static __always_inline u8 rc_get(struct compact_rc *rc)
{
	return rc->pos < rc->cap ? rc->in[rc->pos++] : 0;
}

static __always_inline void rc_normalize(struct compact_rc *rc)
{
	while (rc->range < RC_TOP) {
		rc->range <<= 8;
		if (rc->dec)
			rc->code = (rc->code << 8) | rc_get(rc);
		else
			rc_shift_low(rc);
	}
}

/* Code one bit with an adaptive probability; return it (decoded or not). */
static __always_inline unsigned int rc_bit(struct compact_rc *rc,
					   struct compact_bit *b,
					   unsigned int bit)
{
	u32 pn = b->pn, p = MODEL_P(pn), n = MODEL_N(pn);
	u32 bound = (rc->range >> PROB_BITS) * p;
	u32 rate = compact_rate[n];

	if (rc->dec)
		bit = rc->code >= bound;
	/* A 0 only raises p, a 1 only lowers it: one bound to keep each. */
	if (!bit) {
		rc->range = bound;
		p = min_t(u32, p + (((PROB_ONE - p) * rate) >> 16),
			  PROB_ONE - PROB_MIN);
	} else {
		if (rc->dec)
			rc->code -= bound;
		else
			rc->low += bound;
		rc->range -= bound;
		p = max_t(u32, p - ((p * rate) >> 16), PROB_MIN);
	}
	if (n < MODEL_NMAX)
		n++;
	b->pn = MODEL_PN(p, n);
	rc_normalize(rc);
	return bit;
}

/* Code a symbol uniformly distributed in [0, n), 1 <= n <= 256. */
static __always_inline unsigned int rc_uniform(struct compact_rc *rc,
					       unsigned int n, unsigned int sym)
{
	u32 r = rc->range / n;

	if (rc->dec) {
		sym = rc->code / r;
		if (sym >= n) {
			rc->error = true;
			sym = 0;
		}
		rc->code -= sym * r;
	} else {
		rc->low += (u64)sym * r;
	}
	rc->range = r;
	rc_normalize(rc);
	return sym;
}

/* Pick the value with most trailing zeros in [low, low + range), flush. */
static void rc_flush(struct compact_rc *rc)
{
	u64 end = rc->low + rc->range;
	int k;

	for (k = 32; k > 0; k--) {
		u64 mask = BIT_ULL(k) - 1;
		u64 v = (rc->low + mask) & ~mask;

		if (v < end) {
			rc->low = v;
			break;
		}
	}
	for (k = 0; k < 5; k++)
		rc_shift_low(rc);
	while (rc->pos && !rc->out[rc->pos - 1])
		rc->pos--;
}

/*
 * Number of set bits of @mask, which has at most three (the excluded
 * tags): a loop this short beats hweight16(), an out-of-line call in
 * arm64 kernels.
 */
static __always_inline unsigned int compact_count(unsigned int mask)
{
	unsigned int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/*
 * Code the tag of the next run; @prev and @last_nz may be NO_TAG. The
 * candidates are the non-zero tags not excluded, split by parity; a tag is
 * sent as its rank among the candidates of its parity. At most three tags
 * are excluded, so both parities always have candidates.
 */
static __always_inline unsigned int
compact_code_tag(struct compact_rc *rc, struct compact_model *m,
		 unsigned int tag, unsigned int prev, unsigned int last_nz)
{
	unsigned int excl = BIT(0), parity, idx = 0;

	if (prev != 0 && rc_bit(rc, &m->is_zero[prev != NO_TAG], tag == 0))
		return 0;
	if (prev != NO_TAG)
		excl |= BIT(prev);
	if (prev == 0 && last_nz != NO_TAG) {
		if (rc_bit(rc, &m->same_nz, tag == last_nz))
			return last_nz;
		excl |= BIT(last_nz);
	}

	parity = rc_bit(rc, &m->parity[last_nz == NO_TAG ? 2 : last_nz & 1],
			tag & 1);
	/* Tags of this parity are 2j + parity; step over the excluded ones. */
	excl &= parity ? 0xaaaa : 0x5555;
	if (!rc->dec)
		idx = tag / 2 - compact_count(excl & (BIT(tag) - 1));
	idx = rc_uniform(rc, 8 - compact_count(excl), idx);
	tag = 2 * idx + parity;
	for (; excl; excl &= excl - 1)
		if (__ffs(excl) <= tag)
			tag += 2;
	return tag;
}

/* Code a run length in [1, left]; @last is the last one of its kind or 0. */
static __always_inline unsigned int
compact_code_len(struct compact_rc *rc, struct compact_model *m,
		 unsigned int len, unsigned int left, unsigned int last, bool zero)
{
	unsigned int nbits = 1, maxbits = fls(left), i, node = 1;
	unsigned int mant = 0;

	if (last && last <= left &&
	    rc_bit(rc, &m->repeat[zero], len == last))
		return last;

	/* Bit length of @len in unary, implicit once it reaches @left's. */
	while (nbits < maxbits &&
	       rc_bit(rc, &m->len_more[zero][nbits], nbits < (unsigned int)fls(len)))
		nbits++;

	for (i = nbits - 1; i-- > 0;) {
		unsigned int bit = (len >> i) & 1;

		if (node < BIT(LEN_MODELLED))
			bit = rc_bit(rc, &m->mant[zero][nbits][node], bit);
		else
			bit = rc_uniform(rc, 2, bit);
		node = node * 2 + bit;
		mant = mant * 2 + bit;
	}
	len = BIT(nbits - 1) + mant;
	if (len > left)
		rc->error = true;
	return len;
}

/*
 * Walk the runs of @in (encoder) or produce them into @out (decoder).
 * Inlined with everything it calls into mtetag_compact_encode() and
 * mtetag_compact_decode(), where rc->dec is a constant: each direction gets
 * its own code without the other's branches. Nothing takes the address of
 * the coder state out of line (hence rc_put() and rc_shift_low() inline
 * too), so the compiler keeps it in registers: arm64 decode of glibc-like
 * pages went from 12.6 to 8.0 us a page under user-mode QEMU.
 */
static __always_inline void compact_code_page(struct compact_rc *rc,
					      const u8 *in, u8 *out)
{
	/* compact_model_init() sets every word. */
	struct compact_model m __uninitialized;
	unsigned int pos = 0, prev = NO_TAG, last_nz = NO_TAG;
	unsigned int last_len[2] = { 0, 0 };
	u64 acc = 0;

	compact_model_init(&m);
	while (pos < MTETAG_NR_TAGS && !rc->error) {
		/* Already no smaller than raw: stop (random pages). */
		if (!rc->dec && rc->pos > MTETAG_BLOB_PAYLOAD_MAX) {
			rc->error = true;
			break;
		}
		unsigned int tag = 0, len = 0;
		bool zero;

		if (!rc->dec) {
			tag = mtetag_get_tag(in, pos);
			len = mtetag_run_len(in, pos);
		}
		tag = compact_code_tag(rc, &m, tag, prev, last_nz);
		zero = !tag;
		len = compact_code_len(rc, &m, len, MTETAG_NR_TAGS - pos,
				       last_len[zero], zero);
		if (rc->error)
			break;
		if (rc->dec)
			acc = mtetag_put_run(out, pos, len, tag, acc);
		last_len[zero] = len;
		if (tag)
			last_nz = tag;
		prev = tag;
		pos += len;
	}
}

/**
 * mtetag_compact_encode() - encode a page with the COMPACT codec
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @buf: output, room for MTETAG_BLOB_PAYLOAD_MAX bytes
 * @len: payload bytes written to @buf
 *
 * Return: 0, or -E2BIG if the payload would exceed MTETAG_BLOB_PAYLOAD_MAX
 * bytes (raw is then no larger).
 */
int mtetag_compact_encode(const u8 *tags, u8 *buf, unsigned int *len)
{
	/* Slack for the flush, whose trailing zeros are then dropped. */
	u8 out[MTETAG_RAW_SIZE + 8];
	struct compact_rc rc = {
		.range = 0xffffffffU,
		.cache_size = 1,
		.first = true,
		.out = out,
		.cap = sizeof(out),
	};

	compact_code_page(&rc, tags, NULL);
	if (!rc.error)
		rc_flush(&rc);
	if (rc.error || rc.pos > MTETAG_BLOB_PAYLOAD_MAX)
		return -E2BIG;
	memcpy(buf, out, rc.pos);
	*len = rc.pos;
	return 0;
}

/**
 * mtetag_compact_decode() - decode a COMPACT payload
 * @payload: the payload bytes
 * @len: number of payload bytes
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Atomic-safe, bounded: at most MTETAG_NR_TAGS runs are decoded.
 * Return: 0, or -EINVAL for a malformed payload.
 */
int mtetag_compact_decode(const u8 *payload, unsigned int len, u8 *tags)
{
	struct compact_rc rc = {
		.dec = true,
		.range = 0xffffffffU,
		.in = payload,
		.cap = len,
	};
	unsigned int i;

	for (i = 0; i < 4; i++)
		rc.code = (rc.code << 8) | rc_get(&rc);
	compact_code_page(&rc, NULL, tags);
	return rc.error ? -EINVAL : 0;
}
