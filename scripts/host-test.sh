#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests that need no kernel boot: the codec harness (kernel sources compiled
# in userspace, sanitizers, a short fuzz run), the mtetag-stat tool against
# fixture trees and make bench's refusal of bad knobs. Each suite ends with
# 'N passed, N failed'; the sums go to $1 (default build/logs/host.counts).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
counts=${1:-$top/build/logs/host.counts}
mkdir -p "$(dirname "$counts")" "$top/build/logs"
p=0 f=0 s=0
for suite in tools/testing/mtetag tools/mtetag-stat; do
	[ -f "$top/$suite/Makefile" ] || continue
	log=$top/build/logs/host-$(basename "$suite").log
	echo "host-test: $suite"
	make -s -C "$top/$suite" test > "$log" 2>&1
	rc=$?
	line=$(grep -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	grep -E '^not ok|FAIL' "$log" | head -20
	if [ -z "$line" ]; then
		echo "host-test: $suite: FAIL: no 'N passed, N failed' line (exit $rc); see $log"
		tail -20 "$log"
		f=$((f + 1))
		continue
	fi
	read -r sp sf ss <<< "$(echo "$line" | sed -E 's/^[^0-9]*([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/')"
	p=$((p + sp)) f=$((f + sf)) s=$((s + ${ss:-0}))
	if [ "$rc" -ne 0 ] && [ "$sf" -eq 0 ]; then
		echo "host-test: $suite: FAIL: exit $rc; see $log"
		f=$((f + 1))
	fi
	echo "host-test: $suite: $sp passed, $sf failed"
done
# make bench's knobs
log=$top/build/logs/host-bench-args.log
echo "host-test: bench arguments"
"$top/scripts/bench-args-test.sh" > "$log" 2>&1
line=$(grep -E '^bench-args: [0-9]+ passed, [0-9]+ failed' "$log")
grep '^not ok' "$log" | head -20
if [ -z "$line" ]; then
	echo "host-test: bench arguments: FAIL: no 'N passed, N failed' line; see $log"
	f=$((f + 1))
else
	read -r sp sf <<< "$(echo "$line" | sed -E 's/^[^0-9]*([0-9]+) passed, ([0-9]+) failed.*/\1 \2/')"
	p=$((p + sp)) f=$((f + sf))
	echo "host-test: bench arguments: $sp passed, $sf failed"
fi
echo "$p $f $s" > "$counts"
echo "host: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
