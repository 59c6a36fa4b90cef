#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild.sh CONFIG SRC OBJ [make args...]
#
# Configure (only when the fragments changed) and build an arm64 kernel
# out of tree: allnoconfig + configs/base.config + configs/CONFIG.config,
# then check that every option the fragments ask for really is set, since
# Kconfig silently drops options whose dependencies are missing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cfg=$1 src=$(realpath -m "$2") obj=$(realpath -m "$3")
shift 3
cache=${MTETAG_CACHE:-$HOME/.cache/mtetag}

say() { echo "kbuild[$cfg]: $*" >&2; }
die() { echo "kbuild[$cfg]: ERROR: $*" >&2; exit 1; }

frags="$top/configs/base.config"
case $cfg in
baseline) frags="$frags $top/configs/baseline.config" ;;
mtetag) frags="$frags $top/configs/mtetag.config" ;;
debug) frags="$frags $top/configs/mtetag.config $top/configs/debug.config" ;;
bench) frags="$frags $top/configs/bench.config" ;;
# the benchmark's kernels with the function profiler (BENCH_PROFILE=1)
baseline-profile) frags="$frags $top/configs/baseline.config $top/configs/profile.config" ;;
bench-profile) frags="$frags $top/configs/bench.config $top/configs/profile.config" ;;
*) die "unknown configuration '$cfg' (baseline, mtetag, debug, bench, baseline-profile, bench-profile)" ;;
esac

export CCACHE_DIR=$cache/ccache
# Clones live at different paths: hash paths relative to the build folder.
export CCACHE_BASEDIR=${MTETAG_BUILD:-$top/build}
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
jobs=${JOBS:-$(($(nproc) + 1))}
kmake=(make -s -C "$src" O="$obj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	CC="ccache aarch64-linux-gnu-gcc" HOSTCC="ccache gcc" -j"$jobs")

mkdir -p "$obj"
# One build per object directory at a time: parallel makes in one O= tree
# corrupt each other. A second caller waits for the first.
exec 9> "$obj/.mtetag-lock"
if ! flock -n 9; then
	say "waiting for another build of $obj"
	flock 9
fi
# tree.sh re-lays a source tree under an exclusive lock on SRC.lock: hold it
# shared while building, so that the tree does not change under the build.
if [ -e "$src.lock" ]; then
	exec 8< "$src.lock"
	if ! flock -s -n 8; then
		say "waiting for $src to be laid"
		flock -s 8
	fi
fi
want=$(cat $frags | sha256sum | cut -c1-16)
if [ "$(cat "$obj/.mtetag-config" 2>/dev/null)" != "$want" ] || [ ! -f "$obj/.config" ]; then
	say "configuring from $(echo $frags | xargs -n1 basename | xargs)"
	cat $frags > "$obj/mtetag-fragments.config"
	"${kmake[@]}" KCONFIG_ALLCONFIG="$obj/mtetag-fragments.config" allnoconfig >/dev/null
	# a later fragment's "CONFIG_X=..." or "# CONFIG_X is not set"
	# overrides an earlier one's, as in Kconfig: check the last of each
	missing=$(sed -n 's/^\(CONFIG_[A-Za-z0-9_]*\)=.*/\1 &/p; s/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 -/p' $frags |
		awk '{ last[$1] = $2 } END { for (o in last) if (last[o] != "-") print last[o] }' |
		while IFS= read -r line; do
			grep -qxF "$line" "$obj/.config" || echo "$line"
		done)
	if [ -n "$missing" ] && [ "${MTETAG_CONFIG_LAX:-0}" = 1 ]; then
		# bisecting a series: later patches add these options
		say "note: not (yet) available: $(echo $missing)"
	elif [ -n "$missing" ]; then
		die "options not set (missing dependencies?): $(echo $missing)"
	fi
	echo "$want" > "$obj/.mtetag-config"
fi
# KBUILD_TARGETS: build just these (e.g. objects with W=1 C=1), not Image
targets=${KBUILD_TARGETS:-Image}
say "building $targets $*"
"${kmake[@]}" $targets "$@"
say "ok: $obj ($targets)"
