#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# icount.sh [N [POLICY]]: arm64 instructions per page of each way the store
# calls the codecs under POLICY (a codec name, default auto), on every
# generated corpus class ('make icount').
#
# The codecs are built for aarch64 (-O2, static, zstd compiled out) and run
# under user-mode QEMU with one instruction per translation block and every
# block's execution logged: the count of log lines is the count of executed
# instructions, the same at every run whatever the host does. Each figure
# is (count with N pages - count with none) / N. Userspace code is not the
# kernel's (no -mgeneral-regs-only, another memcpy), but the two agree
# within about 15%: COMPACT's decode of glibc-like pages counts 15000 to
# 18000 here and about 17500 in the guest (make bench BENCH_ICOUNT=0).
set -euo pipefail
cd "$(dirname "$0")"
n=${1:-200}
policy=${2:-auto}
bin=build/icount-arm64
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
[ -n "$qemu" ] || { echo "icount: needs qemu-aarch64 (Debian package qemu-user; 'make icount' at the top installs it)" >&2; exit 1; }
[ -x "$bin" ] || { echo "icount: $bin missing: run 'make icount'" >&2; exit 1; }
# QEMU 8.1 renamed -singlestep
step=-one-insn-per-tb
"$qemu" -h | grep -q -- "$step" || step=-singlestep

count() {
	"$qemu" "$step" -d nochain,exec -D /dev/stdout "$bin" "$@" 2>/dev/null |
		grep -c '^Trace'
}

echo "| class | quick (swap-out) | encode (worker) | restore (swap-in) |"
echo "|---|---:|---:|---:|"
"$qemu" "$bin" -l | while read -r k name; do
	row="| $name |"
	for op in quick encode restore; do
		zero=$(count "$k" "$op" 0 "$policy")
		full=$(count "$k" "$op" "$n" "$policy")
		row="$row $(( (full - zero + n / 2) / n )) |"
	done
	echo "$row"
done
