#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make test': every suite, in order of cost, summed into one closing line
# 'N passed, N failed, N skipped'. Exit status non-zero on any failure.
#
#   1. host tests (no kernel): codecs, mtetag-stat
#   2. build the mtetag, baseline and debug kernels and the initramfs
#   3. style and static-analysis gates ('make check'), and the patch series
#      applied with git am to pristine 6.12 and built after every patch
#      that touches the kernel
#   4. negative control: on Debian's broken QEMU 7.2 the run must fail
#   5. boot each under QEMU with MTE: KUnit (mtetag kernels) and the
#      in-guest tests; the baseline kernel runs the same tag-preservation
#      tests, proving the suite is not tuned to mtetag
#
# TEST_BOOTS restricts the boots (e.g. "mtetag-disk"); SKIP_DEBUG=1 skips the
# debug kernel (for quick local iterations; CI runs everything).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${MTETAG_BUILD:-$top/build}
logs=$build/logs
mkdir -p "$logs"
rm -f "$logs"/*.counts
P=0 F=0 S=0
failed_steps=()

add_counts() {
	local c
	[ -f "$1" ] || return
	read -r c1 c2 c3 < "$1"
	P=$((P + c1)) F=$((F + c2)) S=$((S + c3))
}
fail_step() {
	echo "test: FAIL: $1"
	F=$((F + 1))
	failed_steps+=("$1")
}
elapsed() { echo "$(( $(date +%s) - t0 ))s"; }

t0=$(date +%s)
echo "== host tests"
"$top/scripts/host-test.sh" "$logs/host.counts" || failed_steps+=("host tests")
add_counts "$logs/host.counts"

echo "== kernels and initramfs [$(elapsed)]"
built=()
for k in mtetag baseline debug; do
	[ "$k" = debug ] && [ "${SKIP_DEBUG:-0}" = 1 ] && continue
	if make -s -C "$top" "kernel-$k" > "$logs/build-$k.log" 2>&1; then
		built+=("$k")
		echo "test: kernel-$k built [$(elapsed)]"
	else
		tail -30 "$logs/build-$k.log"
		fail_step "kernel-$k does not build (see $logs/build-$k.log)"
	fi
done
if ! make -s -C "$top" initramfs > "$logs/initramfs.log" 2>&1; then
	tail -30 "$logs/initramfs.log"
	fail_step "initramfs does not build"
	built=()
fi

boot() {
	local name=$1 kernel=$2 swap=$3 flags=$4
	shift 4
	case " ${TEST_BOOTS:-$name} " in *" $name "*) ;; *) return ;; esac
	echo "== boot $name [$(elapsed)]"
	QUIET=1 "$@" "$top/scripts/qemu.sh" "$build/kernel-$kernel/arch/arm64/boot/Image" \
		"$build/guest/initrd.cpio.gz" test "$logs/$name.log" "$swap"
	python3 "$top/scripts/results.py" "$logs/$name.log" "$name" $flags ||
		failed_steps+=("boot $name (see $logs/$name.log)")
	add_counts "$logs/$name.log.counts"
}
has() { [[ " ${built[*]} " == *" $1 "* ]]; }

echo "== style and static analysis (make check) [$(elapsed)]"
CHECK_COUNTS="$logs/check.counts" make -s -C "$top" check > "$logs/check.log" 2>&1 ||
	failed_steps+=("make check (see $logs/check.log)")
grep -E '^not ok|^# ' "$logs/check.log" | head -40
add_counts "$logs/check.counts"

if [ -z "${TEST_BOOTS:-}" ] && [ "${SKIP_PATCHES:-0}" != 1 ]; then
	echo "== the series: git am on pristine 6.12.117, builds after every patch that touches the kernel [$(elapsed)]"
	PATCH_COUNTS="$logs/patches.counts" "$top/scripts/patches.sh" --check > "$logs/patches.log" 2>&1 ||
		failed_steps+=("make patches --check (see $logs/patches.log)")
	grep -E '^not ok|ERROR' "$logs/patches.log" | head -20
	add_counts "$logs/patches.counts"
fi

if has baseline && [ -z "${TEST_BOOTS:-}" ]; then
	echo "== negative control: Debian's QEMU 7.2 must fail the run [$(elapsed)]"
	"$top/scripts/negative-control.sh" "$build/kernel-baseline/arch/arm64/boot/Image" \
		"$build/guest/initrd.cpio.gz" "$logs/negative.counts" ||
		failed_steps+=("negative control")
	add_counts "$logs/negative.counts"
fi

has mtetag && boot mtetag-disk mtetag disk "--kunit --expect-tests" env KVM_NESTED=1
has mtetag && boot mtetag-zram mtetag zram "--expect-tests" env
# Without kernel memory accounting nothing is charged, and the swap
# uncharge must take back no tags' charge either: swap_memcg_charge alone.
has mtetag && boot mtetag-nokmem mtetag disk "--expect-tests" \
	env APPEND="cgroup.memory=nokmem guest_tests=swap_memcg_charge"
has baseline && boot baseline-disk baseline disk "--expect-tests" env
# The debug kernel runs mtetag's own suite. Upstream's MTE selftests and the
# real programs run on the mtetag kernel above: under lockdep and KASAN in
# emulation they take over ten minutes (check_gcr_el1_cswitch alone times
# out), which CI cannot afford.
has debug && boot debug-disk debug disk "--kunit --expect-tests" \
	env TIMEOUT=2400 APPEND="guest_skip=upstream_mte.sh,real_programs.sh"

echo "== summary [$(elapsed)]"
for s in "${failed_steps[@]}"; do echo "test: failed: $s"; done
echo "$P passed, $F failed, $S skipped"
[ "$F" -eq 0 ] && [ "${#failed_steps[@]}" -eq 0 ]
