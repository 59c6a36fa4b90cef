/* SPDX-License-Identifier: GPL-2.0 */
/* Seam: see ../mtetag_seam.h. */
#include "../mtetag_seam.h"
