#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-args-test.sh: 'make bench' refuses a bad knob before it builds or
# boots anything: exit 1, an error that names the knob, no build folder.
# Ends with 'N passed, N failed'.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
p=0 f=0
# should a knob get through, its run stops at the first build step
mkdir "$tmp/bin"
printf '#!/bin/sh\necho "make called: the knob was not refused" >&2\nexit 2\n' > "$tmp/bin/make"
chmod +x "$tmp/bin/make"

# expect KNOB-in-message ENV...
expect() {
	local want=$1 out rc
	shift
	out=$(env -i PATH="$tmp/bin:$PATH" HOME="$HOME" MTETAG_BUILD="$tmp/build" "$@" \
		bash "$top/scripts/bench.sh" 2>&1)
	rc=$?
	if [ "$rc" = 1 ] && grep -q "bench: ERROR: .*$want" <<< "$out" && [ ! -e "$tmp/build" ]; then
		p=$((p + 1))
		echo "ok - $* refused"
	else
		f=$((f + 1))
		echo "not ok - $*: exit $rc, output: $out"
	fi
}

expect BENCH_ROUNDS BENCH_ROUNDS=0
expect BENCH_ROUNDS BENCH_ROUNDS=three
expect BENCH_REPEATS BENCH_REPEATS=17
expect BENCH_PROFILE BENCH_PROFILE=2
expect BENCH_SWAP BENCH_SWAP=nvme
expect "BENCH_PROFILE_FUNCS needs BENCH_PROFILE=1" BENCH_PROFILE_FUNCS=kfree
expect BENCH_PROFILE_FUNCS BENCH_PROFILE=1 BENCH_PROFILE_FUNCS="kfree xa_load"
expect BENCH_PROFILE_FUNCS BENCH_PROFILE=1 BENCH_PROFILE_FUNCS="kfree,"
expect BENCH_PROFILE_FUNCS BENCH_PROFILE=1 'BENCH_PROFILE_FUNCS=kfree;reboot'
expect BENCH_ICOUNT BENCH_ICOUNT=11 BENCH_SWAP=zram
expect BENCH_ICOUNT BENCH_ICOUNT=-1 BENCH_SWAP=zram
# a clock counting instructions cannot time a disk's waits
expect "BENCH_ICOUNT needs BENCH_SWAP=zram" BENCH_ICOUNT=0
expect BENCH_FIO_MIB BENCH_FIO_MIB=64
expect BENCH_FIO_MIB BENCH_FIO_MIB=4
expect BENCH_FIO_MIB BENCH_FIO_MIB=32M
expect BENCH_FIO_MIB BENCH_FIO_MIB=32 BENCH_QUICK=1
expect "BENCH_ICOUNT needs BENCH_SWAP=zram" BENCH_ICOUNT=0 BENCH_SWAP=disk
expect BENCH_ONLY BENCH_ONLY=synth
expect BENCH_ONLY BENCH_ONLY=synthetic,
expect BENCH_ONLY BENCH_ONLY=
expect BENCH_CLASSES BENCH_CLASSES=untagged
expect BENCH_CLASSES BENCH_CLASSES=random,,zero
expect BENCH_CLASSES "BENCH_CLASSES=random zero"
expect BENCH_CLASSES BENCH_CLASSES=
echo "bench-args: $p passed, $f failed"
[ "$f" = 0 ]
