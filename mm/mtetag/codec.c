// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag codec dispatch: policy handling for mtetag_encode(), and decoding
 * of inline values and blobs by the codec that wrote them.
 *
 * Inline values (see codec.h for the format bits): 0 is the zero page, RUNS
 * values hold up to six runs (codec-runs.c), and a COMPACT payload of at
 * most MTETAG_INLINE_COMPACT_MAX bytes is held inline too, as
 *
 *   bits  0..55  payload bytes, byte i at bits 8i..8i+7
 *   bits 56..58  payload length (0..7)
 *   bits 59..60  0
 *   bits 61..62  MTETAG_INLINE_FMT_COMPACT (10)
 *
 * so that pages of more than six but regular runs (fixed size classes) need
 * no allocation either.
 */
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/unaligned.h>

#include "codec.h"

#define INLINE_COMPACT_LEN_SHIFT	56
#define INLINE_COMPACT_LEN_MASK		0x7UL
#define INLINE_COMPACT_RSVD_MASK	(0x3UL << 59)

const char * const mtetag_codec_names[MTETAG_NR_CODECS + 1] = {
	[MTETAG_CODEC_ZERO] = "zero",
	[MTETAG_CODEC_RUNS] = "runs",
	[MTETAG_CODEC_COMPACT] = "compact",
	[MTETAG_CODEC_RAW] = "raw",
	[MTETAG_CODEC_ZSTD] = "zstd",
	[MTETAG_CODEC_GOLOMB] = "golomb",
	[MTETAG_CODEC_AUTO] = "auto",
};
EXPORT_SYMBOL_GPL(mtetag_codec_names);

/**
 * mtetag_codec_available() - whether a codec can be selected as policy
 * @codec: a codec or MTETAG_CODEC_AUTO
 *
 * ZERO is never selectable (zero elision always applies); ZSTD only once
 * mtetag_zstd_init() has succeeded, and never if compiled out.
 * Return: true if mtetag_encode() accepts @codec as its policy.
 */
bool mtetag_codec_available(enum mtetag_codec codec)
{
	switch (codec) {
	case MTETAG_CODEC_RUNS:
	case MTETAG_CODEC_COMPACT:
	case MTETAG_CODEC_RAW:
	case MTETAG_CODEC_GOLOMB:
	case MTETAG_CODEC_AUTO:
		return true;
	case MTETAG_CODEC_ZSTD:
		return IS_ENABLED(CONFIG_MTETAG_ZSTD) && mtetag_zstd_ready();
	default:
		return false;
	}
}
EXPORT_SYMBOL_GPL(mtetag_codec_available);

#if !IS_ENABLED(CONFIG_MTETAG_ZSTD)
/* ZSTD compiled out: the codec is never available. */
int mtetag_zstd_init(void)
{
	return -EOPNOTSUPP;
}

void mtetag_zstd_exit(void)
{
}
#endif

static void mtetag_encode_inline(struct mtetag_enc *enc,
				 enum mtetag_codec codec, unsigned long value)
{
	enc->codec = codec;
	enc->is_inline = true;
	enc->value = value;
	enc->len = 0;
}

static void mtetag_encode_raw(const u8 *tags, struct mtetag_enc *enc)
{
	enc->codec = MTETAG_CODEC_RAW;
	enc->is_inline = false;
	enc->value = 0;
	enc->len = MTETAG_RAW_SIZE;
	memcpy(enc->buf, tags, MTETAG_RAW_SIZE);
}

static bool mtetag_encode_runs(const u8 *tags, struct mtetag_enc *enc)
{
	unsigned long value;

	if (mtetag_runs_encode(tags, &value))
		return false;
	mtetag_encode_inline(enc, MTETAG_CODEC_RUNS, value);
	return true;
}

/* COMPACT into @enc, inline if the payload is short enough. */
static bool mtetag_encode_compact(const u8 *tags, struct mtetag_enc *enc)
{
	unsigned long value;
	unsigned int len, i;

	if (mtetag_compact_encode(tags, enc->buf, &len))
		return false;
	if (len <= MTETAG_INLINE_COMPACT_MAX) {
		value = MTETAG_INLINE_FMT_COMPACT << MTETAG_INLINE_FMT_SHIFT |
			(unsigned long)len << INLINE_COMPACT_LEN_SHIFT;
		for (i = 0; i < len; i++)
			value |= (unsigned long)enc->buf[i] << (8 * i);
		mtetag_encode_inline(enc, MTETAG_CODEC_COMPACT, value);
		return true;
	}
	enc->codec = MTETAG_CODEC_COMPACT;
	enc->is_inline = false;
	enc->value = 0;
	enc->len = len;
	return true;
}

static bool mtetag_encode_golomb(const u8 *tags, struct mtetag_enc *enc)
{
	if (mtetag_golomb_encode(tags, enc->buf, &enc->len))
		return false;
	enc->codec = MTETAG_CODEC_GOLOMB;
	enc->is_inline = false;
	enc->value = 0;
	return true;
}

static bool mtetag_encode_zstd(const u8 *tags, struct mtetag_enc *enc)
{
	if (!IS_ENABLED(CONFIG_MTETAG_ZSTD) ||
	    mtetag_zstd_encode(tags, enc->buf, &enc->len))
		return false;
	enc->codec = MTETAG_CODEC_ZSTD;
	enc->is_inline = false;
	enc->value = 0;
	return true;
}

/*
 * AUTO stores pages of at least MTETAG_AUTO_RAW_RUNS runs as RAW without
 * trying to compress them, unless at least MTETAG_AUTO_MIN_ZERO granules
 * have tag 0. Random tags (about 240 runs, about 16 zero granules) never
 * compress, and trying costs a pass over the page on every save. Many runs
 * alone do not mean random: glibc's smallest chunks (32 bytes) give pages
 * of about 250 runs, but every other granule is a chunk header of tag 0;
 * such pages, captured from busybox sort, code to 60-80 bytes. A codec
 * chosen explicitly still tries every page.
 */
#define MTETAG_AUTO_RAW_RUNS	(MTETAG_NR_TAGS * 7 / 8)
#define MTETAG_AUTO_MIN_ZERO	(MTETAG_NR_TAGS / 4)

/* Bit 0 of each nibble of @v set if the nibble is not zero, the rest clear. */
static inline u64 mtetag_nibbles_nonzero(u64 v)
{
	return (v | v >> 1 | v >> 2 | v >> 3) & 0x1111111111111111ULL;
}

/*
 * Counts runs and zero tags eight bytes (16 granules) at a time: AUTO asks
 * this of every page that RUNS could not take, and a loop over granules
 * costs as much as the rest of a RAW save. A run starts at every granule
 * whose tag differs from the one before it; nibble k of @prev is the tag
 * before granule k of @x.
 */
static bool mtetag_looks_random(const u8 *tags)
{
	unsigned int i, runs = 1, zeros = 0;
	u64 x, prev = tags[0] & 0xf;

	for (i = 0; i < MTETAG_RAW_SIZE; i += 8) {
		x = get_unaligned_le64(tags + i);
		prev |= x << 4;
		runs += hweight64(mtetag_nibbles_nonzero(x ^ prev));
		zeros += 16 - hweight64(mtetag_nibbles_nonzero(x));
		prev = x >> 60;
	}
	return runs >= MTETAG_AUTO_RAW_RUNS && zeros < MTETAG_AUTO_MIN_ZERO;
}

/*
 * GOLOMB payloads up to this size come from pages regular enough that
 * COMPACT may hold them inline: AUTO then tries it too.
 */
#define MTETAG_AUTO_TRY_INLINE	(2 * MTETAG_INLINE_COMPACT_MAX)

/*
 * AUTO: RUNS, or COMPACT if it holds the page inline, else GOLOMB, else
 * RAW. An inline result needs no allocation and cannot be beaten. Among
 * blobs AUTO takes GOLOMB, not the smallest: COMPACT codes heap pages
 * 2-40% smaller, but its decode costs about three times GOLOMB's
 * instructions (glibc-like heaps: 14395 against 2899, 'make icount'), on
 * every swap-in, under the PTE lock. 'compact' selects it for every page.
 * GOLOMB larger than RAW falls back to RAW, which decodes with a memcpy.
 * ZSTD is never smaller than COMPACT on tags and much slower: not tried.
 */
static void mtetag_encode_auto(const u8 *tags, struct mtetag_enc *enc)
{
	if (mtetag_encode_runs(tags, enc))
		return;
	if (mtetag_looks_random(tags) || !mtetag_encode_golomb(tags, enc) ||
	    mtetag_enc_size(enc) >= MTETAG_RAW_SIZE) {
		mtetag_encode_raw(tags, enc);
		return;
	}
	if (enc->len <= MTETAG_AUTO_TRY_INLINE) {
		struct mtetag_enc compact;

		if (mtetag_encode_compact(tags, &compact) && compact.is_inline)
			*enc = compact;
	}
}

/*
 * Whether all tags are zero, eight bytes a step: every swap-out asks, and
 * memchr_inv()'s byte-wise head and tail cost more than the 16 words.
 * mtetag_run_len(tags, 0) would tell too, at 15 more instructions a zero
 * page (make bench BENCH_ICOUNT=0).
 */
static bool mtetag_tags_zero(const u8 *tags)
{
	unsigned int i;

	for (i = 0; i < MTETAG_RAW_SIZE; i += 8)
		if (get_unaligned_le64(tags + i))
			return false;
	return true;
}

/* Zero elision, under every policy but RAW: all-zero tags, inline 0. */
static bool mtetag_encode_zero(enum mtetag_codec policy, const u8 *tags,
			       struct mtetag_enc *enc)
{
	if (policy == MTETAG_CODEC_RAW || !mtetag_tags_zero(tags))
		return false;
	mtetag_encode_inline(enc, MTETAG_CODEC_ZERO, MTETAG_INLINE_ZERO);
	return true;
}

/**
 * mtetag_encode() - encode the tags of one page
 * @policy: codec to use, or MTETAG_CODEC_AUTO: inline if the page fits an
 *	inline value, else GOLOMB, else RAW (mtetag_encode_auto())
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @enc: result
 *
 * Never fails: a codec that cannot represent the page (too many runs for
 * RUNS, incompressible for COMPACT, GOLOMB or ZSTD, ZSTD not ready) falls
 * back to RAW. Pages of zero tags become the inline value 0 under every
 * policy but RAW. Does not allocate and does not sleep.
 */
void mtetag_encode(enum mtetag_codec policy, const u8 *tags,
		   struct mtetag_enc *enc)
{
	if (mtetag_encode_zero(policy, tags, enc))
		return;

	switch (policy) {
	case MTETAG_CODEC_RUNS:
		if (mtetag_encode_runs(tags, enc))
			return;
		break;
	case MTETAG_CODEC_COMPACT:
		if (mtetag_encode_compact(tags, enc))
			return;
		break;
	case MTETAG_CODEC_ZSTD:
		if (mtetag_encode_zstd(tags, enc))
			return;
		break;
	case MTETAG_CODEC_GOLOMB:
		if (mtetag_encode_golomb(tags, enc))
			return;
		break;
	case MTETAG_CODEC_AUTO:
		mtetag_encode_auto(tags, enc);
		return;
	case MTETAG_CODEC_ZERO:
	case MTETAG_CODEC_RAW:
		break;
	default:
		WARN_ON_ONCE(1);
		break;
	}
	mtetag_encode_raw(tags, enc);
}
EXPORT_SYMBOL_GPL(mtetag_encode);

/**
 * mtetag_encode_quick() - encode a page only if that costs next to nothing
 * @policy: the codec policy, as for mtetag_encode()
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @enc: result
 *
 * The part of mtetag_encode() that is cheap enough for every swap-out:
 * zero tags and pages RUNS packs into an inline value. The store writes
 * other pages raw and has them compressed later, off the swap-out path.
 * Does not allocate and does not sleep.
 *
 * Return: true if @enc holds what mtetag_encode() would have produced;
 * false if the page needs the full encoder (@enc is then undefined).
 */
bool mtetag_encode_quick(enum mtetag_codec policy, const u8 *tags,
			 struct mtetag_enc *enc)
{
	switch (policy) {
	case MTETAG_CODEC_RAW:
	case MTETAG_CODEC_RUNS:
		mtetag_encode(policy, tags, enc);
		return true;
	default:
		break;
	}
	if (mtetag_encode_zero(policy, tags, enc))
		return true;
	/* AUTO keeps a RUNS result; the other codecs would not. */
	return policy == MTETAG_CODEC_AUTO && mtetag_encode_runs(tags, enc);
}
EXPORT_SYMBOL_GPL(mtetag_encode_quick);

static int mtetag_decode_inline_compact(unsigned long value, u8 *tags)
{
	u8 payload[MTETAG_INLINE_COMPACT_MAX];
	unsigned int len, i;

	len = (value >> INLINE_COMPACT_LEN_SHIFT) & INLINE_COMPACT_LEN_MASK;
	if (value & INLINE_COMPACT_RSVD_MASK)
		return -EINVAL;
	/* Bytes beyond @len must be zero: one value per payload. */
	if (len < MTETAG_INLINE_COMPACT_MAX &&
	    (value & GENMASK(INLINE_COMPACT_LEN_SHIFT - 1, 8 * len)))
		return -EINVAL;
	for (i = 0; i < len; i++)
		payload[i] = value >> (8 * i);
	return mtetag_compact_decode(payload, len, tags);
}

/**
 * mtetag_decode_inline() - decode an inline value
 * @value: a value produced by mtetag_encode() with is_inline set
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Atomic-safe: no allocation, no sleeping.
 * Return: 0, or -EINVAL if @value is not a valid inline encoding (@tags is
 * then undefined).
 */
int mtetag_decode_inline(unsigned long value, u8 *tags)
{
	const u8 *uniform = mtetag_inline_uniform(value);

	/* One run, the zero page among them: the tags are a constant. */
	if (uniform) {
		memcpy(tags, uniform, MTETAG_RAW_SIZE);
		return 0;
	}
	if (value > MTETAG_INLINE_MAX)
		return -EINVAL;
	switch (value >> MTETAG_INLINE_FMT_SHIFT) {
	case MTETAG_INLINE_FMT_RUNS:
		return mtetag_runs_decode(value, tags);
	case MTETAG_INLINE_FMT_COMPACT:
		return mtetag_decode_inline_compact(value, tags);
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(mtetag_decode_inline);

/**
 * mtetag_decode() - decode a blob payload
 * @codec: the codec recorded with the blob (RAW for headerless raw blobs)
 * @payload: the payload bytes
 * @len: number of payload bytes
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Atomic-safe: no allocation, no sleeping. Never reads outside
 * @payload[0..@len) nor writes outside @tags, whatever the input.
 * Return: 0, or -EINVAL for a malformed payload or an unknown codec (ZERO
 * and RUNS have no blob form).
 */
int mtetag_decode(enum mtetag_codec codec, const u8 *payload,
		  unsigned int len, u8 *tags)
{
	switch (codec) {
	case MTETAG_CODEC_RAW:
		if (len != MTETAG_RAW_SIZE)
			return -EINVAL;
		memcpy(tags, payload, MTETAG_RAW_SIZE);
		return 0;
	case MTETAG_CODEC_COMPACT:
		if (len > MTETAG_BLOB_PAYLOAD_MAX)
			return -EINVAL;
		return mtetag_compact_decode(payload, len, tags);
	case MTETAG_CODEC_GOLOMB:
		return mtetag_golomb_decode(payload, len, tags);
	case MTETAG_CODEC_ZSTD:
		if (!IS_ENABLED(CONFIG_MTETAG_ZSTD))
			return -EINVAL;
		return mtetag_zstd_decode(payload, len, tags);
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(mtetag_decode);

/**
 * mtetag_inline_codec() - which codec wrote an inline value
 * @value: an inline value
 *
 * Return: MTETAG_CODEC_ZERO, MTETAG_CODEC_RUNS or MTETAG_CODEC_COMPACT; for
 * a value no codec writes, MTETAG_NR_CODECS.
 */
enum mtetag_codec mtetag_inline_codec(unsigned long value)
{
	if (value == MTETAG_INLINE_ZERO)
		return MTETAG_CODEC_ZERO;
	if (value > MTETAG_INLINE_MAX)
		return MTETAG_NR_CODECS;
	switch (value >> MTETAG_INLINE_FMT_SHIFT) {
	case MTETAG_INLINE_FMT_RUNS:
		return MTETAG_CODEC_RUNS;
	case MTETAG_INLINE_FMT_COMPACT:
		return MTETAG_CODEC_COMPACT;
	default:
		return MTETAG_NR_CODECS;
	}
}
EXPORT_SYMBOL_GPL(mtetag_inline_codec);
