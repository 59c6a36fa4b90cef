#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-guest check of mtetag-stat against the kernel it runs on: every number
# "mtetag-stat -j" reports must equal the sysfs file it comes from, and the
# derived figures must follow from those numbers. busybox sh, sed and awk
# only (no python in the guest): the JSON has one member per line, which is
# all the parsing below relies on.
#
# Usage: guest-check.sh [MTETAG-STAT]   (default: mtetag-stat from PATH)
# MTETAG_STAT_ROOT=DIR reads DIR/sys/... instead of /sys (host testing).
#
# Prints "ok N - ..." / "not ok N - ..." lines, then "P passed, F failed";
# exits 1 if a check failed. The system need not be idle: a counter that
# moves while mtetag-stat runs must lie between the values read just
# before and just after it.

PROG=${1:-mtetag-stat}
ROOT=${MTETAG_STAT_ROOT:-}
SYS=$ROOT/sys/kernel/mm/mtetag
TMP=$(mktemp -d /tmp/guest-check.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

n=0
pass=0
fail=0

ok() {
	n=$((n + 1))
	pass=$((pass + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	fail=$((fail + 1))
	echo "not ok $n - $*"
}

check() {	# check DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

stat_cmd() {
	if [ -n "$ROOT" ]; then
		"$PROG" --root "$ROOT" "$@"
	else
		"$PROG" "$@"
	fi
}

# Without mtetag, the tool must say so and exit 2.
if [ ! -d "$SYS" ]; then
	stat_cmd -j >"$TMP/out" 2>"$TMP/err"
	rc=$?
	check "no mtetag in this kernel: exit 2 (got $rc)" [ "$rc" -eq 2 ]
	check "no mtetag in this kernel: says so" \
		grep -q "mtetag not found: this kernel has no mtetag" "$TMP/err"
	finish
fi

# "name value" for every numeric file, "swap.<type>.<name> value" per type.
sysfs_flat() {
	for f in "$SYS"/*; do
		[ -f "$f" ] || continue
		name=${f##*/}
		[ "$name" = codec ] && continue
		echo "$name $(cat "$f")"
	done
	for d in "$SYS"/swap/*; do
		[ -d "$d" ] || continue
		t=${d##*/}
		for f in "$d"/*; do
			name=${f##*/}
			[ "$name" = device ] && continue
			echo "swap.$t.$name $(cat "$f")"
		done
	done
}

sysfs_flat | sort >"$TMP/before"
stat_cmd -j >"$TMP/json" 2>"$TMP/err"
rc=$?
sysfs_flat | sort >"$TMP/after"

check "mtetag-stat -j: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "mtetag-stat -j: nothing on stderr" [ ! -s "$TMP/err" ]
one_object() {
	[ "$(sed -n '1p' "$TMP/json")" = "{" ] && [ "$(sed -n '$p' "$TMP/json")" = "}" ]
}
check "mtetag-stat -j: one object" one_object
[ "$rc" -eq 0 ] || finish

# The JSON flattened the same way; derived figures and the codec go apart.
awk -v flat="$TMP/jflat" -v derived="$TMP/jderived" -v strings="$TMP/jstr" '
function member(line, indent) {
	line = substr(line, indent + 2)		# past the indent and the quote
	key = substr(line, 1, index(line, "\"") - 1)
	val = substr(line, length(key) + 4)	# past the quote, colon, space
	sub(/,$/, "", val)
}
/^  "save_failures_by_reason": \{/ { in_obj = "reason"; next }
/^  "swap": \[/ { in_obj = "swap"; next }
/^  [}\]]/ { in_obj = ""; next }
in_obj == "" && /^  "/ {
	member($0, 2)
	if (val ~ /^"/)
		print key, val > strings
	else if (val ~ /^[0-9]+$/ && key !~ /^(schema|page_size|uncompressed_bytes_per_page|uncompressed_bytes)$/)
		print key, val > flat
	else
		print key, val > derived
}
in_obj == "reason" && /^    "/ {
	member($0, 4)
	print "save_failures_" key, val > flat
}
in_obj == "swap" && /^      "/ {
	member($0, 6)
	if (key == "type")
		type = val
	else if (val ~ /^"/)
		print "swap." type "." key, val > strings
	else if (val ~ /^[0-9]+$/ && key != "uncompressed_bytes")
		print "swap." type "." key, val > flat
	else
		print "swap." type "." key, val > derived
}
' "$TMP/json"
sort -o "$TMP/jflat" "$TMP/jflat"

check "same files in sysfs as numbers in the JSON" \
	[ "$(cut -d' ' -f1 "$TMP/before")" = "$(cut -d' ' -f1 "$TMP/jflat")" ]

value() {	# value KEY FILE
	awk -v k="$1" '$1 == k { print $2 }' "$2"
}

# Each number: equal to the file, or between before and after if it moved.
while read -r key b; do
	a=$(value "$key" "$TMP/after")
	j=$(value "$key" "$TMP/jflat")
	if [ -z "$j" ]; then
		not_ok "$key: missing from the JSON"
	elif [ "$a" = "$b" ] && [ "$j" = "$b" ]; then
		ok "$key = $b"
	elif [ "$a" = "$b" ]; then
		not_ok "$key: JSON says $j, sysfs $b"
	elif awk -v j="$j" -v a="$a" -v b="$b" \
		'BEGIN { exit !((j >= a && j <= b) || (j >= b && j <= a)) }'; then
		ok "$key = $j (moved from $b to $a during the run)"
	else
		not_ok "$key = $j, outside $b..$a"
	fi
done <"$TMP/before"

# The current codec is the one in brackets.
cur=$(sed -n 's/.*\[\([a-z0-9_]*\)\].*/\1/p' "$SYS/codec")
check "codec = $cur" grep -qx "codec \"$cur\"" "$TMP/jstr"

# Each swap type's device.
for d in "$SYS"/swap/*; do
	[ -d "$d" ] || continue
	t=${d##*/}
	dev=$(cat "$d/device")
	check "swap type $t device = $dev" \
		grep -qxF "swap.$t.device \"$dev\"" "$TMP/jstr"
done

# Derived figures, from the JSON's own numbers (they cannot race).
PER=$(sed -n 's/^  "uncompressed_bytes_per_page": \([0-9]*\),$/\1/p' "$TMP/json")
derived_ok() {	# derived_ok PREFIX: PREFIXbytes_per_page etc.
	awk -v p="$1" -v per="$PER" -v flat="$TMP/jflat" '
	function near(x, y) { return x - y < 0.001 && y - x < 0.001 }
	FILENAME == flat { v[$1] = $2; next }
	{ d[$1] = $2 }
	END {
		pages = v[p "stored_pages"]
		total = v[p "total_bytes"]
		if (per == "" || d[p "uncompressed_bytes"] != pages * per)
			exit 1
		if (pages == 0)
			exit !(d[p "bytes_per_page"] == "null" &&
			       d[p "compression_ratio"] == "null" &&
			       d[p "inline_percent"] == "null" &&
			       d[p "zero_percent"] == "null")
		if (!near(d[p "bytes_per_page"], total / pages))
			exit 1
		if (total && !near(d[p "compression_ratio"], pages * per / total))
			exit 1
		if (!total && d[p "compression_ratio"] != "null")
			exit 1
		if (!near(d[p "inline_percent"], 100 * v[p "inline_pages"] / pages) ||
		    !near(d[p "zero_percent"], 100 * v[p "zero_pages"] / pages))
			exit 1
	}' "$TMP/jflat" "$TMP/jderived"
}
check "derived figures follow from the totals" derived_ok ""
for d in "$SYS"/swap/*; do
	[ -d "$d" ] || continue
	t=${d##*/}
	check "derived figures follow from swap type $t's numbers" derived_ok "swap.$t."
done

# The other modes run and agree on the basics.
stat_cmd >"$TMP/table" 2>"$TMP/err"
rc=$?
check "table: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "table: shows the current codec" grep -q "^codec: $cur " "$TMP/table"
stat_cmd -d -g >"$TMP/table" 2>"$TMP/err"
rc=$?
check "table -d -g: exit 0 (got $rc)" [ "$rc" -eq 0 ]
has_sections() {
	grep -q "^Debugfs details" "$TMP/table" && grep -q "^Per cgroup" "$TMP/table"
}
check "table -d -g: debugfs and cgroup sections" has_sections
stat_cmd -i 0.2 -c 2 >"$TMP/watch" 2>"$TMP/err"
rc=$?
check "watch -i 0.2 -c 2: exit 0 (got $rc)" [ "$rc" -eq 0 ]
check "watch -i 0.2 -c 2: header and two lines" \
	[ "$(grep -c '^ *[0-9]' "$TMP/watch")" -eq 2 ]

finish
