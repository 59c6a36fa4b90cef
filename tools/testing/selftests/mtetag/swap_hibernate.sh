#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hibernation keeps swapped tags. With tagged pages out on swap, hibernate
# in the kernel's test_resume mode (/sys/power/disk): the image is written
# to the same swap device, around the slots the tagged pages hold, then read
# back and restored without a reboot. Afterwards:
#  - the hibernation really happened (arm64 logged the restore);
#  - the tag store still holds an entry for each of the test's swapped pages
#    (it is kernel memory, so it is in the image);
#  - swap_tags finds every tag and byte of its pages, for each pattern.
#
# Usage: swap_hibernate.sh          run the tests; KTAP on stdout
#        swap_hibernate.sh while-out DIR
#                                   (run by swap_tags -x while its pages are
#                                   out) hibernate, writing figures to DIR
# busybox sh; exits 0 (pass), 1 (a test failed) or 4 (skip: no hibernation
# or no block swap device to resume from). Environment: SWAP_TAGS (default:
# swap_tags beside this script).

HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/$(basename "$0")
SWAP_TAGS=${SWAP_TAGS:-$HERE/swap_tags}
SYS=/sys/kernel/mm/mtetag
NPAGES=512

# stored_pages, or "-" without mtetag: the test is not tuned to it
stored() { cat "$SYS/stored_pages" 2>/dev/null || echo -; }

if [ "$1" = while-out ]; then
	stored >"$2/before"
	# Only what the kernel logs from now on; never clear the log: the
	# test harness reads it at the end (KUnit results, warnings).
	seen=$(dmesg | wc -l)
	echo test_resume >/sys/power/disk &&
		echo disk >/sys/power/state
	echo $? >"$2/rc"
	stored >"$2/after"
	dmesg | tail -n +$((seen + 1)) >"$2/dmesg"
	exit 0
fi

. "$HERE/../kselftest/ktap_helpers.sh"
ktap_print_header

# The first swap device that is a disk partition or disk, not zram: the
# image must survive being written and read back.
resume_dev() {
	sed -n 's|^/dev/\([^ ]*\) .*|\1|p' /proc/swaps | while read -r d; do
		case $d in zram*) continue ;; esac
		[ -r "/sys/class/block/$d/dev" ] && cat "/sys/class/block/$d/dev" && return
	done
}

if ! grep -qw disk /sys/power/state 2>/dev/null ||
   ! grep -qw test_resume /sys/power/disk 2>/dev/null; then
	ktap_skip_all "no hibernation (CONFIG_HIBERNATION) in this kernel"
	exit "$KSFT_SKIP"
fi
dev=$(resume_dev)
if [ -z "$dev" ]; then
	ktap_skip_all "no swap on a block device to hibernate to (zram cannot hold an image)"
	exit "$KSFT_SKIP"
fi
if ! echo "$dev" >/sys/power/resume; then
	ktap_skip_all "cannot use $dev as the resume device"
	exit "$KSFT_SKIP"
fi

TMP=$(mktemp -d /tmp/swap_hibernate.XXXXXX) || exit "$KSFT_FAIL"
trap 'rm -rf "$TMP"' EXIT
PATTERNS="random heap zero"
ktap_set_plan $(($(echo $PATTERNS | wc -w) * 3))

for p in $PATTERNS; do
	d=$TMP/$p
	mkdir -p "$d"
	"$SWAP_TAGS" -n $NPAGES -p "$p" -x "$SELF while-out $d" >"$d/out" 2>&1
	rc=$?
	sed 's/^/# /' "$d/out" | grep -v '^# *$' | grep -v '^# TAP\|^# 1\.\.\|^# # Totals'
	before=$(cat "$d/before" 2>/dev/null) after=$(cat "$d/after" 2>/dev/null)
	ktap_print_msg "$p: hibernation rc=$(cat "$d/rc" 2>/dev/null)," \
		"stored_pages $before before, $after after"
	grep 'PM: hibernation: \(Need\|Allocated\)\|MTE pages' "$d/dmesg" 2>/dev/null |
		sed 's/^/#   /'
	# The log is restored with the image: what the kernel printed while
	# writing and reading it is gone, but arm64 logs the restore itself.
	hibernated() {
		[ "$(cat "$d/rc" 2>/dev/null)" = 0 ] &&
			grep -q 'hibernate: Restored [0-9]* MTE pages' "$d/dmesg"
	}
	ktap_test_result "$p: hibernated and restored with tagged pages on swap" hibernated
	# Entries of slots freed before (parked in per-CPU slot caches, which
	# taking CPUs offline drains) may go; the test's own pages must stay.
	kept() {
		[ "$before" = - ] && [ "$after" = - ] && return 0
		evicted=$(sed -n 's/.* \([0-9]*\) evicted,.*/\1/p' "$d/out")
		[ -n "$evicted" ] && [ "$after" -ge "$evicted" ] &&
			[ "$after" -le $((before + NPAGES)) ]
	}
	ktap_test_result "$p: the tag store still holds the swapped pages' tags" kept
	ktap_test_result "$p: every tag and byte survives" [ "$rc" = 0 ]
done
ktap_finished
