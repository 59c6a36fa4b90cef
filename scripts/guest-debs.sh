#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-debs.sh DEST PKG...
#
# Download arm64 packages from Debian's archive (cached) and unpack them into
# DEST, the initramfs tree. Needs the arm64 architecture that 'make deps'
# enables.
set -euo pipefail
cache=${MTETAG_CACHE:-$HOME/.cache/mtetag}/debs
dest=$1
shift
mkdir -p "$cache" "$dest"
for pkg in "$@"; do
	deb=$(ls "$cache/${pkg}"_*_arm64.deb 2>/dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		echo "guest-debs: downloading $pkg:arm64" >&2
		(cd "$cache" && apt-get download -q "$pkg:arm64" >/dev/null) ||
			{ echo "guest-debs: ERROR: cannot download $pkg:arm64 (run 'make deps')" >&2; exit 1; }
		deb=$(ls "$cache/${pkg}"_*_arm64.deb | head -1)
	fi
	dpkg-deb -x "$deb" "$dest"
done
