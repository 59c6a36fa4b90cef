/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the libFuzzer targets: the codecs, zstd set up once. */
#ifndef _MTETAG_FUZZ_COMMON_H
#define _MTETAG_FUZZ_COMMON_H

#include "codecs.c"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mtetag_zstd_init())
		abort();
	return 0;
}

#endif /* _MTETAG_FUZZ_COMMON_H */
