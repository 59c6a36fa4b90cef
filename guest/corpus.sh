#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# corpus.sh: guest_mode=corpus. Capture the MTE tags of real programs'
# glibc-tagged heaps for the host codec corpus (scripts/corpus.sh, 'make
# corpus'; tools/testing/mtetag/corpus/captured/README).
#
# Each program runs under mte_capture, which adds glibc.mem.tagging=3 to
# GLIBC_TUNABLES, stops it every $INTERVAL seconds and at exit, and samples
# the tags of its PROT_MTE pages. For the host, on stdout (init appends it
# to the results block, where no kernel message interleaves):
#   # lines: versions, and mte_capture's statistics per stop
#   ===MTETAG-CORPUS-BEGIN NAME===
#   base64 of NAME.tags
#   ===MTETAG-CORPUS-END NAME SHA256===
# A program that fails or keeps no tagged page gets a "# FAILED" line and no
# block. Progress also goes to stderr (the console).
W=/tmp/corpus
INTERVAL=${CORPUS_INTERVAL:-2}
PER_STOP=${CORPUS_PER_STOP:-2048}
MAX=${CORPUS_MAX:-2048}
MIB=${CORPUS_MIB:-4}
ZSTD=/usr/bin/zstd
XZ=/usr/bin/xz

say() { echo "# $*"; echo "corpus: $*" >&2; }
now() { cut -d' ' -f1 /proc/uptime; }

# capture [-i SECONDS] NAME COMMAND...: COMMAND's stdout goes to $W/NAME.out;
# -i: stop more often than every $INTERVAL, for programs that run a second
# or less (at exit they have freed, and so zeroed the tags of, most chunks)
capture() {
	local ival=$INTERVAL name start rc

	[ "$1" = -i ] && ival=$2 && shift 2
	name=$1
	shift
	say "$name: $*"
	start=$(now)
	/tests/mte_capture -i "$ival" -k "$PER_STOP" -n "$MAX" \
		-o $W/"$name".tags -- "$@" > $W/"$name".out 2> $W/"$name".log
	rc=$?
	sed 's/^# //' $W/"$name".log | while read -r l; do say "$l"; done
	say "$name: exit $rc in $(awk "BEGIN { print $(now) - $start }")s"
	if [ $rc != 0 ] || ! grep -q '[1-9][0-9]* mt mappings' $W/"$name".log ||
	    [ ! -s $W/"$name".tags ]; then
		say "FAILED: $name: exit $rc or no tagged page captured"
		return
	fi
	echo "===MTETAG-CORPUS-BEGIN $name==="
	base64 $W/"$name".tags
	echo "===MTETAG-CORPUS-END $name $(sha256sum < $W/"$name".tags | cut -d' ' -f1)==="
}

# same NAME: a decompressor gave back the input
same() {
	cmp -s $W/"$1".out $W/data || say "FAILED: $1: output differs from the input"
}

rm -rf $W
mkdir -p $W
say "kernel $(uname -r); $(/lib/ld-linux-aarch64.so.1 --version | head -n1)"
say "$($ZSTD -V); $($XZ -V | head -n1); $(busybox | head -n1)"
say "interval ${INTERVAL}s, at most $PER_STOP pages read per stop, $MAX kept per program"
/tests/gen_data "$MIB" > $W/data
# one word per line: sort keeps every line in a malloc'ed chunk of its own
tr -s ' ' '\n' < $W/data | head -c 1048576 > $W/words
head -c 1048576 $W/data > $W/words.txt

capture zstd-19 $ZSTD -q -19 -T1 -c $W/data
capture -i 0.05 zstd-d $ZSTD -q -d -c $W/zstd-19.out
same zstd-d
capture xz-9 $XZ -q -9 -T1 -c $W/data
capture -i 0.1 xz-d $XZ -q -d -T1 -c $W/xz-9.out
same xz-d
# small objects: busybox is static glibc, so it gets a tagged heap too
capture busybox-sort busybox sort $W/words
# word pairs counted in a hash: many small, long-lived nodes and strings
capture busybox-awk busybox awk \
	'{ for (i = 1; i < NF; i++) n[$i " " $(i + 1)]++ } END { for (k in n) print k, n[k] }' \
	$W/words.txt
say "done"
