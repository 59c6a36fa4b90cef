#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-extras.sh ROOT SRC
#
# Add to the initramfs tree ROOT what the tests of unmodified programs need,
# beyond the static busybox guest that initramfs.sh builds:
#
#  - Debian's arm64 glibc (loader and libraries) and real, dynamically linked
#    programs with their libraries: zstd and xz. Run with
#    GLIBC_TUNABLES=glibc.mem.tagging=3 they keep a tagged heap, so a tag lost
#    in swap kills them (real_programs.sh);
#  - upstream's arm64 MTE selftests (the nine check_* programs), built from
#    the kernel tree SRC into /tests/mte-upstream (upstream_mte.sh);
#  - the helpers and wrappers of those two tests, from SRC's
#    tools/testing/selftests/mtetag.
#
# Called by initramfs.sh before it packs ROOT. Downloads and the headers and
# selftests builds are cached in $MTETAG_CACHE, keyed by the content of what
# they are built from, so a warm run takes a second or two.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
root=$1 src=$2
cache=${MTETAG_CACHE:-$HOME/.cache/mtetag}
cc=aarch64-linux-gnu-gcc
say() { echo "guest-extras: $*" >&2; }
die() { echo "guest-extras: ERROR: $*" >&2; exit 1; }

[ -d "$root/tests" ] || die "$root is not an initramfs tree (no tests/)"
[ -f "$src/Makefile" ] || die "$src is not a kernel tree"
mtetag_tests=$src/tools/testing/selftests/mtetag

# glibc first, then the programs and the libraries they are linked against
# (readelf -d of zstd: libz, liblzma, liblz4, libc; of xz: liblzma, libc).
# libzstd1 and libstdc++6 serve pzstd and anyone linking libzstd; libgcc-s1
# is what glibc loads for pthread_cancel and backtraces.
"$top/scripts/guest-debs.sh" "$root" libc6 libgcc-s1 libstdc++6 zlib1g \
	liblz4-1 liblzma5 libzstd1 zstd xz-utils 2>/dev/null
# Documentation, locales and iconv modules (20 MiB) are never used here.
rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" \
	"$root/usr/share/lintian" "$root/usr/lib/aarch64-linux-gnu/gconv"
[ -x "$root/lib/ld-linux-aarch64.so.1" ] || die "no arm64 loader in $root/lib"

# Upstream's MTE selftests. They include the kernel's uapi headers, so those
# are installed first; both are cached under a hash of their sources.
key() {
	(cd "$src" && find "$@" -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum) | sha256sum | cut -c1-16
}
hkey=$(key include/uapi arch/arm64/include/uapi scripts/headers_install.sh)
hdr=$cache/uapi-headers/$hkey
if [ ! -f "$hdr/.done" ]; then
	say "installing the uapi headers of $src"
	rm -rf "$hdr"
	mkdir -p "$hdr/obj"
	make -s -C "$src" O="$hdr/obj" ARCH=arm64 INSTALL_HDR_PATH="$hdr" \
		headers_install >&2
	rm -rf "$hdr/obj"
	touch "$hdr/.done"
fi
skey=$( (echo "$hkey"; key tools/testing/selftests/arm64/mte \
	tools/testing/selftests/lib.mk tools/testing/selftests/kselftest.h \
	tools/testing/selftests/arm64/Makefile) | sha256sum | cut -c1-16)
kst=$cache/mte-selftests/$skey
if [ ! -f "$kst/.done" ]; then
	say "building upstream's MTE selftests"
	rm -rf "$kst"
	mkdir -p "$kst"
	# upstream's sources have -Wformat warnings on 6.12: keep them quiet
	# unless the build fails
	make -C "$src/tools/testing/selftests" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- TARGETS=arm64 \
		ARM64_SUBTARGETS=mte O="$kst" \
		KHDR_INCLUDES="-isystem $hdr/include" > "$kst/build.log" 2>&1 ||
		{ tail -30 "$kst/build.log" >&2; die "upstream's MTE selftests do not build"; }
	touch "$kst/.done"
fi
mkdir -p "$root/tests/mte-upstream"
n=0
for f in "$kst"/kselftest/arm64/mte/check_*; do
	[ -x "$f" ] || continue
	install -m755 "$f" "$root/tests/mte-upstream/"
	n=$((n + 1))
done
[ "$n" = 9 ] || die "expected nine check_* programs, built $n"

# Our helpers: static, so that they run without the Debian libraries too;
# heap_oob also linked against the guest's glibc (the cross glibc is the
# same 2.36), to prove that the glibc zstd and xz load tags their heap.
for p in gen_data heap_oob; do
	$cc -static -O2 -Wall -Wextra -Werror -o "$root/tests/$p" "$mtetag_tests/$p.c"
done
$cc -O2 -Wall -Wextra -Werror -o "$root/tests/heap_oob_dyn" "$mtetag_tests/heap_oob.c"
# the tag capture for the host codec corpus (guest/corpus.sh)
$cc -static -O2 -Wall -Wextra -Werror -o "$root/tests/mte_capture" \
	"$src/tools/testing/mtetag/capture/mte_capture.c"
for s in real_programs.sh upstream_mte.sh; do
	install -m755 "$mtetag_tests/$s" "$root/tests/$s"
done
say "ok: glibc, zstd, xz, $n upstream MTE selftests, real-program tests"
