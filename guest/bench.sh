#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# guest_mode=bench: the in-guest half of 'make bench' (scripts/bench.sh is
# the host half). The same workloads run on every kernel; each prints
# "bench_<kind>: key=value ..." lines that scripts/bench-report.py reads.
#   synthetic  /tests/bench_swap: swap-out/in time and tag memory for each
#              tag class against an untagged control
#   prog       zstd and xz with glibc heap tagging: a timed run under memcg
#              pressure, then a paused run whose memory is pushed to swap to
#              measure what its tags cost (tagged against untagged)
#   fio        fio's own I/O figures while a tagged hog and fio's files
#              compete for a memcg, so tagged pages cycle through swap
# Kernel arguments: bench_quick=1 (small sizes for a smoke run),
# bench_only=synthetic,prog,fio (a subset), bench_codec=NAME (the mtetag
# codec to measure, instead of the default), bench_delay=MS (mtetag's
# compress_delay_ms, instead of the default), bench_repeats=N (passes of
# each synthetic class, 3 by default), bench_classes=a,b (the synthetic
# tag classes, all by default), bench_profile=1 (time the swap paths
# and the tag hooks with the function profiler during the synthetic runs).
. /tests/mtetag_lib.sh
cg=/sys/fs/cgroup/test
mt=$MTETAG_SYS
tmp=/tmp/bench
mkdir -p $tmp

arg() {
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) echo "${w#*=}"; return ;; esac
	done
	echo "$2"
}
quick=$(arg bench_quick 0)
only=$(arg bench_only synthetic,prog,fio | tr , ' ')
classes=$(arg bench_classes '')

# Sizes: the memory figures need thousands of pages, the emulated CPU
# (tagged programs run 3-4x slower than untagged under TCG) wants few.
# The compressors' heaps do not depend on the input size (they read a
# pipe): the input only sets how long they run. The fio hog is larger than
# the limit, so that its tagged pages go to swap whatever fio does; for
# fio's file size see BENCH_FIO_MIB in scripts/bench.sh.
if [ "$quick" = 1 ]; then
	pages=2048 syn_repeats=1 zstd_kib=2048 xz_kib=256
	fio_s=4 fio_mib=32 hog_mib=40 fio_limit=32M
else
	pages=8192 syn_repeats=$(arg bench_repeats 3) zstd_kib=4096 xz_kib=512
	fio_s=10 fio_mib=$(arg bench_fio_mib 32) hog_mib=72 fio_limit=64M
fi

vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# Pages swapped out/in: 6.12 writes no I/O for all-zero pages (swpout_zero),
# and tagged heaps are full of them (glibc tags whole chunks, data or not).
swapouts() { echo $(($(vmstat pswpout) + $(vmstat swpout_zero))); }
swapins() { echo $(($(vmstat pswpin) + $(vmstat swpin_zero))); }
# "SUnreclaim Slab" in kB once deferred frees settled and empty slabs were
# freed (as bench_swap does: freed objects otherwise still count). All
# slab too: xarray nodes, both stores' index, are reclaimable slab.
slab_kb() {
	sleep 0.3
	for f in /sys/kernel/slab/*/shrink; do echo 1 > $f; done 2>/dev/null
	echo "$(meminfo SUnreclaim) $(meminfo Slab)"
}
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
# mtetag compresses swapped tags some time after swap-out: wait (60 s at
# most) until nothing is pending, so that memory figures see the result.
settle_mtetag() { mtetag_wait_compressed 600; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# mtetag's gauges as "key=value" words; nothing on a kernel without mtetag
mtetag_counters() {
	[ -d $mt ] || return 0
	for f in stored_pages stored_bytes total_bytes inline_pages zero_pages; do
		printf '%s%s=%s ' "$1" $f "$(cat $mt/$f)"
	done
}
# Run a command inside the test cgroup (exec keeps the pid for the caller).
in_cg() { sh -c 'echo $$ > '$cg'/cgroup.procs && exec "$@"' sh "$@"; }
# Push what the cgroup holds to swap; memory.reclaim stops short of the
# amount asked when little is left, so a few rounds drain it.
reclaim_all() {
	for _ in 1 2 3 4 5 6; do
		echo 1G > $cg/memory.reclaim 2>/dev/null
	done
}
cg_unlimit() { echo max > $cg/memory.max; echo max > $cg/memory.high; }
# A counter of the test cgroup's memory.events (oom_kill, max, ...).
cg_event() { awk -v k="$1" '$1 == k { print $2 }' $cg/memory.events; }
# Empty the swap devices between runs: swap-cache pages nobody maps keep
# their entries (and tags) until reclaim happens to pick them, and their
# frees would fall into the next run's figures. swapoff frees them all.
drain_swap() {
	for d in $(awk 'NR > 1 { print $1 }' /proc/swaps); do
		swapoff $d && swapon $d
	done
}

# bench_profile=1: the function profiler (kernels built with
# configs/profile.config) over the swap paths and both kernels' tag hooks:
# save, restore and free, upstream's and mtetag's (each kernel has only its
# own). Few functions, none nested more than two deep, so that the
# profiler's own cost stays small next to what it times.
trace=/sys/kernel/tracing
profile=$(arg bench_profile 0)
profile_funcs="swap_writepage do_swap_page swap_entry_range_free
	arch_prepare_to_swap arch_swap_restore mte_invalidate_tags
	__mtetag_save_folio __mtetag_restore_folio __mtetag_invalidate"
# bench_profile_funcs=f,g: more, where each kernel has them
profile_funcs="$profile_funcs $(arg bench_profile_funcs '' | tr , ' ')"
profile_start() {
	[ "$profile" = 1 ] || return 0
	[ -e $trace/function_profile_enabled ] || mount -t tracefs nodev $trace 2>/dev/null
	if [ ! -e $trace/function_profile_enabled ]; then
		echo "bench_profile: error=no_function_profiler"
		return 0
	fi
	: > $trace/set_ftrace_filter
	for f in $profile_funcs; do
		echo $f >> $trace/set_ftrace_filter 2>/dev/null
	done
	# enabling starts the counts from zero
	echo 1 > $trace/function_profile_enabled
}
# One line per function: calls and total microseconds, all CPUs.
profile_stop() {
	[ "$profile" = 1 ] && [ -e $trace/function_profile_enabled ] || return 0
	echo 0 > $trace/function_profile_enabled
	cat $trace/trace_stat/function* | awk -v w="$1" '
		$1 != "Function" && $1 !~ /^-/ && $4 == "us" { hits[$1] += $2; us[$1] += $3 }
		END { for (f in hits) printf "bench_profile: workload=%s fn=%s hits=%d us=%.1f\n", w, f, hits[f], us[f] }'
}

run_synthetic() {
	echo "bench_info: synthetic pages=$pages repeats=$syn_repeats"
	profile_start
	in_cg /tests/bench_swap -n $pages -r $syn_repeats ${classes:+-c $classes}
	rc=$?
	profile_stop synthetic
	echo "bench_info: synthetic exit=$rc"
}

# The compressors, with the window and preset chosen so that their heap
# exceeds the pressure limit several times over (and under emulation each
# run stays in seconds).
prog_cmd() {
	case $1 in
	zstd) echo "/usr/bin/zstd -q -T1 -3 --long=25 -c" ;;
	xz) echo "/usr/bin/xz -q -T1 -3 -c" ;;
	esac
}
prog_limit() {
	case $1 in
	zstd) echo 16M ;;
	xz) echo 12M ;;
	esac
}
prog_check() { /usr/bin/$1 -d -q -c < $tmp/out | cmp -s - $tmp/in.$1 && echo 1 || echo 0; }
glibc_tagging="GLIBC_TUNABLES=glibc.mem.tagging=3"
glibc_perturb="GLIBC_TUNABLES=glibc.malloc.perturb=165"

# Timed run under memcg pressure, heap tagged as a hardened system would.
prog_pressure() {
	p=$1
	drain_swap
	echo "$(prog_limit $p)" > $cg/memory.max
	o0=$(swapouts) i0=$(swapins) t0=$(uptime_s)
	# through a pipe, as in the paused runs: given a file, the
	# compressors would size their window to it
	cat $tmp/in.$p | env $glibc_tagging sh -c \
		'echo $$ > '$cg'/cgroup.procs && exec '"$(prog_cmd $p)" > $tmp/out
	rc=$?
	t1=$(uptime_s)
	cg_unlimit
	echo "bench_prog: prog=$p run=pressure rc=$rc ok=$(prog_check $p)" \
		"wall_s=$(elapsed $t0 $t1) limit=$(prog_limit $p)" \
		"swapouts=$(($(swapouts) - o0)) swapins=$(($(swapins) - i0))"
}

# Wait until PID has read all it was fed and sleeps on the pipe: state S
# and no CPU time used between two looks.
wait_blocked() {
	while [ ! -e $tmp/fed ]; do sleep 0.2; done
	prev=
	for _ in $(seq 400); do
		cur=$(awk '{ print $3, $14 + $15 }' /proc/$1/stat 2>/dev/null) || return 1
		case $cur in S*) [ "$cur" = "$prev" ] && return 0 ;; esac
		prev=$cur
		sleep 0.3
	done
	return 1
}

# Swapped kB of the VMAs with tagging on (VmFlags "mt"), from smaps.
tagged_swap_kb() {
	awk '/^Swap:/ { s = $2 } /^VmFlags:/ { if ($0 ~ / mt( |$)/) t += s }
		END { print t + 0 }' /proc/$1/smaps
}

# Feed half the input, let the compressor block on the pipe with its heap
# built, push the whole cgroup to swap and see what that cost in kernel
# memory; then feed the rest so that every page comes back and the output
# is checked. tagging=0 is the control: the same run, untagged heap.
# glibc writes a chunk's tags when it allocates it, so the tagged run's
# whole heap is resident, but an untagged heap is only where the program
# wrote. The control therefore has malloc() fill each chunk
# (glibc.malloc.perturb): as many pages go to swap as in the tagged run,
# and, one byte repeated, zram stores them as the tagged run's unwritten
# zero pages, with no compressed copy, so its swap-layer share per page
# is the tagged run's, measured on as many pages.
prog_snapshot() {
	p=$1 tagging=$2
	env=$glibc_perturb
	[ "$tagging" = 1 ] && env=$glibc_tagging
	drain_swap
	rm -f $tmp/fifo $tmp/go $tmp/fed
	mkfifo $tmp/fifo $tmp/go
	# the writer waits in a builtin read on a FIFO: no process is forked
	# while the memory figures are taken
	(cat $tmp/in.$p.1; : > $tmp/fed
		read -r _ < $tmp/go
		cat $tmp/in.$p.2) > $tmp/fifo &
	writer=$!
	env $env sh -c 'echo $$ > '$cg'/cgroup.procs && exec '"$(prog_cmd $p)" \
		< $tmp/fifo > $tmp/out &
	pid=$!
	if ! wait_blocked $pid; then
		echo "bench_prog: prog=$p run=snapshot tagging=$tagging error=not_blocked"
		echo go > $tmp/go
		wait $pid
		wait $writer
		return
	fi
	t_out=$(uptime_s)
	# shellcheck disable=SC2046 # two words, split on purpose
	set -- $(slab_kb)
	s0=$1 a0=$2 m0=$(mtetag_counters mt0_)
	reclaim_all
	settle_mtetag
	# shellcheck disable=SC2046
	set -- $(slab_kb)
	s1=$1 a1=$2 m1=$(mtetag_counters mt1_)
	swap_kb=$(awk '/^VmSwap:/ { print $2 }' /proc/$pid/status)
	tagged_kb=$(tagged_swap_kb $pid)
	echo go > $tmp/go
	wait $pid
	rc=$?
	t_in=$(uptime_s)
	wait $writer
	echo "bench_prog: prog=$p run=snapshot tagging=$tagging rc=$rc ok=$(prog_check $p)" \
		"swap_kb=$swap_kb tagged_swap_kb=$tagged_kb out_in_s=$(elapsed $t_out $t_in)" \
		"sunreclaim_rise=$(((s1 - s0) * 1024)) slab_rise=$(((a1 - a0) * 1024)) $m0$m1"
}

run_prog() {
	for p in zstd xz; do
		# Debian's programs, not busybox's applets of the same name
		if [ ! -x /usr/bin/$p ] || [ ! -e /lib/ld-linux-aarch64.so.1 ]; then
			echo "bench_prog: prog=$p skipped=not_in_initramfs"
			continue
		fi
		kib=$zstd_kib
		[ $p = xz ] && kib=$xz_kib
		# input charged to the root cgroup: only the program's own
		# memory competes for the test cgroup's limit
		/tests/bench_swap -g $kib > $tmp/in.$p
		half=$((kib * 1024 / 2))
		head -c $half $tmp/in.$p > $tmp/in.$p.1
		tail -c +$((half + 1)) $tmp/in.$p > $tmp/in.$p.2
		prog_pressure $p
		prog_snapshot $p 1
		prog_snapshot $p 0
		rm -f $tmp/in.$p* $tmp/out
	done
}

# One fio job ($1: name, $2: the limit's knob, memory.max or memory.high,
# then fio options) against the hog in the cgroup.
fio_job() {
	name=$1 knob=$2
	shift 2
	fio_common="--name=$name --ioengine=psync --bs=4k --rw=randrw --rwmixread=75
		--size=${fio_mib}M --randrepeat=1 --random_generator=lfsr
		--output-format=json --percentile_list=50:99"
	# Lay the files out unlimited, push them to swap, then set the limit:
	# lowering memory.max below what the cgroup holds would OOM-kill
	# rather than wait for that much reclaim.
	cg_unlimit
	drain_swap
	in_cg fio $fio_common --create_only=1 "$@" > /dev/null 2>&1
	reclaim_all
	echo $fio_limit > $cg/$knob
	# the hog fills its pages under the limit: they go to swap at once
	in_cg /tests/bench_swap -H $hog_mib -t $((fio_s + 2)) > $tmp/hog.out &
	hog_pid=$!
	while ! grep -q ready $tmp/hog.out 2>/dev/null; do
		kill -0 $hog_pid 2>/dev/null || break
		sleep 0.2
	done
	o0=$(swapouts) i0=$(swapins) k0=$(cg_event oom_kill) d0=$(dmesg | wc -l)
	in_cg fio $fio_common --time_based --runtime=$fio_s "$@" > $tmp/fio.json 2> $tmp/fio.err
	rc=$?
	wait $hog_pid
	hrc=$?
	cg_unlimit
	kills=$(($(cg_event oom_kill) - k0))
	echo "bench_fio: job=$name rc=$rc hog_rc=$hrc limit=$fio_limit limit_knob=$knob fio_mib=$fio_mib hog_mib=$hog_mib" \
		"swapouts=$(($(swapouts) - o0)) swapins=$(($(swapins) - i0)) oom_kills=$kills" \
		"$(sed -n 's/^bench_swap: hog \(pages=.*\)/hog_\1/p' $tmp/hog.out | sed 's/ / hog_/g')"
	# An OOM kill spoils the job's figures: show why it happened, the
	# cgroup's memory.stat as the kernel's report gave it at that moment.
	[ $kills = 0 ] || dmesg | tail -n +$((d0 + 1)) |
		sed -n '/invoked oom-killer/,/oom_reaper\|Killed process/s/^/bench_fio_oom: /p'
	echo "bench_fio_json_begin: $name"
	cat $tmp/fio.json
	echo "bench_fio_json_end: $name"
	[ -s $tmp/fio.err ] && sed 's/^/fio: /' $tmp/fio.err
}

run_fio() {
	if ! command -v fio >/dev/null; then
		echo "bench_fio: skipped=not_in_initramfs"
		return
	fi
	# Page cache: buffered I/O on a block device, a zram one: its data
	# lives outside the cgroup, its page cache inside, and it costs CPU,
	# not waits, so BENCH_ICOUNT times it too. zram0 if it is free, else
	# (swap on zram0) a second device from zram-control.
	pc=
	if [ "$GUEST_SWAP" != zram ] && [ -e /sys/block/zram0 ]; then
		pc=zram0
	elif [ -e /sys/class/zram-control/hot_add ]; then
		pc=zram$(cat /sys/class/zram-control/hot_add 2>/dev/null)
		[ -e /sys/block/$pc ] || pc=
	fi
	# memory.high, not memory.max: once reclaim has taken fio's clean
	# page cache, the cgroup holds only the hog, and there 6.12's reclaim
	# finds nothing to take and the OOM killer ends the hog (swap on zram:
	# 6 boots of 6, 2026-12-07, all its pages on the active list, none
	# inactive). Over memory.high, reclaim throttles and never kills.
	if [ -n "$pc" ]; then
		echo $((fio_mib * 2))M > /sys/block/$pc/disksize
		dd if=/dev/urandom of=/dev/$pc bs=1M count=$fio_mib 2>/dev/null
		sync
		echo 3 > /proc/sys/vm/drop_caches
		fio_job pagecache memory.high --filename=/dev/$pc
		echo 1 > /sys/block/$pc/reset
		[ $pc = zram0 ] ||
			echo ${pc#zram} > /sys/class/zram-control/hot_remove
	else
		echo "bench_fio: job=pagecache skipped=no_zram_device"
	fi
	# Anonymous (shmem) memory: a tmpfs file is swap-backed like the hog.
	mkdir -p $tmp/fio
	fio_job shmem memory.max --filename=$tmp/fio/shmem.dat
	rm -rf $tmp/fio
}

codec=$(arg bench_codec "")
if [ -n "$codec" ] && [ -d $mt ] && ! echo "$codec" >$mt/codec; then
	echo "bench: ERROR: codec '$codec' refused" >&2
	exit 1
fi
delay=$(arg bench_delay "")
if [ -n "$delay" ] && [ -d $mt ] && ! echo "$delay" >$mt/compress_delay_ms; then
	echo "bench: ERROR: compress_delay_ms '$delay' refused" >&2
	exit 1
fi
echo "bench_info: kernel=$(uname -r) swap=$GUEST_SWAP quick=$quick mem_kb=$(meminfo MemTotal)" \
	"mtetag=$([ -d $mt ] && echo 1 || echo 0) codec=$(cat $mt/codec 2>/dev/null | tr ' ' ,)" \
	"compress_delay_ms=$(cat $mt/compress_delay_ms 2>/dev/null)"
for w in $only; do
	start=$(uptime_s)
	run_$w
	echo "bench_time: $w seconds=$(elapsed "$start" "$(uptime_s)")"
done
