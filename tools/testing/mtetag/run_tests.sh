#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run the mtetag codec tests and a short fuzz of each target; print every
# TAP line, then the total as "N passed, N failed"; fail if anything failed.
B=$1
SECS=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$B/mtetag_test" corpus/captured | grep -v 'passed, .* failed$' | tee -a "$out"
echo "# zstd compiled out" | tee -a "$out"
"$B/mtetag_test_nozstd" corpus/captured | grep -v 'passed, .* failed$' |
	sed 's/^\(\(not \)\{0,1\}ok [0-9]* - \)/\1nozstd: /' | tee -a "$out"

for f in "$@"; do
	mkdir -p "$B/corpus-$f"
	# a crashing input goes to $B, not into the source tree
	if "$B/$f" -max_total_time="$SECS" -max_len=300 \
		-artifact_prefix="$B/$f-" "$B/corpus-$f" > "$B/$f.log" 2>&1; then
		echo "ok - fuzz $f ${SECS}s ($(grep -o 'Done [0-9]* runs' "$B/$f.log"))"
	else
		echo "not ok - fuzz $f: see $B/$f.log, inputs in $B/$f-crash-*"
		tail -20 "$B/$f.log" | sed 's/^/# /'
	fi | tee -a "$out"
done

pass=$(grep -c '^ok ' "$out")
fail=$(grep -c '^not ok ' "$out")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
