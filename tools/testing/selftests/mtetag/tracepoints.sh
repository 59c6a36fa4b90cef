#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mtetag's tracepoints (include/trace/events/mtetag.h), checked against its
# own counters on the running kernel:
#  - the six events exist and their formats carry the documented fields;
#  - while tagged pages go to swap and back, every save, restore,
#    invalidate and deferred compression counted by mtetag is traced exactly
#    once, the traced sizes add up to the change of stored_bytes, and the
#    codec and size fields say what the pattern implies (all-zero tags:
#    "zero", inline, no payload; random tags: "raw", 128 bytes; heap-like
#    tags kept out past compress_delay_ms: compressed, under 128 bytes);
#  - an injected save failure is traced as mtetag_save_fail, reason=nomem,
#    err=-12, exactly as often as save_failures_nomem counts it;
#  - swapoff traces mtetag_invalidate_area once per device, with the number
#    of entries swapoff found left over.
#
# busybox sh; KTAP on stdout; exits 0 (pass), 1 (a test failed) or 4 (skip:
# no mtetag or no tracefs). Environment: SWAP_TAGS (default: swap_tags
# beside this script).

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../kselftest/ktap_helpers.sh"
. "$HERE/mtetag_lib.sh"

SYS=$MTETAG_SYS
DBG=$MTETAG_DBG
TR=/sys/kernel/tracing
SWAP_TAGS=${SWAP_TAGS:-$HERE/swap_tags}
EVENTS="mtetag_save mtetag_restore mtetag_invalidate mtetag_invalidate_area mtetag_save_fail mtetag_compress"
NPAGES=256

ktap_print_header
if [ ! -d "$SYS" ]; then
	ktap_skip_all "$SYS absent: no mtetag in this kernel, or not active (no MTE)"
	exit "$KSFT_SKIP"
fi
[ -d "$TR/events" ] || mount -t tracefs nodev "$TR" 2>/dev/null
if [ ! -d "$TR/events/mtetag" ]; then
	ktap_skip_all "no $TR/events/mtetag: tracing not built in"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 16

val() { cat "$SYS/$1"; }

# Trace only the given mtetag events, into an empty and large buffer.
trace_start() {
	echo 0 >"$TR/tracing_on"
	for e in $EVENTS; do
		echo 0 >"$TR/events/mtetag/$e/enable"
	done
	for e in "$@"; do
		echo 1 >"$TR/events/mtetag/$e/enable"
	done
	: >"$TR/trace"
	echo 1 >"$TR/tracing_on"
}

# Stop tracing and copy what was traced to $TRACE. Fails if the ring buffer
# dropped events: the counts below would be meaningless.
trace_stop() {
	echo 0 >"$TR/tracing_on"
	grep ' mtetag_' "$TR/trace" >"$TRACE"
	! grep -q '^overrun: [1-9]' "$TR"/per_cpu/cpu*/stats
}

count() { grep -c " $1: " "$TRACE"; }

# Sum of the values of field $2 (e.g. size) over the events $1.
field_sum() {
	grep " $1: " "$TRACE" | sed -n "s/.* $2=\([0-9-]*\).*/\1/p" |
		awk '{ s += $1 } END { print s + 0 }'
}

TRACE=$(mktemp /tmp/tracepoints.XXXXXX) || exit "$KSFT_FAIL"
BUF_KB=$(cat "$TR/buffer_size_kb")
cleanup() {
	echo 0 >"$TR/tracing_on"
	for e in $EVENTS; do
		echo 0 >"$TR/events/mtetag/$e/enable"
	done
	: >"$TR/trace"
	echo "${BUF_KB%% *}" >"$TR/buffer_size_kb"
	rm -f "$TRACE"
}
trap cleanup EXIT
# room for some thousand events per CPU without overrun
echo 8192 >"$TR/buffer_size_kb"

# ---- the events and their formats ---------------------------------------

has_fields() {	# has_fields EVENT FIELD...
	e=$1
	shift
	for f in "$@"; do
		grep -q "field:.*[ *]$f;" "$TR/events/mtetag/$e/format" || {
			ktap_print_msg "$e: no field $f"
			return 1
		}
	done
}
ktap_test_result "mtetag_save has type, offset, codec, size, is_inline" \
	has_fields mtetag_save type offset codec size is_inline
ktap_test_result "mtetag_restore has type, offset, codec, claimed" \
	has_fields mtetag_restore type offset codec claimed
ktap_test_result "mtetag_invalidate has type, offset, size" \
	has_fields mtetag_invalidate type offset size
ktap_test_result "mtetag_invalidate_area has type, nr_freed" \
	has_fields mtetag_invalidate_area type nr_freed
ktap_test_result "mtetag_save_fail has type, offset, reason, err" \
	has_fields mtetag_save_fail type offset reason err
ktap_test_result "mtetag_compress has type, offset, codec, size, is_inline" \
	has_fields mtetag_compress type offset codec size is_inline

# ---- every counted event is traced once ---------------------------------

# The worker compresses pages left pending at any time, which changes
# stored_bytes: compress what earlier tests left first, untraced, read the
# counters inside the trace window, and close it only once nothing waits,
# so that every compression that moves stored_bytes is traced.
mtetag_compress_now
trace_start mtetag_save mtetag_restore mtetag_invalidate mtetag_compress
s0=$(val saves) r0=$(val restores) i0=$(val invalidates) b0=$(val stored_bytes)
p0=$(mtetag_dbg replaces) c0=$(mtetag_dbg compressions)
"$SWAP_TAGS" -n $NPAGES >/dev/null
out_ok=$?
mtetag_wait_compressed
s1=$(val saves) r1=$(val restores) i1=$(val invalidates) b1=$(val stored_bytes)
p1=$(mtetag_dbg replaces) c1=$(mtetag_dbg compressions)
trace_stop
buf_ok=$?
ktap_print_msg "swap_tags -n $NPAGES: saves +$((s1 - s0)) restores +$((r1 - r0))" \
	"invalidates +$((i1 - i0)); traced $(count mtetag_save) saves," \
	"$(count mtetag_restore) restores, $(count mtetag_invalidate) invalidates"
[ "$out_ok" = 0 ] || ktap_print_msg "swap_tags failed ($out_ok)"
[ "$buf_ok" = 0 ] || ktap_print_msg "the trace buffer overran"

ktap_test_result "some tagged pages were saved and nothing was lost" \
	[ "$out_ok" = 0 -a "$buf_ok" = 0 -a $((s1 - s0)) -ge $NPAGES ]
ktap_test_result "one mtetag_save per counted save" \
	[ "$(count mtetag_save)" = $((s1 - s0)) ]
# claimed=0: the page had its tags already (counted apart, restores_tagged)
ktap_test_result "one mtetag_restore claimed=1 per counted restore" \
	[ "$(grep -c ' mtetag_restore: .* claimed=1' "$TRACE")" = $((r1 - r0)) ]
ktap_test_result "one mtetag_invalidate per counted invalidate" \
	[ "$(count mtetag_invalidate)" = $((i1 - i0)) ]

# Replacing an entry frees the old one without an invalidate event; a
# compression replaces a 128-byte raw entry by the size it traces.
if [ -n "$p0" ] && [ "$p0" = "$p1" ]; then
	saved=$(field_sum mtetag_save size)
	freed=$(field_sum mtetag_invalidate size)
	shrunk=$((128 * $(count mtetag_compress) - $(field_sum mtetag_compress size)))
	ktap_print_msg "traced sizes: +$saved -$freed -$shrunk; stored_bytes +$((b1 - b0))"
	ktap_test_result "traced sizes add up to the change of stored_bytes" \
		[ $((saved - freed - shrunk)) = $((b1 - b0)) ]
else
	ktap_test_skip "traced sizes add up (entries replaced, or no debugfs)"
fi

# ---- the fields say what the pattern implies ----------------------------

# Every traced save of PATTERN's pages says FIELDS, and there are NPAGES/2+.
# (ktap_test_result splits its arguments: the fields are looked up here.)
pattern_fields() {	# pattern_fields PATTERN
	case $1 in
	zero) fields='codec=zero size=0 inline=1' ;;
	random) fields='codec=raw size=128 inline=0' ;;
	esac
	trace_start mtetag_save
	"$SWAP_TAGS" -n $NPAGES -p "$1" >/dev/null || return 1
	trace_stop || return 1
	all=$(count mtetag_save)
	good=$(grep -c " mtetag_save: type=[0-9]* offset=[0-9]* $fields\$" "$TRACE")
	ktap_print_msg "$1: $good of $all saves say '$fields'"
	[ "$all" -ge $((NPAGES / 2)) ] && [ "$good" = "$all" ]
}
ktap_test_result "all-zero tags are saved as codec=zero, inline, no payload" \
	pattern_fields zero
ktap_test_result "random tags are saved as codec=raw, 128 bytes" \
	pattern_fields random

# ---- deferred compression -----------------------------------------------

# Heap-like pages kept out past the compress delay (shortened to 1 ms) are
# compressed by the worker: one mtetag_compress per counted compression,
# each below the 128 bytes of the raw entry it replaced.
deferred() {
	DELAY=$SYS/compress_delay_ms
	[ -f "$DELAY" ] && [ -n "$(mtetag_dbg compressions)" ] || return 2
	d0=$(cat "$DELAY")
	# Entries left pending by earlier tests are compressed first,
	# untraced; then every compression counted happens while tracing:
	# nothing else is pending at c0, and nothing is left at c1.
	mtetag_compress_now
	echo 1 >"$DELAY"
	trace_start mtetag_compress
	c0=$(mtetag_dbg compressions)
	"$SWAP_TAGS" -n $NPAGES -p heap -x "sleep 1" >/dev/null
	rc=$?
	mtetag_wait_compressed
	c1=$(mtetag_dbg compressions)
	echo "$d0" >"$DELAY"
	trace_stop || return 1
	n=$(count mtetag_compress)
	small=$(grep ' mtetag_compress: ' "$TRACE" |
		sed -n 's/.* codec=golomb size=\([0-9]*\) inline=[01]$/\1/p' |
		awk '$1 < 128' | wc -l)
	ktap_print_msg "heap, compress_delay_ms 1: compressions +$((c1 - c0)), traced $n, $small golomb under 128 bytes"
	[ "$rc" = 0 ] && [ "$n" = $((c1 - c0)) ] && [ "$n" -ge $((NPAGES / 2)) ] &&
		[ "$small" = "$n" ]
}
deferred
case $? in
0) ktap_test_pass "deferred compressions are traced once each, golomb, under 128 bytes" ;;
2) ktap_test_skip "deferred compression traced (no compress_delay_ms or no debugfs)" ;;
*) ktap_test_fail "deferred compressions are traced once each, golomb, under 128 bytes" ;;
esac

# ---- save failures ------------------------------------------------------

fail_save() {	# one injected allocation failure
	F=$DBG/fail_save
	[ -d "$F" ] || return 2
	f0=$(val save_failures_nomem)
	trace_start mtetag_save_fail
	echo 0 >"$F/verbose"
	echo 1 >"$F/interval"
	echo 1 >"$F/times"
	echo 100 >"$F/probability"
	"$SWAP_TAGS" -n 64 -p random >/dev/null
	rc=$?
	echo 0 >"$F/probability"
	trace_stop || return 1
	f1=$(val save_failures_nomem)
	ktap_print_msg "save_failures_nomem +$((f1 - f0)), traced" \
		"$(count mtetag_save_fail): $(grep -m1 ' mtetag_save_fail: ' "$TRACE")"
	[ "$rc" = 0 ] && [ $((f1 - f0)) = 1 ] &&
		[ "$(grep -c ' mtetag_save_fail: .* reason=nomem err=-12$' "$TRACE")" = 1 ]
}
fail_save
case $? in
0) ktap_test_pass "an injected save failure is traced once, reason=nomem err=-12" ;;
2) ktap_test_skip "save failures traced (no $DBG/fail_save: CONFIG_MTETAG_FAULT_INJECTION off)" ;;
*) ktap_test_fail "an injected save failure is traced once, reason=nomem err=-12" ;;
esac

# ---- swapoff ------------------------------------------------------------

swapoff_area() {
	devs=$(sed -n 's|^\(/[^ ]*\) .*|\1|p' /proc/swaps)
	[ -n "$devs" ] || return 1
	l0=$(mtetag_dbg swapoff_leftovers)
	trace_start mtetag_invalidate_area
	for d in $devs; do
		swapoff "$d" && swapon "$d" || return 1
	done
	trace_stop || return 1
	l1=$(mtetag_dbg swapoff_leftovers)
	ndev=$(echo "$devs" | wc -w)
	ktap_print_msg "swapoff of $ndev devices traced:" \
		"$(grep ' mtetag_invalidate_area: ' "$TRACE" | sed 's/.*: //' | tr '\n' ' ')"
	[ "$(count mtetag_invalidate_area)" = "$ndev" ] &&
		{ [ -z "$l0" ] || [ "$(field_sum mtetag_invalidate_area freed)" = $((l1 - l0)) ]; }
}
ktap_test_result "swapoff traces mtetag_invalidate_area once per device, with its leftovers" \
	swapoff_area

ktap_finished
