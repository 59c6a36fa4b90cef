#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests that need no kernel boot: the codec harness (kernel sources compiled
# in userspace, sanitizers, a short fuzz run), the mtetag-stat tool against
# fixture trees, make bench's refusal of bad knobs and its report's reading
# of fixture boot logs. Each suite ends with 'N passed, N failed'; the sums
# go to $1 (default build/logs/host.counts).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
counts=${1:-$top/build/logs/host.counts}
mkdir -p "$(dirname "$counts")" "$top/build/logs"
p=0 f=0 s=0

# suite NAME LOG CMD...: run CMD into LOG and add its 'N passed, N failed'
suite() {
	local name=$1 log=$2 rc line sp sf ss
	shift 2
	echo "host-test: $name"
	"$@" > "$log" 2>&1
	rc=$?
	line=$(grep -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	grep -E '^not ok|FAIL' "$log" | head -20
	if [ -z "$line" ]; then
		echo "host-test: $name: FAIL: no 'N passed, N failed' line (exit $rc); see $log"
		tail -20 "$log"
		f=$((f + 1))
		return
	fi
	read -r sp sf ss <<< "$(echo "$line" | sed -E 's/^[^0-9]*([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/')"
	p=$((p + sp)) f=$((f + sf)) s=$((s + ${ss:-0}))
	if [ "$rc" -ne 0 ] && [ "$sf" -eq 0 ]; then
		echo "host-test: $name: FAIL: exit $rc; see $log"
		f=$((f + 1))
	fi
	echo "host-test: $name: $sp passed, $sf failed"
}

for dir in tools/testing/mtetag tools/mtetag-stat; do
	[ -f "$top/$dir/Makefile" ] || continue
	suite "$dir" "$top/build/logs/host-$(basename "$dir").log" make -s -C "$top/$dir" test
done
suite "bench arguments" "$top/build/logs/host-bench-args.log" "$top/scripts/bench-args-test.sh"
suite "bench report" "$top/build/logs/host-bench-report.log" python3 "$top/scripts/bench-report-test.py"
echo "$p $f $s" > "$counts"
echo "host: $p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
