// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary bytes into every decoder. The first byte picks
 * the codec (or the inline decoder, which takes the next 8 bytes as the
 * value); the rest, copied to an exactly-sized buffer, is the payload.
 * Decoding must return 0 or -EINVAL and stay in bounds (ASan). A GOLOMB
 * payload that decodes is never shorter than the encoder's for the same
 * tags: the encoder picks the best of every choice the format offers.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 tags[MTETAG_RAW_SIZE];
	unsigned long value = 0;
	u8 *payload;
	int ret;

	if (!size)
		return 0;
	if (data[0] >= 0x80) {
		memcpy(&value, data + 1, min_t(size_t, size - 1, sizeof(value)));
		ret = mtetag_decode_inline(value, tags);
		if (!ret && mtetag_inline_codec(value) == MTETAG_CODEC_RUNS) {
			unsigned long again;

			/* Accepted RUNS values are canonical. */
			if (mtetag_runs_encode(tags, &again) || again != value)
				abort();
		}
	} else {
		enum mtetag_codec codec = data[0] % (MTETAG_NR_CODECS + 1);
		u8 again[MTETAG_RAW_SIZE];
		unsigned int len;

		payload = malloc(size - 1 ? size - 1 : 1);
		memcpy(payload, data + 1, size - 1);
		ret = mtetag_decode(codec, payload, size - 1, tags);
		free(payload);
		if (!ret && codec == MTETAG_CODEC_GOLOMB &&
		    (mtetag_golomb_encode(tags, again, &len) || len > size - 1))
			abort();
	}
	if (ret && ret != -EINVAL)
		abort();
	if (seam_preempt_count)
		abort();
	return 0;
}
