#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: 'make bench'. mtetag against unpatched 6.12 in one run.
#
# Builds (or reuses) both kernels, builds the benchmark initramfs (the test
# initramfs plus scripts/guest-extras.sh and scripts/bench-extras.sh), then
# boots the kernels alternately, A B A B ..., under identical QEMU settings:
# alternation spreads slow drift of the host (other builds, thermal) over
# both sides instead of charging it to one. guest/bench.sh runs the
# workloads; scripts/bench-report.py turns the logs into one table with
# medians and min-max, build/bench/results.md and its plots.
#
# Environment:
#   BENCH_ROUNDS=3     boots per kernel (the median needs three)
#   BENCH_QUICK=1      small sizes, for a smoke run (BENCH_ROUNDS=1: ~3 min)
#   BENCH_SWAP=disk    swap device: disk (virtio) or zram
#   BENCH_B=mtetag     the kernel measured against the baseline; 'baseline'
#                      gives an A/A run that shows the noise floor (also the
#                      fallback while the mtetag kernel does not build)
#   BENCH_IMAGE_B=...  the B kernel's Image, built elsewhere (its .config
#                      three folders up, as kbuild.sh leaves it); BENCH_B
#                      then only names it
#   BENCH_ONLY=...     a subset of synthetic,prog,fio
#   BENCH_CLASSES=...  the synthetic tag classes to run, a subset of
#                      zero,uniform,runs,heap,glibc,random (default: all;
#                      the untagged control always runs): with
#                      BENCH_PROFILE=1, the cost per call of one class
#   BENCH_REPEATS=3    passes of every synthetic class per boot; each pass
#                      lasts a fraction of a second, so more passes narrow
#                      the boot's median (9 takes about 2.5 min a boot)
#   BENCH_CODEC=NAME   the mtetag codec to measure (default: auto); raw
#                      separates the store's own cost from the codecs'
#   BENCH_FIO_MIB=32   size of fio's file, against the cgroup's 64 MiB
#                      limit beside a 72 MiB tagged hog (8 to 56). At 48
#                      (the size before 2026-12-06) the shmem job has two
#                      steady states, its file resident or thrashing, and
#                      which one a boot falls into does not depend on the
#                      kernel: the same 6.12 read 635 and 51 MiB/s under
#                      BENCH_ICOUNT. At 32 it stays resident there; with
#                      disk swap in host time it still thrashes in most
#                      boots (1 to 85 MiB/s)
#   BENCH_DELAY=MS     mtetag's compress_delay_ms (default: the kernel's);
#                      0 compresses at swap-out, as before deferral
#   BENCH_OVERLAY=DIR  a tree copied over the initramfs (programs to try
#                      before they are part of it)
#   BENCH_PROFILE=1    both kernels built with configs/profile.config too
#                      (kernel-*-profile), and the function profiler timing
#                      the swap paths and each kernel's tag hooks during
#                      the synthetic runs: a cost per call of save, restore
#                      and free on either side. The profiler slows what it
#                      times, so the throughputs of such a run are not the
#                      ones to quote
#   BENCH_PROFILE_FUNCS=f,g  more functions for the profiler to time (with
#                      BENCH_PROFILE=1), on each kernel that has them: where
#                      a hook's cost goes (obj_cgroup_charge,
#                      kmem_cache_alloc_noprof, ...). The caller of a timed
#                      function pays the profiler's own cost once more
#   BENCH_ICOUNT=N     the guests' clocks count instructions (QEMU -icount
#                      shift=N,sleep=off: 2^N ns each, one vCPU thread),
#                      not host time, so the host's load and speed do not
#                      move the times: they become the instructions each
#                      kernel executes, every one weighing the same. Needs
#                      BENCH_SWAP=zram: an idle guest's clock jumps to its
#                      next timer, so a disk's waits would not be timed
#   MEM, SMP           guest size, the same for both kernels (1G, 2)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${MTETAG_BUILD:-$top/build}
out=$build/bench
rounds=${BENCH_ROUNDS:-3}
repeats=${BENCH_REPEATS:-3}
quick=${BENCH_QUICK:-0}
swap=${BENCH_SWAP:-disk}
want_b=${BENCH_B:-mtetag}
say() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }

[[ $rounds =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS must be a positive number"
# bench_swap -r takes 1 to 16
[[ $repeats =~ ^([1-9]|1[0-6])$ ]] || die "BENCH_REPEATS must be a number from 1 to 16"
profile=${BENCH_PROFILE:-0}
case $profile in 0|1) ;; *) die "BENCH_PROFILE must be 0 or 1" ;; esac
# a comma-separated subset of $1's words
subset() {
	local w
	[[ $2 =~ ^[a-z]+(,[a-z]+)*$ ]] || return 1
	for w in ${2//,/ }; do
		[[ " $1 " == *" $w "* ]] || return 1
	done
}
if [ -n "${BENCH_ONLY+set}" ]; then
	subset "synthetic prog fio" "$BENCH_ONLY" ||
		die "BENCH_ONLY must be names from synthetic,prog,fio separated by commas"
fi
classes=${BENCH_CLASSES-}
if [ -n "${BENCH_CLASSES+set}" ]; then
	subset "zero uniform runs heap glibc random" "$classes" ||
		die "BENCH_CLASSES must be names from zero,uniform,runs,heap,glibc,random separated by commas"
fi
pfuncs=${BENCH_PROFILE_FUNCS:-}
if [ -n "$pfuncs" ]; then
	[ "$profile" = 1 ] || die "BENCH_PROFILE_FUNCS needs BENCH_PROFILE=1"
	[[ $pfuncs =~ ^[A-Za-z_][A-Za-z0-9_.]*(,[A-Za-z_][A-Za-z0-9_.]*)*$ ]] ||
		die "BENCH_PROFILE_FUNCS must be function names separated by commas"
fi
# the kernels' folder (and kbuild.sh configuration) suffix
sfx=
[ "$profile" = 1 ] && sfx=-profile
case $swap in disk|zram) ;; *) die "BENCH_SWAP must be disk or zram" ;; esac
icount=${BENCH_ICOUNT:-}
if [ -n "$icount" ]; then
	[[ $icount =~ ^([0-9]|10)$ ]] || die "BENCH_ICOUNT must be a shift from 0 to 10"
	# an idle guest's clock jumps to its next timer: a disk's waits vanish
	[ "$swap" = zram ] || die "BENCH_ICOUNT needs BENCH_SWAP=zram: with the clock counting instructions, waits for the disk are not timed"
fi
if [ -n "${BENCH_FIO_MIB:-}" ]; then
	[[ $BENCH_FIO_MIB =~ ^[1-9][0-9]*$ ]] && [ "$BENCH_FIO_MIB" -ge 8 ] &&
		[ "$BENCH_FIO_MIB" -le 56 ] ||
		die "BENCH_FIO_MIB must be a number of MiB from 8 to 56"
	[ "$quick" = 1 ] && die "BENCH_FIO_MIB does not apply to BENCH_QUICK=1 (fixed 32 MiB against 32M)"
fi

# Kernels. Both come from configs/base.config; the mtetag side is built with
# configs/bench.config, which adds nothing but CONFIG_MTETAG (the
# differences are listed in the results).
# kernel NAME: make kernel-NAME, or its profiled twin
kernel() { make -s -C "$top" "kernel-$1$sfx"; }
kernel baseline
image_a=$build/kernel-baseline$sfx/arch/arm64/boot/Image
name_b=$want_b
if [ -n "${BENCH_IMAGE_B:-}" ]; then
	image_b=$BENCH_IMAGE_B
	config_b=$(dirname "$image_b")/../../../.config
elif [ "$want_b" = mtetag ]; then
	# configs/bench.config: the baseline's options on the patched tree
	if ! kernel bench; then
		say "WARNING: the mtetag kernel does not build: measuring baseline against itself"
		name_b=baseline
	fi
fi
if [ -z "${BENCH_IMAGE_B:-}" ]; then
	dir_b=$build/kernel-$name_b$sfx
	[ "$name_b" = mtetag ] && dir_b=$build/kernel-bench$sfx
	image_b=$dir_b/arch/arm64/boot/Image
	config_b=$dir_b/.config
fi
[ -f "$image_a" ] && [ -f "$image_b" ] || die "missing kernel image"

# The benchmark initramfs: the test one plus the benchmark's programs. The
# extras scripts are idempotent, so this also works once initramfs.sh calls
# them itself.
make -s -C "$top" initramfs
say "building the benchmark initramfs"
rm -rf "$out/root"
mkdir -p "$out/logs"
cp -a "$build/guest/root" "$out/root"
if [ -x "$top/scripts/guest-extras.sh" ] && [ ! -e "$out/root/lib/ld-linux-aarch64.so.1" ]; then
	"$top/scripts/guest-extras.sh" "$out/root" "$build/src" >&2
fi
"$top/scripts/bench-extras.sh" "$out/root"
if [ -n "${BENCH_OVERLAY:-}" ]; then
	say "adding $BENCH_OVERLAY"
	cp -a "$BENCH_OVERLAY/." "$out/root/"
fi
install -m755 "$top/guest/bench.sh" "$out/root/tests/bench.sh"
(cd "$out/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$out/initrd.cpio.gz"

# kunit.enable=0: mtetag's KUnit suites are built in and would otherwise run
# at every boot, before the workloads; both kernels get the same arguments.
append="kunit.enable=0 bench_quick=$quick bench_repeats=$repeats"
[ -n "${BENCH_ONLY:-}" ] && append="$append bench_only=$BENCH_ONLY"
[ -n "$classes" ] && append="$append bench_classes=$classes"
[ -n "${BENCH_CODEC:-}" ] && append="$append bench_codec=$BENCH_CODEC"
[ -n "${BENCH_DELAY:-}" ] && append="$append bench_delay=$BENCH_DELAY"
[ -n "${BENCH_FIO_MIB:-}" ] && append="$append bench_fio_mib=$BENCH_FIO_MIB"
[ "$profile" = 1 ] && append="$append bench_profile=1"
[ -n "$pfuncs" ] && append="$append bench_profile_funcs=$pfuncs"
# each synthetic pass of all classes takes about 20 s of the boot
timeout=$((900 + 20 * repeats))
[ "$quick" = 1 ] && timeout=400

rm -f "$out"/logs/*.log "$out/runs.tsv"
diff <(grep '^CONFIG_' "$build/kernel-baseline$sfx/.config" | sort) \
	<(grep '^CONFIG_' "$config_b" | sort) |
	sed -n 's/^[<>] //p' > "$out/config-diff.txt" || true
printf 'round\tside\tkernel\tlog\twall_s\tloadavg\trc\n' > "$out/runs.tsv"
say "$rounds round(s), baseline (A) against $name_b (B), swap on $swap${BENCH_ONLY:+, only $BENCH_ONLY}${classes:+, classes $classes}${icount:+, clocks by icount shift=$icount}"
echo "${icount:+icount shift=$icount}" > "$out/clock.txt"
for r in $(seq "$rounds"); do
	for side in A B; do
		if [ $side = A ]; then kname=baseline image=$image_a; else kname=$name_b image=$image_b; fi
		log=$out/logs/round$r-$side-$kname.log
		load=$(cut -d' ' -f1 /proc/loadavg)
		t0=$(date +%s.%N)
		rc=0
		QUIET=1 TIMEOUT=$timeout APPEND="$append" MEM=${MEM:-1G} SMP=${SMP:-2} ICOUNT=$icount \
			"$top/scripts/qemu.sh" "$image" "$out/initrd.cpio.gz" bench "$log" "$swap" || rc=$?
		wall=$(echo "$(date +%s.%N) - $t0" | bc)
		printf '%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n' "$r" $side "$kname" "$log" "$wall" "$load" $rc >> "$out/runs.tsv"
		say "round $r $side ($kname): ${wall%.*} s, host load $load, exit $rc"
	done
done

python3 "$top/scripts/bench-report.py" "$out"
