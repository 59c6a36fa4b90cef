#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# What the kernel holds for swapped tags right now: mtetag-stat when the
# kernel has mtetag, the raw counters otherwise, and the memory figures.
pending() { awk '$1 == "pending_pages" { print $2 }' /sys/kernel/debug/mtetag/stats 2>/dev/null; }
if [ -d /sys/kernel/mm/mtetag ]; then
	# Pages the range coder takes are compressed compress_delay_ms after
	# swap-out: show the store once that is done (10 s at most).
	n=$(pending)
	if [ "${n:-0}" -gt 0 ]; then
		echo "  ($n pages stored raw, to be compressed after $(cat /sys/kernel/mm/mtetag/compress_delay_ms) ms: waiting)"
		i=0
		while [ "$(pending)" -gt 0 ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
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
