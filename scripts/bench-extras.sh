#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-extras.sh OUT_ROOT
#
# Add what 'make bench' runs in the guest to the initramfs tree OUT_ROOT:
#   /tests/bench_swap  the swap benchmark of tagged memory (static, ours)
#   /usr/bin/fio       fio 3.33, static arm64, built from Debian's source
# The tag-heap programs (glibc, zstd, xz) are scripts/guest-extras.sh's,
# not added here. Idempotent; fio is built once into the shared cache.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=$1
cache=${MTETAG_CACHE:-$HOME/.cache/mtetag}
cc=aarch64-linux-gnu-gcc
fio_version=3.33
say() { echo "bench-extras: $*" >&2; }
die() { echo "bench-extras: ERROR: $*" >&2; exit 1; }

# fio: Debian's arm64 binary package drags in Ceph, GlusterFS, RDMA and PMEM
# libraries; its source builds a static binary with none of them. The
# default optimisation (-O3) is kept: a benchmark tool built -O0 would
# spend the guest's emulated CPU on itself instead of on the I/O it times.
fio_bin=$cache/fio/fio-$fio_version-static-arm64
build_fio() {
	local dir=$cache/fio src tmp bin=$fio_bin
	[ -x "$bin" ] && return
	mkdir -p "$dir/src"
	src=$(ls "$dir/src/fio_$fio_version".orig.tar.* 2>/dev/null | head -1 || true)
	if [ -z "$src" ]; then
		say "downloading fio's Debian source package"
		# bookworm's fio is 3.33; another release would need checking here
		(cd "$dir/src" && apt-get source -q --download-only fio >/dev/null 2>&1) ||
			die "cannot download fio's source (needs the deb-src entry that 'make deps' adds)"
		src=$(ls "$dir/src/fio_$fio_version".orig.tar.* 2>/dev/null | head -1 || true)
		[ -n "$src" ] || die "Debian's fio source is not version $fio_version: $(ls "$dir/src")"
	fi
	say "building a static arm64 fio $fio_version (about a minute)"
	tmp=$(mktemp -d "$dir/build.XXXXXX")
	tar -xf "$src" -C "$tmp"
	(cd "$tmp/fio-$fio_version" &&
		./configure --cc=$cc --build-static >"$tmp/configure.log" 2>&1 &&
		make -j"$(($(nproc) + 1))" fio >"$tmp/make.log" 2>&1) ||
		die "fio does not build: see $tmp/*.log"
	aarch64-linux-gnu-strip -o "$bin.tmp" "$tmp/fio-$fio_version/fio"
	mv "$bin.tmp" "$bin"
	rm -rf "$tmp"
}

[ -d "$root" ] || die "no initramfs tree at $root"
mkdir -p "$root/tests" "$root/usr/bin"

make -s -C "$top/tools/testing/selftests/mtetag/bench" CC=$cc OUTPUT="$root/tests" >&2 ||
	die "the swap benchmark does not build"
build_fio
install -m755 "$fio_bin" "$root/usr/bin/fio"
say "ok: bench_swap and fio $fio_version in $root"
