// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary tags through mtetag_encode() under every
 * policy and back. Inputs of up to 128 bytes are the tags (zero padded);
 * longer ones are read as (tag, run length) byte pairs, which reaches the
 * few-run and many-run pages that random bytes rarely produce.
 */
#include "fuzz_common.h"

static void check(enum mtetag_codec policy, const u8 *tags)
{
	u8 out[MTETAG_RAW_SIZE], copy[MTETAG_RAW_SIZE];
	struct mtetag_enc enc;
	int ret;

	memcpy(copy, tags, sizeof(copy));
	mtetag_encode(policy, tags, &enc);
	if (memcmp(copy, tags, sizeof(copy)) || enc.codec >= MTETAG_NR_CODECS)
		abort();
	if (enc.is_inline) {
		if (enc.value > MTETAG_INLINE_MAX ||
		    mtetag_inline_codec(enc.value) != enc.codec)
			abort();
		ret = mtetag_decode_inline(enc.value, out);
	} else {
		if (enc.codec == MTETAG_CODEC_RAW ? enc.len != MTETAG_RAW_SIZE :
		    enc.len > MTETAG_BLOB_PAYLOAD_MAX)
			abort();
		ret = mtetag_decode(enc.codec, enc.buf, enc.len, out);
	}
	if (ret || memcmp(out, tags, sizeof(out)))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 tags[MTETAG_RAW_SIZE] = { 0 };
	unsigned int i, pos = 0, len;

	if (size <= MTETAG_RAW_SIZE) {
		memcpy(tags, data, size);
	} else {
		for (i = 0; i + 1 < size && pos < MTETAG_NR_TAGS; i += 2) {
			len = min_t(unsigned int, 1 + data[i + 1] % 64,
				    MTETAG_NR_TAGS - pos);
			mtetag_fill_run(tags, pos, len, data[i] & 0xf);
			pos += len;
		}
	}
	for (i = 0; i <= MTETAG_NR_CODECS; i++)
		check(i, tags);
	return 0;
}
