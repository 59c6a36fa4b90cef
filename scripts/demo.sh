#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh KERNEL INITRD LOG SWAP: 'make run': boot, run guest/demo.sh, and
# exit with its verdict.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$(dirname "$3")"
"$top/scripts/qemu.sh" "$1" "$2" run "$3" "$4" |
	sed -n '/===MTETAG-RESULTS-BEGIN===/q;p'
grep -q '^VERDICT: PASS' "$3" || { echo "run: no passing verdict (see $3)"; exit 1; }
