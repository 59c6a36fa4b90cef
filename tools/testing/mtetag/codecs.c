// SPDX-License-Identifier: GPL-2.0
/*
 * The codecs under test, compiled from the kernel tree unchanged into the
 * program that includes this file (so their static functions are visible).
 */
#include "mtetag_seam.h"

unsigned long seam_warnings;
long seam_allocs, seam_kvmalloc_calls, seam_kvmalloc_fail_at;
int seam_cpu, seam_preempt_count;

#include "../../../mm/mtetag/codec.c"
#include "../../../mm/mtetag/codec-runs.c"
#include "../../../mm/mtetag/codec-compact.c"
#include "../../../mm/mtetag/codec-golomb.c"
#ifdef CONFIG_MTETAG_ZSTD
#include "../../../mm/mtetag/codec-zstd.c"
#endif
