#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# negative-control.sh KERNEL INITRD COUNTS
#
# Proof that the pipeline cannot pass on a broken emulator. Debian 12's own
# QEMU 7.2 stores one MTE tag per page instead of per granule; boot the guest
# on it (unpacked from the archive into the cache, not installed):
#   1. the run must fail, naming the emulator self-check;
#   2. with the self-check skipped, the swap_tags test itself must fail:
#      the tag-preservation test really detects lost tags.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1 initrd=$2 counts=$3
cache=${MTETAG_CACHE:-$HOME/.cache/mtetag}
logs=$(dirname "$counts")
q72=$cache/qemu-7.2
ver=1:7.2+dfsg-7+deb12u18+b3
p=0 f=0

if [ ! -x "$q72/usr/bin/qemu-system-aarch64" ]; then
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q "qemu-system-arm=$ver" >/dev/null 2>&1) &&
		dpkg-deb -x "$tmp"/qemu-system-arm_*.deb "$q72.tmp" && rm -rf "$q72" &&
		mv "$q72.tmp" "$q72"
	rm -rf "$tmp"
fi
if [ ! -x "$q72/usr/bin/qemu-system-aarch64" ]; then
	echo "ok 1 - negative control # SKIP qemu-system-arm $ver not in the archive"
	echo "0 0 1" > "$counts"
	exit 0
fi
export QEMU=$q72/usr/bin/qemu-system-aarch64 QEMU_ALLOW_BROKEN=1 QUIET=1 TIMEOUT=300

"$top/scripts/qemu.sh" "$kernel" "$initrd" test "$logs/neg-selfcheck.log" disk
if python3 "$top/scripts/results.py" "$logs/neg-selfcheck.log" neg >/dev/null; then
	echo "not ok 1 - QEMU 7.2: the run passed although the emulator is broken"
	f=$((f + 1))
elif grep -q "mte-selfcheck: FAIL: .*does not store one tag per granule" "$logs/neg-selfcheck.log"; then
	echo "ok 1 - QEMU 7.2: the self-check stops the run and names the cause"
	p=$((p + 1))
else
	echo "not ok 1 - QEMU 7.2: the run failed, but not by the self-check"
	f=$((f + 1))
fi

APPEND="guest_selfcheck=0 guest_tests=swap_tags" \
	"$top/scripts/qemu.sh" "$kernel" "$initrd" test "$logs/neg-swaptags.log" disk
res=$(sed -n '/===MTETAG-RESULTS-BEGIN===/,/===MTETAG-RESULTS-END===/p' "$logs/neg-swaptags.log")
bad=$(grep -c '^not ok .*tags and data survive swap' <<< "$res")
good=$(grep -c '^ok .*tags and data survive swap' <<< "$res")
# every non-uniform pattern must be caught; zero and uniform pages look the
# same with one tag per page, so they may pass
if [ "$bad" -ge 3 ]; then
	echo "ok 2 - QEMU 7.2: swap_tags detects the lost tags ($bad patterns fail, $good pass)"
	p=$((p + 1))
else
	echo "not ok 2 - QEMU 7.2: swap_tags did not detect lost tags ($bad fail, $good pass)"
	f=$((f + 1))
fi
echo "$p $f 0" > "$counts"
echo "negative-control: $p passed, $f failed"
[ "$f" -eq 0 ]
