#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# What the kernel holds for swapped tags right now: mtetag-stat when the
# kernel has mtetag, the raw counters otherwise, and the memory figures.
if [ -d /sys/kernel/mm/mtetag ]; then
	if [ -x /tools/mtetag-stat ]; then
		/tools/mtetag-stat
	else
		for f in /sys/kernel/mm/mtetag/*; do
			[ -f "$f" ] && echo "  $(basename "$f"): $(cat "$f")"
		done
	fi
else
	echo "  (no /sys/kernel/mm/mtetag: this kernel keeps tags in upstream's mteswap.c, which has no statistics)"
fi
grep -E '^(SwapCached|SUnreclaim|Slab):' /proc/meminfo | sed 's/^/  /'
awk 'NR > 1 { printf "  swap %s: %d KiB used\n", $1, $4 }' /proc/swaps
