#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the mtetag shell tests and the guest's scripts: source
# it, do not run it.

MTETAG_SYS=/sys/kernel/mm/mtetag
MTETAG_DBG=/sys/kernel/debug/mtetag

# mtetag_dbg KEY: the value of KEY in debugfs's stats file; nothing if the
# file or the key is absent.
mtetag_dbg() {
	awk -v k="$1" '$1 == k { print $2 }' "$MTETAG_DBG/stats" 2>/dev/null
}

# mtetag_wait_compressed [TENTHS]: wait until no page waits for the
# compression worker, TENTHS tenths of a second at most (default 100).
# Fails if some still wait; succeeds at once without the counter.
mtetag_wait_compressed() {
	_n=0
	while [ "$(mtetag_dbg pending_pages)" -gt 0 ] 2>/dev/null; do
		[ "$_n" -lt "${1:-100}" ] || return 1
		sleep 0.1
		_n=$((_n + 1))
	done
}

# mtetag_compress_now: have the worker compress what waits now: the delay
# set to 0 until no page waits (as mtetag_wait_compressed), then put back.
# Fails if some still wait; succeeds at once without compress_delay_ms.
mtetag_compress_now() {
	[ -f "$MTETAG_SYS/compress_delay_ms" ] || return 0
	_d=$(cat "$MTETAG_SYS/compress_delay_ms")
	echo 0 >"$MTETAG_SYS/compress_delay_ms"
	mtetag_wait_compressed
	_rc=$?
	echo "$_d" >"$MTETAG_SYS/compress_delay_ms"
	return "$_rc"
}
