#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Deferred compression against swap. With compress_delay_ms at 1, the
# worker compresses pending entries while the tests below fault the pages
# back in, free their slots and save new tags into reused slots; it copies
# an entry under the tree lock and replaces it only if the slot still holds
# that entry, so nothing may be lost. Checks:
#  - swap_tags (every pattern, pages kept out 300 ms so that the worker is
#    busy while they come back), swap_reuse and swap_race find every tag
#    and byte;
#  - the worker did compress meanwhile (debugfs "compressions" grew);
#  - writing 0 compresses what waits: "pending_pages" drops to 0;
#  - pending entries are raw ones: pending_pages <= raw_pages throughout
#    (give or take an update in flight per CPU).
#
# busybox sh; KTAP on stdout; exits 0 (pass), 1 (a test failed) or 4 (skip:
# no mtetag, or no debugfs). Environment: SWAP_TAGS, SWAP_REUSE, SWAP_RACE
# (default: beside this script).

HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/$(basename "$0")
. "$HERE/../kselftest/ktap_helpers.sh"
. "$HERE/mtetag_lib.sh"

SYS=$MTETAG_SYS
DBG=$MTETAG_DBG
DELAY=$SYS/compress_delay_ms
SWAP_TAGS=${SWAP_TAGS:-$HERE/swap_tags}
SWAP_REUSE=${SWAP_REUSE:-$HERE/swap_reuse}
SWAP_RACE=${SWAP_RACE:-$HERE/swap_race}

# flush DIR: note what is pending, set the delay to 0, wait (10 s at most)
# until nothing is, note what is left.
if [ "$1" = flush ]; then
	mtetag_dbg pending_pages >"$2/held"
	echo 0 >"$DELAY"
	mtetag_wait_compressed
	mtetag_dbg pending_pages >"$2/left"
	exit 0
fi

ktap_print_header
if [ ! -f "$DELAY" ]; then
	ktap_skip_all "$DELAY absent: no mtetag, or no deferred compression"
	exit "$KSFT_SKIP"
fi
[ -f "$DBG/stats" ] || mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
if [ ! -f "$DBG/stats" ]; then
	ktap_skip_all "$DBG/stats not readable: the counters of the worker are in debugfs"
	exit "$KSFT_SKIP"
fi

TMP=$(mktemp -d /tmp/swap_deferred.XXXXXX) || exit "$KSFT_FAIL"
orig=$(cat "$DELAY")
trap 'echo "$orig" >"$DELAY"; rm -rf "$TMP"' EXIT
ktap_set_plan 6

# A pending entry is always a raw one; sampled while the tests run, both
# from one read of the file. Each counter is exact, but an update in flight
# on another CPU may show in one and not yet in the other: one per CPU.
NCPUS=$(grep -c '^processor' /proc/cpuinfo)
sample() {
	while [ -f "$TMP/run" ]; do
		awk -v slack="${NCPUS:-1}" '
			$1 == "pending_pages" { p = $2 }
			$1 == "raw_pages" { r = $2 }
			END { if (p > r + slack) print "pending_pages " p " > raw_pages " r }' \
			"$DBG/stats" >>"$TMP/bad"
		sleep 0.05
	done
}

run() {		# run NAME PROGRAM ARGS...: a KTAP result of its exit status
	name=$1
	shift
	"$@" >"$TMP/out" 2>&1
	rc=$?
	grep '^# .*pages\|^# .*bad\|^not ok' "$TMP/out" | sed 's/^# //; s/^/# /'
	ktap_test_result "$name: every tag and byte survives (exit $rc)" [ "$rc" = 0 ]
}

echo 1 >"$DELAY"
c0=$(mtetag_dbg compressions)
: >"$TMP/run"
sample &
run "swap_tags, pages out 300 ms" "$SWAP_TAGS" -n 2048 -x "sleep 0.3"
run "swap_reuse" "$SWAP_REUSE" -n 700 -i 2
run "swap_race" "$SWAP_RACE" -n 32 -i 50 -t 2
rm -f "$TMP/run"
wait
c1=$(mtetag_dbg compressions)
ktap_print_msg "compressions +$((c1 - c0)) with compress_delay_ms 1"
ktap_test_result "the worker compressed entries meanwhile" [ $((c1 - c0)) -gt 0 ]
ktap_test_result "pending_pages <= raw_pages (+$NCPUS in flight) throughout" [ ! -s "$TMP/bad" ]
[ -s "$TMP/bad" ] && sed 's/^/# /' "$TMP/bad" | head -5

# Pages held back with a long delay wait; writing 0 compresses them at once
# (run by swap_tags while its pages are out: "flush" mode below).
echo 60000 >"$DELAY"
"$SWAP_TAGS" -n 256 -p heap -x "$SELF flush $TMP" >"$TMP/out" 2>&1
rc=$?
held=$(cat "$TMP/held" 2>/dev/null) left=$(cat "$TMP/left" 2>/dev/null)
ktap_print_msg "256 heap pages out with 60000 ms: ${held:-?} pending; after writing 0: ${left:-?}"
flushed() {
	[ "$rc" = 0 ] && [ "${held:-0}" -ge 128 ] && [ "$left" = 0 ]
}
ktap_test_result "writing 0 compresses what waits: pending_pages drops to 0" flushed

ktap_finished
