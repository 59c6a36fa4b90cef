#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qemu.sh KERNEL INITRD MODE LOG [SWAP]
#
# Boot the guest under qemu-system-aarch64 with MTE emulation. MODE is the
# init's guest_mode (test, run, bench, shell); SWAP is disk (a virtio disk)
# or zram. The console goes to LOG (and to the terminal unless QUIET=1).
# Environment: TIMEOUT (seconds, default 1200), MEM (default 1G), SMP
# (default 2), KVM_NESTED=1 adds EL2 so KVM can run inside the guest,
# APPEND adds kernel arguments, QEMU names the emulator binary (the
# negative control points it at Debian's broken 7.2 on purpose, with
# QEMU_ALLOW_BROKEN=1), ICOUNT=N runs the guest with -icount shift=N: its
# clocks then count executed instructions (2^N ns each), not host time.
set -euo pipefail
kernel=$1 initrd=$2 mode=$3 log=$4 swap=${5:-disk}
top=$(cd "$(dirname "$0")/.." && pwd)
timeout=${TIMEOUT:-1200}
machine=virt,mte=on
[ "${KVM_NESTED:-0}" = 1 ] && machine=$machine,virtualization=on
swapimg=$(dirname "$log")/swap-$$.img

die() { echo "qemu: ERROR: $*" >&2; exit 1; }
[ -f "$kernel" ] || die "no kernel at $kernel"
[ -f "$initrd" ] || die "no initramfs at $initrd"
qemu=${QEMU:-qemu-system-aarch64}
v=$("$qemu" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
[ "${v:-0}" -ge 8 ] || [ "${QEMU_ALLOW_BROKEN:-0}" = 1 ] || die "QEMU $v stores one MTE tag per page, not per granule: tests would prove nothing. Run 'make deps' (QEMU from bookworm-backports)"

truncate -s 2G "$swapimg"
trap 'rm -f "$swapimg"' EXIT

cmd=("$qemu" -machine "$machine" -cpu max -smp "${SMP:-2}" -m "${MEM:-1G}"
	-nographic -nic none -no-reboot
	-kernel "$kernel" -initrd "$initrd"
	-drive "file=$swapimg,format=raw,if=virtio"
	-append "console=ttyAMA0 loglevel=4 panic=-1 kunit.enable=1 guest_mode=$mode guest_swap=$swap ${APPEND:-}")
if [ -n "${ICOUNT:-}" ]; then
	[[ $ICOUNT =~ ^([0-9]|10)$ ]] || die "ICOUNT must be a shift from 0 to 10"
	cmd+=(-icount "shift=$ICOUNT,sleep=off")
fi

if [ "$mode" = shell ]; then
	exec "${cmd[@]}"
fi
rc=0
if [ "${QUIET:-0}" = 1 ]; then
	timeout --foreground -k 5 "$timeout" "${cmd[@]}" < /dev/null > "$log" 2>&1 || rc=$?
else
	set +e
	timeout --foreground -k 5 "$timeout" "${cmd[@]}" < /dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "qemu: TIMEOUT after ${timeout}s" | tee -a "$log" >&2
	exit 124
fi
exit "$rc"
