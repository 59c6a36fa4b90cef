#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# real_programs.sh [-s MIB] [-m LIMIT_MIB]: unmodified Debian programs on a
# tagged heap, squeezed into swap.
#
# The C selftests check tags they wrote themselves; this checks what users
# run. glibc's GLIBC_TUNABLES=glibc.mem.tagging=3 makes malloc map its heap
# PROT_MTE and give every chunk a random tag, with synchronous tag checks:
# zstd and xz then keep tens of MiB of tagged window and match tables, and
# if swap returns a page with the wrong tags their next access to it is a
# tag check fault that kills them with SIGSEGV. Each runs in a child memory
# cgroup limited well below its working set (LIMIT_MIB, default 8), so that
# most of its heap goes out to swap and comes back in while it works.
#
# The limit is memory.high, not memory.max: measured on the baseline kernel
# under emulation, zstd and xz in an 8M memory.max were OOM-killed within
# seconds (reclaim waits on a swap disk that emulation makes slow, and
# gives up), while memory.high reclaims and throttles the same way but
# never kills. memory.max stays at "max".
#
# Results (KTAP): the control first, then one result per round trip:
#  - heap tagging is active: a static program and one loading Debian's
#    glibc, as zstd and xz do, writing past a malloc'ed chunk get a tag
#    check fault with the tunable and not without it; without this the
#    round trips prove nothing;
#  - zstd / xz round trip: compress and decompress MIB MiB of generated
#    data (xz: the first 8 MiB), each step in the squeezed cgroup, with
#    limits per program below; pass if both exit 0, the output
#    is byte-identical, the programs' PROT_MTE mappings (VmFlags "mt" in
#    smaps) were seen in swap, and /proc/vmstat counted at least
#    $MIN_PAGES pages swapped out and in during the round trip (pswpin, not
#    just pswpout: a page found again in the swap cache never has its tags
#    restored, only a page read back from the device does);
#  - no tag check fault in the kernel log: exception-trace is on while the
#    programs run, so any unhandled SIGSEGV of theirs is logged.
MIB=24
LIMIT=8
MIN_PAGES=${MIN_PAGES:-2000}
while getopts s:m: opt; do
	case $opt in
	s) MIB=$OPTARG ;;
	m) LIMIT=$OPTARG ;;
	*) echo "usage: $0 [-s MIB] [-m LIMIT_MIB]" >&2; exit 2 ;;
	esac
done

TAGGING=glibc.mem.tagging=3
ZSTD=/usr/bin/zstd
XZ=/usr/bin/xz
# A child of the root cgroup rather than of "test": "test" holds this
# script's processes, and a cgroup with processes cannot enable the memory
# controller for children (cgroup v2's no-internal-process rule).
CG=/sys/fs/cgroup/real_programs
W=/tmp/real_programs

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
diag() { echo "# $*"; }
vmstat() { sed -n "s/^$1 //p" /proc/vmstat; }
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk "BEGIN { printf \"%.1f\", $(now) - $1 }"; }

cleanup() {
	[ -n "$old_trace" ] && echo "$old_trace" > /proc/sys/debug/exception-trace
	[ -d $CG ] && rmdir $CG 2>/dev/null
	rm -rf $W
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..4"

for p in $ZSTD $XZ /tests/gen_data /tests/heap_oob /tests/heap_oob_dyn; do
	if [ ! -x "$p" ]; then
		echo "1..0 # SKIP $p missing: build the initramfs with scripts/guest-extras.sh"
		exit 4
	fi
done
if ! grep -q " mte" /proc/cpuinfo; then
	echo "1..0 # SKIP no MTE (hwcap mte missing in /proc/cpuinfo)"
	exit 4
fi
if [ "$(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo)" = 0 ]; then
	echo "1..0 # SKIP no swap"
	exit 4
fi

# 1: the control. Exit 3 means the write went through unchecked; 139 is
# death by SIGSEGV; --siginfo makes sure the SIGSEGV is a tag check fault.
control() {
	local prog=$1 plain tagged sig

	# in braces: the shell's own "Segmentation fault" goes too
	{ $prog; } > /dev/null 2>&1
	plain=$?
	{ GLIBC_TUNABLES=$TAGGING $prog; } > /dev/null 2>&1
	tagged=$?
	sig=$(GLIBC_TUNABLES=$TAGGING $prog --siginfo 2>&1)
	diag "$prog: untagged exit $plain, tagged exit $tagged, tagged --siginfo: $sig"
	[ $plain = 3 ] && [ $tagged = 139 ] && [ "$sig" = SEGV_MTESERR ]
}
if control /tests/heap_oob && control /tests/heap_oob_dyn; then
	ok "heap tagging is active"
else
	fail "heap tagging is active"
fi

rm -rf $W
mkdir -p $W
start=$(now)
/tests/gen_data "$MIB" > $W/data || { echo "Bail out! gen_data failed"; exit 1; }
diag "input: $MIB MiB from gen_data in $(since $start)s"

old_trace=$(cat /proc/sys/debug/exception-trace 2>/dev/null)
[ -n "$old_trace" ] && echo 1 > /proc/sys/debug/exception-trace
faults_before=$(dmesg | grep -c "tag check fault")

# Largest size in kB of a process's PROT_MTE mappings in memory and in
# swap ("Rss Swap"): smaps lists VmFlags last in each mapping, "mt" marks
# PROT_MTE.
mte_kb() {
	awk '/^Rss:/ { rss = $2 } /^Swap:/ { swap = $2 }
	     /^VmFlags:/ && / mt/ { r += rss; s += swap }
	     END { print r + 0, s + 0 }' /proc/$1/smaps 2>/dev/null
}

# squeezed OUT ARGS...: run the program ARGS in $CG, its stdout to OUT
# through a FIFO read outside $CG, so that only its own memory (mostly its
# tagged heap) is charged to the squeezed cgroup. Prints "rc maxrss maxswap"
# (kB of PROT_MTE memory seen, sampled every half second).
squeezed() {
	local out=$1 pid catpid rc kb r s maxr=0 maxs=0

	shift
	rm -f $W/fifo
	mkfifo $W/fifo
	cat $W/fifo > "$out" &
	catpid=$!
	GLIBC_TUNABLES=$TAGGING sh -c 'echo $$ > '$CG'/cgroup.procs && exec "$@"' \
		sh "$@" > $W/fifo 2> $W/stderr &
	pid=$!
	while [ -d /proc/$pid ]; do
		kb=$(mte_kb $pid)
		r=${kb% *} s=${kb#* }
		[ -n "$kb" ] || r=0 s=0
		[ "$r" -gt $maxr ] && maxr=$r
		[ "$s" -gt $maxs ] && maxs=$s
		sleep 0.5
	done
	wait $pid
	rc=$?
	wait $catpid
	sed 's/^/# stderr: /' $W/stderr >&2
	echo $rc $maxr $maxs
}

# round_trip NAME INPUT CLIMIT DLIMIT COMPRESS_ARGS -- DECOMPRESS_ARGS:
# compress INPUT in memory.high CLIMIT, decompress in DLIMIT
round_trip() {
	local name=$1 input=$2 climit=$3 dlimit=$4 cargs dargs out0 in0 start
	local err='' crc cr cs drc dr ds t1 t2 outp inp

	shift 4
	cargs=
	while [ "$1" != -- ]; do cargs="$cargs $1"; shift; done
	shift
	dargs=$*
	# a fresh cgroup per program, so that its swap peak is its own
	mkdir $CG && echo "$climit" > $CG/memory.high ||
		{ fail "$name round trip # cannot set up $CG"; return; }
	out0=$(vmstat pswpout) in0=$(vmstat pswpin)

	start=$(now)
	# squeezed prints "rc rss swap": split into $1 $2 $3 on purpose
	# shellcheck disable=SC2046
	set -- $(squeezed $W/packed $cargs $input)
	crc=$1 cr=$2 cs=$3
	t1=$(since $start)
	echo "$dlimit" > $CG/memory.high
	start=$(now)
	# shellcheck disable=SC2046
	set -- $(squeezed $W/unpacked $dargs $W/packed)
	drc=$1 dr=$2 ds=$3
	t2=$(since $start)

	outp=$(($(vmstat pswpout) - out0))
	inp=$(($(vmstat pswpin) - in0))
	diag "$name: compress in $climit ${t1}s exit $crc, tagged ${cr} kB in memory and ${cs} kB in swap at most"
	diag "$name: decompress in $dlimit ${t2}s exit $drc, tagged ${dr} kB in memory and ${ds} kB in swap at most"
	diag "$name: $(($(wc -c < $input) / 1024)) kB -> $(($(wc -c < $W/packed) / 1024)) kB; pswpout +$outp, pswpin +$inp pages; cgroup peak $(($(cat $CG/memory.peak) / 1024)) kB, swap peak $(($(cat $CG/memory.swap.peak) / 1024)) kB"

	[ "$crc" = 0 ] || err="$err, compressor exit $crc"
	[ "$drc" = 0 ] || err="$err, decompressor exit $drc"
	[ "$crc" = 139 ] || [ "$drc" = 139 ] && err="$err (SIGSEGV: a tag check fault?)"
	cmp -s $input $W/unpacked || err="$err, round trip not byte-identical"
	[ $((cr + dr)) -gt 0 ] || err="$err, no PROT_MTE mapping seen: is the heap tagged?"
	[ $((cs + ds)) -gt 0 ] || err="$err, no tagged page seen in swap"
	[ $outp -ge $MIN_PAGES ] || err="$err, only $outp pages swapped out"
	[ $inp -ge $MIN_PAGES ] || err="$err, only $inp pages swapped in"
	rm -f $W/packed $W/unpacked
	rmdir $CG
	if [ -z "$err" ]; then
		ok "$name round trip"
	else
		fail "$name round trip # ${err#, }"
	fi
}

diag "swap: $(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo) kB"
# zstd: --long=27 gives a window as large as the input (128 MiB at most),
# which both sides keep on the heap. Level 3: level 19 would take many
# minutes under emulation; the window, not the level, makes the heap big.
round_trip "zstd -3 --long=27" $W/data ${LIMIT}M ${LIMIT}M $ZSTD -q -3 --long=27 -T1 -c -- $ZSTD -q -d --long=27 -c
# xz: preset 1 (the fast hc4 match finder) with an 8 MiB dictionary on the
# first 8 MiB of the data: the encoder keeps a 16 MiB hash table, a 32 MiB
# chain table and its input on the tagged heap and looks them up at
# random, the decoder an 8 MiB dictionary. xz's encoder is slow on a tagged
# heap under emulation (3 s a MiB without any limit, 3x untagged); in 8M
# it thrashed for over 8 minutes on 24 MiB, and on 8 MiB in 24M it still
# took three minutes for 500000 swap-ins: so less data, and the encoder
# gets five times the limit, the decoder half of it.
head -c 8388608 $W/data > $W/data8
round_trip "xz -1 dict=8MiB" $W/data8 $((5 * LIMIT))M $((LIMIT / 2))M $XZ -q -T1 --lzma2=preset=1,dict=8MiB -c -- $XZ -q -d -T1 -c

faults=$(($(dmesg | grep -c "tag check fault") - faults_before))
if [ $faults = 0 ]; then
	ok "no tag check fault in the kernel log"
else
	dmesg | grep "tag check fault" | tail -n "$faults" | sed 's/^/# /'
	fail "no tag check fault in the kernel log # $faults logged"
fi

echo "# Totals: $((n - failed)) ok, $failed failed"
[ $failed = 0 ]
