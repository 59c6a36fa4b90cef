#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The ABI of /sys/kernel/mm/mtetag (Documentation/ABI/testing/
# sysfs-kernel-mm-mtetag), checked on the running kernel: every documented
# file and nothing else, with its mode; counters that parse; the codec file's
# format and its refusal of bad names; counters that move as they should when
# tagged memory goes to swap and back; swap/<type>/ directories that follow
# swapon and swapoff; debugfs figures that add up to the sysfs ones; and
# mtetag-stat agreeing with sysfs.
#
# Usage: sysfs_abi.sh               run the tests; KTAP on stdout
#        sysfs_abi.sh snapshot DIR  copy every mtetag file into DIR and run
#                                   the mtetag-stat guest check (run by
#                                   swap_tags -x while its pages are out)
# busybox sh; exits 0 (pass), 1 (a test failed) or 4 (skip: no mtetag).
#
# Environment: SWAP_TAGS (default: swap_tags beside this script),
# MTETAG_STAT (default /tools/mtetag-stat), GUEST_CHECK (default: the
# mtetag-stat guest check in /tools or beside this script).

SYS=/sys/kernel/mm/mtetag
DBG=/sys/kernel/debug/mtetag
HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/$(basename "$0")
SWAP_TAGS=${SWAP_TAGS:-$HERE/swap_tags}
MTETAG_STAT=${MTETAG_STAT:-/tools/mtetag-stat}
NPAGES=512
# Pages whose swap slot may outlive munmap, and so keep their entry after
# the test: a swap cache folio that reclaim frees later, or a slot waiting
# in the per-CPU cache of freed slots (SWAP_SLOTS_CACHE_SIZE, 64 per CPU),
# which returns them to the device in batches.
NCPUS=$(grep -c '^processor' /proc/cpuinfo)
SLACK=$((64 * ${NCPUS:-1} + NPAGES / 20))

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

COUNTERS="stored_pages stored_bytes total_bytes inline_pages zero_pages saves restores invalidates"
REASONS="nomem xarray cgroup"
FAILURES="save_failures save_failures_nomem save_failures_xarray save_failures_cgroup"
ALWAYS_CODECS="runs compact raw golomb auto"
DBG_FILES="blob_sizes codecs shards stats"

# ---- snapshot mode: copy the files, touch nothing else -------------------

copy_files() {	# copy_files DIR: every mtetag file, once
	for f in $COUNTERS $FAILURES codec compress_delay_ms; do
		cat "$SYS/$f" >"$1/$f"
	done
	rm -rf "$1/swap" && mkdir -p "$1/swap" || return 1
	for d in "$SYS"/swap/*; do
		[ -d "$d" ] || continue
		mkdir -p "$1/swap/${d##*/}"
		for f in device $COUNTERS; do
			cat "$d/$f" >"$1/swap/${d##*/}/$f"
		done
	done
	if [ -d "$DBG" ]; then
		for f in $DBG_FILES; do
			cat "$DBG/$f" >"$1/dbg.$f"
		done
	fi
}

unchanged() {	# unchanged DIR: the global counters still read as copied
	for f in $COUNTERS; do
		[ "$(cat "$SYS/$f")" = "$(cat "$1/$f")" ] || return 1
	done
}

snapshot() {	# snapshot DIR [check]: with "check", run GUEST_CHECK too
	# The files are read one by one while slots may be freed (reclaim of
	# swap cache folios, batches of the per-CPU cache of freed slots), so
	# copy again until no global counter moved during the copy: then the
	# per-type and debugfs figures are of the same instant as the global.
	mkdir -p "$1" || return 1
	n=0
	while copy_files "$1" && ! unchanged "$1" && [ $n -lt 50 ]; do
		n=$((n + 1))
	done
	echo "$n" >"$1/retries"
	# mtetag-stat against sysfs, while something is stored.
	if [ "$2" = check ] && [ -n "$GUEST_CHECK" ]; then
		sh "$GUEST_CHECK" "$MTETAG_STAT" >"$1/guest-check.out" 2>&1
		echo $? >"$1/guest-check.rc"
	fi
	return 0
}

find_guest_check() {
	for g in "$GUEST_CHECK" /tools/guest-check.sh "$HERE/guest-check.sh"; do
		[ -n "$g" ] && [ -f "$g" ] && { echo "$g"; return; }
	done
}

if [ "$1" = snapshot ]; then
	snapshot "$2" check
	exit
fi

# ---- KTAP ----------------------------------------------------------------

n=0
npass=0
nfail=0
nskip=0

ok() {
	n=$((n + 1))
	npass=$((npass + 1))
	echo "ok $n $*"
}

not_ok() {
	n=$((n + 1))
	nfail=$((nfail + 1))
	echo "not ok $n $*"
}

skip() {	# skip DESCRIPTION REASON
	n=$((n + 1))
	nskip=$((nskip + 1))
	echo "ok $n $1 # SKIP $2"
}

check() {	# check DESCRIPTION COMMAND...
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

diag() {
	echo "# $*"
}

finish() {
	echo "1..$n"
	echo "# Totals: pass:$npass fail:$nfail xfail:0 xpass:0 skip:$nskip error:0"
	[ "$nfail" -eq 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

echo "TAP version 13"
if [ ! -d "$SYS" ]; then
	echo "1..0 # SKIP $SYS absent: no mtetag in this kernel, or not active (no MTE)"
	exit $KSFT_SKIP
fi

TMP=$(mktemp -d /tmp/sysfs_abi.XXXXXX) || exit $KSFT_FAIL
trap 'rm -rf "$TMP"' EXIT

# ---- helpers -------------------------------------------------------------

mode_is() {	# mode_is PATH MODE
	[ -e "$1" ] && [ "$(stat -c %a "$1")" = "$2" ]
}

# One decimal number and a newline, nothing else.
is_counter() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -eq 1 ] && grep -qx '[0-9][0-9]*' "$1"
}

ro_counter() {
	mode_is "$1" 444 && is_counter "$1"
}

val() {		# val DIR NAME: a value of a snapshot
	cat "$1/$2"
}

dbg_sum() {	# dbg_sum DIR FILE FIELD: sum of a column of a debugfs copy
	awk -v f="$3" '{ s += $f } END { print s + 0 }' "$1/dbg.$2"
}

dbg_stat() {	# dbg_stat DIR NAME: a line of the debugfs stats file
	awk -v k="$2" '$1 == k { print $2 }' "$1/dbg.stats"
}

# The codec names the file lists, brackets removed, one per line.
codec_names() {
	tr ' ' '\n' <"$SYS/codec" | tr -d '[]' | sed '/^$/d'
}

current_codec() {
	sed -n 's/.*\[\([a-z0-9_]*\)\].*/\1/p' "$SYS/codec"
}

same_lines() {	# same_lines A B: same set of lines
	[ "$(sort "$1")" = "$(sort "$2")" ]
}

swap_devices() {	# active swap devices, from /proc/swaps
	awk 'NR > 1 { print $1 }' /proc/swaps
}

type_dir_of() {	# type_dir_of DEVICE: the swap/<type> dir showing DEVICE
	for d in "$SYS"/swap/*; do
		[ -f "$d/device" ] && [ "$(cat "$d/device")" = "$1" ] && { echo "$d"; return; }
	done
}

# ---- files and modes -----------------------------------------------------

for f in $COUNTERS $FAILURES; do
	check "$f: mode 0444" mode_is "$SYS/$f" 444
	check "$f: one decimal number" is_counter "$SYS/$f"
done
check "codec: mode 0644" mode_is "$SYS/codec" 644
check "swap: a directory" [ -d "$SYS/swap" ]

for f in $COUNTERS $FAILURES codec compress_delay_ms swap; do echo "$f"; done >"$TMP/documented"
ls "$SYS" >"$TMP/present"
check "no undocumented file in $SYS" same_lines "$TMP/documented" "$TMP/present"
diag "$SYS: $(ls "$SYS" | tr '\n' ' ')"

for f in device $COUNTERS; do echo "$f"; done >"$TMP/documented"
for d in "$SYS"/swap/*; do
	[ -d "$d" ] || continue
	t=${d##*/}
	check "swap/$t: a swap type number" sh -c "echo $t | grep -qx '[0-9][0-9]*'"
	check "swap/$t/device: mode 0444" mode_is "$d/device" 444
	for f in $COUNTERS; do
		check "swap/$t/$f: mode 0444, one decimal number" ro_counter "$d/$f"
	done
	ls "$d" >"$TMP/present"
	check "swap/$t: no undocumented file" same_lines "$TMP/documented" "$TMP/present"
done

# The total is the sum of the reasons (nothing else saves here meanwhile).
sum=0
for r in $REASONS; do
	sum=$((sum + $(cat "$SYS/save_failures_$r")))
done
check "save_failures = sum of save_failures_<reason>" [ "$(cat "$SYS/save_failures")" -eq "$sum" ]

# ---- codec ---------------------------------------------------------------

orig=$(current_codec)
check "codec: one line" [ "$(wc -l <"$SYS/codec")" -eq 1 ]
check "codec: exactly one name in brackets" [ "$(grep -o '\[[^]]*\]' "$SYS/codec" | wc -l)" -eq 1 ]
codec_names >"$TMP/codecs"
unknown=$(grep -vxF -e runs -e compact -e raw -e zstd -e golomb -e auto "$TMP/codecs" | tr '\n' ' ')
check "codec: only known names (${unknown:-none unknown})" [ -z "$unknown" ]
check "codec: \"zero\" is not listed" sh -c "! grep -qx zero $TMP/codecs"
for c in $ALWAYS_CODECS; do
	check "codec: lists $c" grep -qx "$c" "$TMP/codecs"
done
diag "codec: $(cat "$SYS/codec")"

before=$(cat "$SYS/codec")
bad_write() {	# bad_write STRING: the write fails and changes nothing
	! (printf '%s\n' "$1" >"$SYS/codec") 2>/dev/null &&
		[ "$(cat "$SYS/codec")" = "$before" ]
}
check "codec: write \"bogus\" fails, codec unchanged" bad_write bogus
check "codec: write \"\" (a lone newline) fails, codec unchanged" bad_write ""
check "codec: write \"zero\" fails, codec unchanged" bad_write zero
check "codec: write \"auto extra\" fails, codec unchanged" bad_write "auto extra"
check "codec: write \"AUTO\" fails, codec unchanged" bad_write AUTO
check "codec: write \" auto\" fails, codec unchanged" bad_write " auto"
if ! grep -qx zstd "$TMP/codecs"; then
	check "codec: write \"zstd\" (not available) fails, codec unchanged" bad_write zstd
fi

good_write() {	# good_write NAME [NEWLINE]: accepted, reads back in brackets
	(printf '%s%s' "$1" "$2" >"$SYS/codec") 2>/dev/null &&
		[ "$(current_codec)" = "$1" ] &&
		[ "$(codec_names | tr '\n' ' ')" = "$(tr '\n' ' ' <"$TMP/codecs")" ]
}
for c in $(cat "$TMP/codecs"); do
	check "codec: write \"$c\\n\" selects it" good_write "$c" '
'
	check "codec: write \"$c\" (no newline) selects it" good_write "$c"
done
echo "$orig" >"$SYS/codec"
check "codec: back to $orig" [ "$(current_codec)" = "$orig" ]

# ---- compress_delay_ms ---------------------------------------------------

DELAY=$SYS/compress_delay_ms
check "compress_delay_ms: mode 0644" mode_is "$DELAY" 644
check "compress_delay_ms: one decimal number" is_counter "$DELAY"
orig_delay=$(cat "$DELAY")
check "compress_delay_ms: at most 60000 ($orig_delay)" [ "$orig_delay" -le 60000 ]
delay_bad() {	# delay_bad STRING: the write fails and changes nothing
	! (printf '%s\n' "$1" >"$DELAY") 2>/dev/null &&
		[ "$(cat "$DELAY")" = "$orig_delay" ]
}
for v in 60001 -1 abc "" "1 2" 0x10 4294967296 " 5"; do
	check "compress_delay_ms: write \"$v\" fails, value unchanged" delay_bad "$v"
done
delay_good() {	# delay_good VALUE [NEWLINE]: accepted, reads back
	(printf '%s%s' "$1" "$2" >"$DELAY") 2>/dev/null &&
		[ "$(cat "$DELAY")" = "$1" ]
}
for v in 0 60000 5; do
	check "compress_delay_ms: write \"$v\\n\" sets it" delay_good "$v" '
'
done
check "compress_delay_ms: write \"17\" (no newline) sets it" delay_good 17
echo "$orig_delay" >"$DELAY"
check "compress_delay_ms: back to $orig_delay" [ "$(cat "$DELAY")" = "$orig_delay" ]

# ---- swap: counters move with tagged memory ------------------------------

if [ -z "$(swap_devices)" ]; then
	skip "swap tests" "no active swap device"
	finish
fi

# Each swap type's directory shows a device of /proc/swaps, and each device
# of /proc/swaps has a directory.
swap_devices >"$TMP/proc_swaps"
for d in "$SYS"/swap/*; do
	[ -f "$d/device" ] && cat "$d/device"
done >"$TMP/sys_swaps"
check "swap/*/device = the devices of /proc/swaps ($(tr '\n' ' ' <"$TMP/proc_swaps"))" \
	same_lines "$TMP/proc_swaps" "$TMP/sys_swaps"

GUEST_CHECK=$(find_guest_check)
export GUEST_CHECK MTETAG_STAT
B=$TMP/before M=$TMP/mid A=$TMP/after
snapshot "$B"
"$SWAP_TAGS" -n "$NPAGES" -p heap -x "$SELF snapshot $M" >"$TMP/swap_tags.out" 2>&1
rc=$?
snapshot "$A"
sed 's/^/# swap_tags: /' "$TMP/swap_tags.out"
check "swap_tags -n $NPAGES -p heap: exit 0 (got $rc)" [ "$rc" -eq 0 ]
evicted=$(sed -n 's/.* \([0-9]*\) evicted,.*/\1/p' "$TMP/swap_tags.out" | head -n1)
if [ ! -f "$M/saves" ] || [ -z "$evicted" ] || [ "$evicted" -eq 0 ]; then
	not_ok "pages went to swap and a snapshot was taken meanwhile"
	finish
fi
diag "$evicted of $NPAGES pages evicted"

delta() {	# delta FROM TO NAME
	echo $(($(val "$2" "$3") - $(val "$1" "$3")))
}
ge() {		# ge A B: A >= B, saying both when not
	[ "$1" -ge "$2" ] || { diag "$1 < $2"; return 1; }
}
eq() {		# eq A B, saying both when not
	[ "$1" -eq "$2" ] || { diag "$1 != $2"; return 1; }
}

check "saves grew by at least the evicted pages" ge "$(delta "$B" "$M" saves)" "$evicted"
# Entries of the evicted pages are new since B; of the entries at B, all
# but those invalidated since are still there.
check "stored_pages grew by the evicted pages, less the invalidated" \
	ge "$(val "$M" stored_pages)" \
	$(($(val "$B" stored_pages) - $(delta "$B" "$M" invalidates) + evicted))
check "stored_bytes did not shrink" ge "$(val "$M" stored_bytes)" "$(val "$B" stored_bytes)"
check "total_bytes >= stored_bytes" ge "$(val "$M" total_bytes)" "$(val "$M" stored_bytes)"
check "total_bytes > 0 with pages stored" ge "$(val "$M" total_bytes)" 1
check "inline_pages <= stored_pages" ge "$(val "$M" stored_pages)" "$(val "$M" inline_pages)"
check "zero_pages <= inline_pages" ge "$(val "$M" inline_pages)" "$(val "$M" zero_pages)"
check "restores grew by at least the evicted pages" \
	ge "$(delta "$M" "$A" restores)" "$evicted"
check "invalidates grew by at least the evicted pages, less $SLACK" \
	ge "$(delta "$B" "$A" invalidates)" $((evicted - SLACK))
check "stored_pages back within $SLACK of where it was" \
	ge $(($(val "$B" stored_pages) + SLACK)) "$(val "$A" stored_pages)"
check "no save failed" eq "$(delta "$B" "$A" save_failures)" 0

# With one swap type, its counters moved as the global ones did, and its
# gauges are the global gauges.
ntypes=$(ls "$M/swap" | wc -l)
if [ "$ntypes" -eq 1 ]; then
	t=$(ls "$M/swap")
	for f in stored_pages stored_bytes total_bytes inline_pages zero_pages; do
		check "swap/$t/$f = $f (one swap type)" \
			eq "$(val "$M/swap/$t" "$f")" "$(val "$M" "$f")"
	done
	if [ -d "$B/swap/$t" ] && [ -d "$A/swap/$t" ]; then
		for f in saves restores invalidates; do
			check "swap/$t/$f moved as $f" \
				eq "$(delta "$B/swap/$t" "$A/swap/$t" "$f")" \
				"$(delta "$B" "$A" "$f")"
		done
	fi
else
	skip "per-type counters against the global ones" "$ntypes swap types"
fi

# debugfs, taken at the same instant, adds up to sysfs.
if [ -f "$M/dbg.stats" ]; then
	for s in "$B" "$M" "$A"; do
		name=${s##*/}
		check "$name: stored_pages = saves - replaces - invalidates - swapoff_leftovers" \
			eq "$(val "$s" stored_pages)" \
			$(($(val "$s" saves) - $(dbg_stat "$s" replaces) - \
			   $(val "$s" invalidates) - $(dbg_stat "$s" swapoff_leftovers)))
	done
	check "blob_sizes: lines of two numbers" \
		sh -c "! grep -vx '[0-9][0-9]* [0-9][0-9]*' $M/dbg.blob_sizes"
	check "codecs: lines of a name and two numbers" \
		sh -c "! grep -vx '[a-z0-9_]* [0-9][0-9]* [0-9][0-9]*' $M/dbg.codecs"
	check "shards: lines of three numbers" \
		sh -c "! grep -vx '[0-9][0-9]* [0-9][0-9]* [0-9][0-9]*' $M/dbg.shards"
	check "stats: lines of a name and a number" \
		sh -c "! grep -vx '[a-z0-9_]* [0-9][0-9]*' $M/dbg.stats"
	for k in replaces restores_tagged decode_errors verify_errors \
		 swapoff_leftovers rounding_bytes raw_pages pending_pages \
		 compressions xa_node_bytes; do
		check "stats: has $k" grep -q "^$k " "$M/dbg.stats"
	done
	check "blob_sizes: entries add up to stored_pages" \
		eq "$(dbg_sum "$M" blob_sizes 2)" "$(val "$M" stored_pages)"
	check "blob_sizes: size 0 entries = inline_pages" \
		eq "$(awk '$1 == 0 { n = $2 } END { print n + 0 }' "$M/dbg.blob_sizes")" \
		"$(val "$M" inline_pages)"
	check "blob_sizes: size x entries add up to alloc_bytes" \
		eq "$(awk '{ s += $1 * $2 } END { print s + 0 }' "$M/dbg.blob_sizes")" \
		"$(dbg_stat "$M" alloc_bytes)"
	check "codecs: pages add up to stored_pages" \
		eq "$(dbg_sum "$M" codecs 2)" "$(val "$M" stored_pages)"
	check "codecs: bytes add up to stored_bytes" \
		eq "$(dbg_sum "$M" codecs 3)" "$(val "$M" stored_bytes)"
	check "codecs: zero pages = zero_pages" \
		eq "$(awk '$1 == "zero" { n = $2 } END { print n + 0 }' "$M/dbg.codecs")" \
		"$(val "$M" zero_pages)"
	check "shards: entries add up to stored_pages" \
		eq "$(dbg_sum "$M" shards 3)" "$(val "$M" stored_pages)"
	check "stats: rounding_bytes = alloc_bytes - stored_bytes" \
		eq "$(dbg_stat "$M" rounding_bytes)" \
		$(($(dbg_stat "$M" alloc_bytes) - $(val "$M" stored_bytes)))
	check "total_bytes = alloc_bytes + xa_node_bytes" \
		eq "$(val "$M" total_bytes)" \
		$(($(dbg_stat "$M" alloc_bytes) + $(dbg_stat "$M" xa_node_bytes)))
	diag "while out: $(tr '\n' ' ' <"$M/dbg.blob_sizes" | sed 's/ $//') (blob_sizes)"
	diag "while out: $(tr '\n' ' ' <"$M/dbg.codecs" | sed 's/ $//') (codecs)"
else
	skip "debugfs figures against sysfs" "$DBG not readable"
fi

# mtetag-stat -j against sysfs, while the pages were out.
if [ -z "$GUEST_CHECK" ]; then
	skip "mtetag-stat agrees with sysfs" "guest-check.sh not installed"
elif [ ! -x "$MTETAG_STAT" ]; then
	skip "mtetag-stat agrees with sysfs" "$MTETAG_STAT not installed"
else
	sed 's/^/# guest-check: /' "$M/guest-check.out"
	check "mtetag-stat agrees with sysfs (guest-check.sh)" \
		[ "$(cat "$M/guest-check.rc")" = 0 ]
fi

# ---- save failures (fault injection) -------------------------------------

FAIL=$DBG/fail_save
if [ -d "$FAIL" ]; then
	snapshot "$B"
	echo 0 >"$FAIL/verbose"
	echo 1 >"$FAIL/interval"
	echo -1 >"$FAIL/times"
	echo 100 >"$FAIL/probability"
	"$SWAP_TAGS" -n 64 -p heap >"$TMP/swap_tags.out" 2>&1
	echo 0 >"$FAIL/probability"
	echo 1 >"$FAIL/times"
	snapshot "$A"
	nomem=$(delta "$B" "$A" save_failures_nomem)
	check "fail_save: save_failures_nomem grew ($nomem)" ge "$nomem" 1
	check "fail_save: save_failures grew as the reasons did" \
		eq "$(delta "$B" "$A" save_failures)" \
		$((nomem + $(delta "$B" "$A" save_failures_xarray) + \
		   $(delta "$B" "$A" save_failures_cgroup)))
	check "fail_save: no save counted" eq "$(delta "$B" "$A" saves)" 0
	# Reclaim may free slots left in the swap cache by the test before.
	check "fail_save: nothing stored" \
		ge "$(val "$B" stored_pages)" "$(val "$A" stored_pages)"
else
	skip "save_failures under fault injection" "$FAIL absent"
fi

# ---- swapoff and swapon --------------------------------------------------

dev=$(swap_devices | head -n1)
dir=$(type_dir_of "$dev")
check "$dev has a swap/<type> directory" [ -n "$dir" ]
if [ -n "$dir" ]; then
	snapshot "$B"
	if swapoff "$dev"; then
		ok "swapoff $dev"
		check "swapoff: ${dir#"$SYS"/} is gone" [ ! -e "$dir" ]
		check "swapoff: no directory shows $dev" [ -z "$(type_dir_of "$dev")" ]
		snapshot "$A"
		if [ -f "$A/dbg.stats" ]; then
			check "swapoff: no entry left behind" \
				eq "$(dbg_stat "$A" swapoff_leftovers)" \
				"$(dbg_stat "$B" swapoff_leftovers)"
		fi
		if swapon "$dev"; then
			ok "swapon $dev"
			dir=$(type_dir_of "$dev")
			check "swapon: a swap/<type> directory shows $dev again" [ -n "$dir" ]
			if [ -n "$dir" ]; then
				for f in $COUNTERS; do
					check "swapon: ${dir#"$SYS"/}/$f starts at 0" \
						eq "$(cat "$dir/$f")" 0
				done
			fi
			# the type's old counts stay in the global ones
			for f in saves restores invalidates; do
				check "swapon: global $f kept the type's old counts" \
					ge "$(cat "$SYS/$f")" "$(val "$B" "$f")"
			done
		else
			not_ok "swapon $dev (the guest has no swap now)"
		fi
	else
		not_ok "swapoff $dev"
	fi
fi

finish
