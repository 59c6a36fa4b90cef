/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mtetag codecs: turn the tags of one page into an inline xarray value or a
 * small blob, and back.
 *
 * This header and the codec-*.c files are kernel code that also compiles
 * unchanged in userspace (tools/testing/mtetag supplies a seam header for the
 * few kernel definitions they use), so they include nothing beyond
 * <linux/types.h>, <linux/bitmap.h>, <linux/bitops.h>, <linux/bits.h>,
 * <linux/bug.h>, <linux/errno.h>, <linux/string.h>, <linux/kernel.h>,
 * <linux/unaligned.h> and <asm/page.h>, and they never allocate (except
 * codec-zstd.c's init of its workspaces).
 *
 * Tag layout ("raw"): the format mte_save_page_tags() writes, MTETAG_NR_TAGS
 * 4-bit tags packed two per byte, granule 2i in the low nibble of byte i.
 */
#ifndef _MM_MTETAG_CODEC_H
#define _MM_MTETAG_CODEC_H

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/unaligned.h>
#include <asm/page.h>

#ifndef MTETAG_GRANULE_SIZE
#define MTETAG_GRANULE_SIZE	16
#endif
#define MTETAG_TAG_BITS		4
#define MTETAG_NR_TAGS		(PAGE_SIZE / MTETAG_GRANULE_SIZE)
#define MTETAG_RAW_SIZE		(MTETAG_NR_TAGS * MTETAG_TAG_BITS / 8)

/*
 * Largest inline value: xa_mk_value() takes at most LONG_MAX, so an inline
 * encoding has 63 bits. Inline values are self-describing (the codec that
 * wrote one can be told from the value), and 0 means "all tags zero".
 */
#define MTETAG_INLINE_MAX	((unsigned long)LONG_MAX)
#define MTETAG_INLINE_ZERO	0UL

/*
 * Codec identifiers. The numbers are stored in blobs and inline values:
 * never renumber, only append. ZERO is not selectable: zero elision always
 * applies (except to RAW, which is upstream's format to the byte).
 */
enum mtetag_codec {
	MTETAG_CODEC_ZERO,	/* all tags zero: inline value 0, no payload */
	MTETAG_CODEC_RUNS,	/* few runs of equal tags: inline value */
	MTETAG_CODEC_COMPACT,	/* many runs: entropy-coded blob */
	MTETAG_CODEC_RAW,	/* MTETAG_RAW_SIZE bytes, as upstream */
	MTETAG_CODEC_ZSTD,	/* lib/zstd, for comparison */
	MTETAG_CODEC_GOLOMB,	/* many runs: fast to decode blob */
	MTETAG_NR_CODECS,
	/* Not a format: a policy, inline if possible, else GOLOMB or RAW. */
	MTETAG_CODEC_AUTO = MTETAG_NR_CODECS,
};

/*
 * A stored non-raw blob: a 2-byte header, then the codec's payload.
 * Raw blobs are stored headerless (exactly MTETAG_RAW_SIZE bytes, like
 * upstream's kmalloc) and marked in the xarray instead.
 */
struct mtetag_blob {
	u8 codec;		/* enum mtetag_codec */
	u8 len;			/* payload bytes in data[] */
	u8 data[];
};

#define MTETAG_BLOB_HDR		sizeof(struct mtetag_blob)
/* Non-raw payloads longer than this are never stored: raw is smaller. */
#define MTETAG_BLOB_PAYLOAD_MAX	min_t(unsigned int, 255, MTETAG_RAW_SIZE - MTETAG_BLOB_HDR)

/**
 * struct mtetag_enc - result of encoding one page's tags
 * @codec: codec that produced the result (never MTETAG_CODEC_AUTO)
 * @is_inline: true if @value holds the whole encoding (no allocation needed)
 * @value: the inline value, <= MTETAG_INLINE_MAX, valid if @is_inline
 * @len: payload bytes in @buf, valid if !@is_inline (MTETAG_RAW_SIZE for raw)
 * @buf: the payload (for non-raw codecs: without the struct mtetag_blob header)
 */
struct mtetag_enc {
	enum mtetag_codec codec;
	bool is_inline;
	unsigned long value;
	unsigned int len;
	u8 buf[MTETAG_RAW_SIZE];
};

/* Bytes a result occupies beside its xarray slot (0: inline). */
static inline unsigned int mtetag_enc_size(const struct mtetag_enc *enc)
{
	if (enc->is_inline)
		return 0;
	if (enc->codec == MTETAG_CODEC_RAW)
		return MTETAG_RAW_SIZE;
	return MTETAG_BLOB_HDR + enc->len;
}

/**
 * mtetag_encode() - encode the tags of one page
 * @policy: codec to use, or MTETAG_CODEC_AUTO (see codec.c)
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @enc: result
 *
 * Never fails: a codec that cannot represent the page (too many runs for
 * RUNS, incompressible for COMPACT, GOLOMB or ZSTD) falls back to RAW.
 * Does not allocate and does not sleep.
 */
void mtetag_encode(enum mtetag_codec policy, const u8 *tags,
		   struct mtetag_enc *enc);

/* The part of mtetag_encode() cheap enough for swap-out: see codec.c. */
bool mtetag_encode_quick(enum mtetag_codec policy, const u8 *tags,
			 struct mtetag_enc *enc);

/**
 * mtetag_decode_inline() - decode an inline value
 * @value: a value produced by mtetag_encode() with is_inline set
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Atomic-safe: no allocation, no sleeping.
 * Return: 0, or -EINVAL if @value is not a valid inline encoding (@tags is
 * then undefined).
 */
int mtetag_decode_inline(unsigned long value, u8 *tags);

/**
 * mtetag_decode() - decode a blob payload
 * @codec: the codec recorded with the blob (RAW for headerless raw blobs)
 * @payload: the payload bytes
 * @len: number of payload bytes
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Atomic-safe: no allocation, no sleeping. Never reads outside
 * @payload[0..@len) nor writes outside @tags, whatever the input.
 * Return: 0, or -EINVAL for a malformed payload or an unknown codec.
 */
int mtetag_decode(enum mtetag_codec codec, const u8 *payload,
		  unsigned int len, u8 *tags);

/**
 * mtetag_inline_codec() - which codec wrote an inline value
 * @value: an inline value
 *
 * Return: MTETAG_CODEC_ZERO, MTETAG_CODEC_RUNS, ... (for statistics).
 */
enum mtetag_codec mtetag_inline_codec(unsigned long value);

/* Names as sysfs shows them, indexed by enum mtetag_codec (AUTO included). */
extern const char * const mtetag_codec_names[MTETAG_NR_CODECS + 1];

/* Whether a codec can be selected (ZSTD may be compiled out or unready). */
bool mtetag_codec_available(enum mtetag_codec codec);

/*
 * ZSTD keeps preallocated per-CPU compression and decompression workspaces
 * so that decode stays atomic-safe. mtetag_zstd_init() may sleep; until it
 * has succeeded, mtetag_codec_available(MTETAG_CODEC_ZSTD) is false.
 */
int mtetag_zstd_init(void);
void mtetag_zstd_exit(void);

/*
 * Inline value formats, told apart by bits 62:61 (value 0 is the zero page):
 * 00 RUNS (codec-runs.c), 10 COMPACT payload of at most 7 bytes held
 * inline (codec.c), 01 and 11 reserved.
 */
#define MTETAG_INLINE_FMT_SHIFT	61
#define MTETAG_INLINE_FMT_RUNS	0UL
#define MTETAG_INLINE_FMT_COMPACT	2UL
#define MTETAG_INLINE_COMPACT_MAX	7	/* payload bytes held inline */

/* Tag of granule @i in raw layout. */
static inline unsigned int mtetag_get_tag(const u8 *tags, unsigned int i)
{
	return (tags[i / 2] >> ((i & 1) * MTETAG_TAG_BITS)) & 0xf;
}

/*
 * Length of the run of equal tags starting at granule @i. Compares 16
 * granules (8 bytes) a step: a uniform page takes 16 steps, not 256.
 */
static inline unsigned int mtetag_run_len(const u8 *tags, unsigned int i)
{
	u64 same = mtetag_get_tag(tags, i) * 0x1111111111111111ULL;
	unsigned int w = i / 16;
	/* A nonzero nibble of @diff is a granule of another tag. */
	u64 diff = (get_unaligned_le64(tags + 8 * w) ^ same) &
		   (~0ULL << 4 * (i % 16));

	while (!diff) {
		if (++w == MTETAG_NR_TAGS / 16)
			return MTETAG_NR_TAGS - i;
		diff = get_unaligned_le64(tags + 8 * w) ^ same;
	}
	return 16 * w + __ffs64(diff) / 4 - i;
}

/* Set granules [@start, @start + @len) of @tags to @tag. */
static inline void mtetag_fill_run(u8 *tags, unsigned int start,
				   unsigned int len, unsigned int tag)
{
	unsigned int end = start + len;

	if (start & 1) {
		tags[start / 2] = (tags[start / 2] & 0x0f) | (tag << 4);
		start++;
	}
	if (start < end && (end & 1)) {
		end--;
		tags[end / 2] = (tags[end / 2] & 0xf0) | tag;
	}
	if (start < end)
		memset(tags + start / 2, tag * 0x11, (end - start) / 2);
}

/*
 * Decoders' output, in order: put the run [@pos, @pos + @len) of @tag in
 * @acc, the word of granules 16 * (@pos / 16) .. + 15 being filled, from
 * @pos to the end of the word (the next run overwrites what is past its
 * end), and store the word once the run leaves it; the words a run covers
 * whole are stored straight from its pattern. Runs come in order from
 * granule 0, and the last one, ending at granule MTETAG_NR_TAGS, stores
 * the last word. Return: the new @acc.
 *
 * Heap runs are short (1-9 granules), and a memset() call for each cost
 * more than the run (arm64 decode of a glibc-like page with COMPACT: 8.3
 * -> 7.0 us under user-mode QEMU); a word at a time for long runs too,
 * about 3% of a COMPACT decode ('make -C tools/testing/mtetag icount':
 * 15077 -> 14650 instructions).
 */
static __always_inline u64 mtetag_put_run(u8 *out, unsigned int pos,
					  unsigned int len, unsigned int tag,
					  u64 acc)
{
	u64 pat = tag * 0x1111111111111111ULL;
	unsigned int w = pos / 16, end = (pos + len) / 16;

	/* The run's tag from @pos to the word's end; later runs overwrite. */
	acc = (acc & ~(~0ULL << 4 * (pos % 16))) | pat << 4 * (pos % 16);
	if (w == end)
		return acc;
	put_unaligned_le64(acc, out + 8 * w);
	while (++w < end)
		put_unaligned_le64(pat, out + 8 * w);
	return pat;
}

/*
 * Per-codec entry points, used by codec.c and the host tests; the store
 * calls only mtetag_encode() and the decoders above. Encoders return 0 or
 * -E2BIG when the codec cannot hold the page.
 */
int mtetag_runs_encode(const u8 *tags, unsigned long *value);
int mtetag_runs_decode(unsigned long value, u8 *tags);
const u8 *mtetag_inline_uniform(unsigned long value);
int mtetag_compact_encode(const u8 *tags, u8 *buf, unsigned int *len);
int mtetag_compact_decode(const u8 *payload, unsigned int len, u8 *tags);
int mtetag_golomb_encode(const u8 *tags, u8 *buf, unsigned int *len);
int mtetag_golomb_decode(const u8 *payload, unsigned int len, u8 *tags);
int mtetag_zstd_encode(const u8 *tags, u8 *buf, unsigned int *len);
int mtetag_zstd_decode(const u8 *payload, unsigned int len, u8 *tags);
bool mtetag_zstd_ready(void);

#endif /* _MM_MTETAG_CODEC_H */
