#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# What the kernel holds for swapped tags right now: mtetag-stat when the
# kernel has mtetag, the raw counters otherwise, and the memory figures.
. /tests/mtetag_lib.sh
if [ -d "$MTETAG_SYS" ]; then
	# Pages the range coder takes are compressed compress_delay_ms after
	# swap-out: show the store once that is done (10 s at most).
	n=$(mtetag_dbg pending_pages)
	if [ "${n:-0}" -gt 0 ]; then
		echo "  ($n pages stored raw, to be compressed after $(cat "$MTETAG_SYS/compress_delay_ms") ms: waiting)"
		mtetag_wait_compressed
	fi
	if [ -x /tools/mtetag-stat ]; then
		/tools/mtetag-stat
	else
		for f in "$MTETAG_SYS"/*; do
			[ -f "$f" ] && echo "  $(basename "$f"): $(cat "$f")"
		done
	fi
else
	echo "  (no /sys/kernel/mm/mtetag: this kernel keeps tags in upstream's mteswap.c, which has no statistics)"
fi
grep -E '^(SwapCached|SUnreclaim|Slab):' /proc/meminfo | sed 's/^/  /'
awk 'NR > 1 { printf "  swap %s: %d KiB used\n", $1, $4 }' /proc/swaps
