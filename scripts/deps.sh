#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything mtetag's build, guest and tests need, from Debian's
# archive only. Idempotent: a second run with everything present only
# checks and prints "deps: ok".
#
# Debian 12's own qemu-system-arm (7.2) stores one MTE tag byte per *page*
# instead of per granule, so every tag test on it is meaningless: QEMU must
# come from bookworm-backports (10.x).
set -euo pipefail
# deps.sh [PKG...]: also the Debian packages PKG, for targets outside
# 'make test' ('make icount': qemu-user)

say() { echo "deps: $*"; }
die() { echo "deps: ERROR: $*" >&2; exit 1; }

HOST_PKGS="linux-source-6.12 gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	flex bison bc libssl-dev libelf-dev cpio kmod rsync ccache sparse
	make gcc clang libclang-rt-14-dev zstd libzstd-dev xz-utils
	python3 python3-docutils gnuplot-nox dpkg-dev quilt${*:+ $*}"
BACKPORTS_PKGS="qemu-system-arm"
# Guest userspace: arm64 .debs unpacked into the initramfs.
GUEST_DEBS="busybox-static libc6 zstd libzstd1 xz-utils liblzma5"

MIN_QEMU_MAJOR=8

missing_host_pkgs() {
	local p
	for p in $HOST_PKGS; do
		[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
			echo "$p"
	done
}

qemu_ok() {
	command -v qemu-system-aarch64 >/dev/null || return 1
	local v
	v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ -n "$v" ] && [ "$v" -ge "$MIN_QEMU_MAJOR" ]
}

need=$(missing_host_pkgs | xargs)
has_arm64() { [[ " $(dpkg --print-foreign-architectures | xargs) " == *" arm64 "* ]]; }
if [ -z "$need" ] && qemu_ok && has_arm64; then
	say "ok (all packages present, $(qemu-system-aarch64 --version | head -1))"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "missing packages ($need${need:+, }qemu >= $MIN_QEMU_MAJOR) and not root: run 'make deps' as root"
command -v apt-get >/dev/null || die "apt-get not found: mtetag's build expects Debian 12 (bookworm)"
. /etc/os-release
[ "${VERSION_CODENAME:-}" = bookworm ] || say "warning: this is ${PRETTY_NAME:-an unknown system}, not Debian 12; trying anyway"

# bookworm-backports (for QEMU) and deb-src (for fio's source), same archive.
src=/etc/apt/sources.list.d/mtetag.sources
if [ ! -f "$src" ]; then
	say "adding bookworm-backports and deb-src entries ($src)"
	cat > "$src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
if ! has_arm64; then
	say "enabling the arm64 architecture for the guest's userspace packages"
	dpkg --add-architecture arm64
fi

say "apt-get update"
# Third-party sources this machine cannot reach only warn; the Debian
# archive must answer.
apt-get update -q 2>&1 | sed 's/^/  /' || true
case "$(apt-cache policy qemu-system-arm)" in *bookworm-backports*) ;; *) false ;; esac ||
	die "bookworm-backports is not reachable: cannot get a QEMU whose MTE emulation works"

export DEBIAN_FRONTEND=noninteractive
need=$(missing_host_pkgs | xargs)
if [ -n "$need" ]; then
	say "installing: $need"
	apt-get install -y -q --no-install-recommends $need || die "apt-get install failed"
fi
if ! qemu_ok; then
	say "installing qemu-system-arm from bookworm-backports"
	apt-get install -y -q --no-install-recommends -t bookworm-backports $BACKPORTS_PKGS ||
		die "could not install qemu-system-arm from bookworm-backports"
fi
qemu_ok || die "qemu-system-aarch64 $(qemu-system-aarch64 --version | head -1) is too old (need >= $MIN_QEMU_MAJOR)"
say "ok ($(qemu-system-aarch64 --version | head -1))"
