#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel source trees for the build.
#
#   tree.sh pristine        unpack Debian's linux-source-6.12 once into the
#                           cache (shared by every clone) and print its path
#   tree.sh mtetag DEST     make DEST the pristine tree + the overlay + the
#                           patch series, and keep it in step incrementally
#
# DEST is a hard-linked copy of the pristine tree: cheap to make, and every
# file we change is replaced (never written in place), so the pristine tree
# stays pristine. Overlay files are copied only when their content changed,
# so kbuild rebuilds only what changed. A changed series rebuilds DEST.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${MTETAG_CACHE:-$HOME/.cache/mtetag}
tarball=/usr/src/linux-source-6.12.tar.xz
pristine=$cache/linux-source-6.12

say() { echo "tree: $*" >&2; }
die() { echo "tree: ERROR: $*" >&2; exit 1; }

# Files of the repository that are laid on the kernel tree.
OVERLAY_PATHS="Kconfig.mtetag mm include arch Documentation tools"

ensure_pristine() {
	if [ -f "$pristine/.mtetag-unpacked" ]; then
		return
	fi
	[ -f "$tarball" ] || die "$tarball missing: run 'make deps' (package linux-source-6.12)"
	say "unpacking $tarball into $cache (once)"
	mkdir -p "$cache"
	local tmp
	tmp=$(mktemp -d "$cache/unpack.XXXXXX")
	tar -C "$tmp" -xf "$tarball"
	rm -rf "$pristine"
	mv "$tmp/linux-source-6.12" "$pristine"
	rmdir "$tmp"
	touch "$pristine/.mtetag-unpacked"
}

overlay_files() {
	cd "$top"
	# tracked and untracked-but-not-ignored files: what a developer sees
	# shellcheck disable=SC2086
	git ls-files -co --exclude-standard -- $OVERLAY_PATHS 2>/dev/null |
		while read -r f; do [ -f "$f" ] && echo "$f"; done | sort
}

series_hash() {
	cd "$top"
	{ cat patches/series; sed -e '/^#/d' -e '/^[[:space:]]*$/d' patches/series |
		while read -r p _; do cat "patches/$p"; done; } | sha256sum | cut -c1-16
}

make_mtetag() {
	local dest=$1
	local want have
	want=$(series_hash)
	have=$(cat "$dest/.mtetag-series" 2>/dev/null || true)
	if [ "$want" != "$have" ]; then
		say "creating $dest (series $want)"
		rm -rf "$dest"
		mkdir -p "$(dirname "$dest")"
		cp -al "$pristine" "$dest"
		rm -f "$dest/.mtetag-unpacked" "$dest/.mtetag-overlay"
		lay_overlay "$dest"
		apply_series "$dest"
		echo "$want" > "$dest/.mtetag-series"
	else
		lay_overlay "$dest"
	fi
}

# Copy overlay files whose content differs; remove files a previous run laid
# that are gone from the overlay now.
lay_overlay() {
	local dest=$1 f n=0
	local list
	list=$(overlay_files)
	while read -r f; do
		[ -n "$f" ] || continue
		if ! cmp -s "$top/$f" "$dest/$f"; then
			mkdir -p "$dest/$(dirname "$f")"
			rm -f "$dest/$f"
			cp "$top/$f" "$dest/$f"
			n=$((n + 1))
		fi
	done <<< "$list"
	if [ -f "$dest/.mtetag-overlay" ]; then
		comm -23 "$dest/.mtetag-overlay" <(echo "$list") | while read -r f; do
			[ -n "$f" ] || continue
			say "removing $f (no longer in the overlay)"
			rm -f "$dest/$f"
			if [ -f "$pristine/$f" ]; then
				cp "$pristine/$f" "$dest/$f"
			fi
		done
	fi
	echo "$list" > "$dest/.mtetag-overlay"
	[ "$n" -eq 0 ] || say "laid $n changed overlay file(s)"
}

apply_series() {
	local dest=$1 p
	sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$top/patches/series" | while read -r p _; do
		say "applying $p"
		# patch writes a new file and renames it over the old one, which
		# breaks the hard link to the pristine tree.
		patch -d "$dest" -p1 -s -N --no-backup-if-mismatch -r - < "$top/patches/$p" ||
			die "patches/$p does not apply to 6.12 + overlay"
	done
}

case "${1:-}" in
pristine)
	ensure_pristine
	echo "$pristine"
	;;
mtetag)
	[ -n "${2:-}" ] || die "usage: tree.sh mtetag DEST"
	mkdir -p "$(dirname "$2")"
	# one writer of DEST at a time; kbuild.sh holds this lock shared while it
	# builds from DEST
	exec 9> "$2.lock"
	flock 9
	ensure_pristine
	make_mtetag "$2"
	echo "$2"
	;;
*)
	die "usage: tree.sh pristine | tree.sh mtetag DEST"
	;;
esac
