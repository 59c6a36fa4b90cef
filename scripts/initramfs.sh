#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh OUT SRC
#
# Build the guest's initramfs OUT/initrd.cpio.gz: busybox from Debian's arm64
# archive, the init scripts from guest/, the boot self-check, the selftests
# built from the kernel tree SRC (which holds the overlay and kselftest.h),
# and the project's tools, all static arm64 programs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1 src=$2
root=$out/root
cc=aarch64-linux-gnu-gcc
say() { echo "initramfs: $*" >&2; }

rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,tests,tools,etc}
"$top/scripts/guest-debs.sh" "$root" busybox-static 2>/dev/null
install -m755 "$top/guest/init" "$root/init"
for f in "$top"/guest/*.sh; do install -m755 "$f" "$root/tests/"; done
install -m644 "$top/guest/tests.list" "$root/tests/list"

say "building the self-check and the selftests"
$cc -static -O2 -Wall -Wextra -Werror -march=armv8.5-a+memtag \
	-o "$root/tests/mte-selfcheck" "$top/guest/mte-selfcheck.c"
mkdir -p "$out/selftests"
make -s -C "$src/tools/testing/selftests/mtetag" CC=$cc OUTPUT="$out/selftests" \
	KHDR_INCLUDES= >&2
find "$out/selftests" -maxdepth 1 -type f -perm -u+x -exec install -m755 {} "$root/tests/" \;
# kselftest's TEST_PROGS scripts run from the source directory
for f in "$src"/tools/testing/selftests/mtetag/*.sh; do
	[ -f "$f" ] && install -m755 "$f" "$root/tests/"
done
# and source kselftest's helpers from ../kselftest/, as installed kselftests do
install -D -m644 "$src/tools/testing/selftests/kselftest/ktap_helpers.sh" \
	"$root/kselftest/ktap_helpers.sh"

if [ -f "$top/tools/mtetag-stat/Makefile" ]; then
	mkdir -p "$out/mtetag-stat"
	make -s -C "$top/tools/mtetag-stat" CROSS_COMPILE=aarch64-linux-gnu- \
		LDFLAGS=-static OUTPUT="$out/mtetag-stat/" >&2 &&
		install -m755 "$out/mtetag-stat/mtetag-stat" "$root/tools/" &&
		install -m755 "$top/tools/mtetag-stat/tests/guest-check.sh" "$root/tools/" ||
		{ say "ERROR: tools/mtetag-stat does not build"; exit 1; }
fi

# libc, real programs (zstd, xz) and upstream's arm64 MTE selftests
"$top/scripts/guest-extras.sh" "$root" "$src"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 > "$out/initrd.cpio.gz.tmp"
mv "$out/initrd.cpio.gz.tmp" "$out/initrd.cpio.gz"
say "ok: $out/initrd.cpio.gz ($(du -h "$out/initrd.cpio.gz" | cut -f1))"
