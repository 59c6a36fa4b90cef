#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# patches.sh [--check]
#
# 'make patches': turn the overlay and the quilt series into a git-am-able
# series against pristine 6.12.117, split as patches/split.txt says, with a
# cover letter (patches/cover-letter.txt), in build/patches/. A patch may add
# hunks to files of earlier patches (patches/split/*.diff): the overlay as of
# each patch comes from scripts/patches-split.py.
#
# --check: apply the series with 'git am' to a fresh pristine clone, build
# the mtetag configuration after every patch that touches a build input
# (bisectability; not after documents, userspace tests and tools or
# MAINTAINERS), check that the result is exactly the tree 'make tree' lays
# (build/src), and run checkpatch --strict on every patch (exceptions as in
# check.sh). Prints KTAP lines and writes counts to $PATCH_COUNTS.
#
# patches.sh --state N DIR | --regen N DIR | --hunk N BEFORE: the overlay as
# of patch N, and rewriting patch N's hunk diff (see scripts/patches-split.py).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${MTETAG_BUILD:-$top/build}
cache=${MTETAG_CACHE:-$HOME/.cache/mtetag}
repo=$cache/linux-git
out=$build/patches
work=$build/patches-work
base=v6.12.117-debian
author="mtetag developers <mtetag@localhost>"

say() { echo "patches: $*" >&2; }
die() { echo "patches: ERROR: $*" >&2; exit 1; }
gitc() { git -c user.name="mtetag developers" -c user.email=mtetag@localhost \
	-c advice.detachedHead=false "$@"; }

# A git repository of the pristine tree, made once per machine (3 minutes).
ensure_repo() {
	[ -f "$repo/.mtetag-ready" ] && return
	local pristine tmp
	pristine=$("$top/scripts/tree.sh" pristine)
	say "making a git repository of pristine 6.12 in $repo (once)"
	tmp=$repo.tmp
	rm -rf "$tmp"
	cp -al "$pristine" "$tmp"
	rm -f "$tmp/.mtetag-unpacked"
	# Debian's tarball ignores everything at the top level: add with -f
	(cd "$tmp" && gitc init -q && gitc add -A -f >/dev/null &&
		gitc commit -qm "Linux 6.12.117 (Debian linux-source-6.12)" && git tag "$base")
	rm -rf "$repo"
	mv "$tmp" "$repo"
	touch "$repo/.mtetag-ready"
}

fresh_clone() {
	rm -rf "$1"
	git clone -q --shared --no-checkout "$repo" "$1"
	(cd "$1" && gitc checkout -q -f "$base" && gitc checkout -q -b mtetag)
}

# patches/split.txt as JSON blocks: subject, quilt, body (checked).
blocks() {
	python3 "$top/scripts/patches-split.py" blocks
}

make_series() {
	ensure_repo
	fresh_clone "$work"
	# the host corpus's captured tag pages are data: binary patches
	mkdir -p "$work/.git/info" && echo '*.tags binary' > "$work/.git/info/attributes"
	local json n i subject quilt body q
	json=$(blocks) || exit 1
	n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$json")
	local series
	series=$(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$top/patches/series")
	local used_quilt=""
	for ((i = 0; i < n; i++)); do
		get() { python3 -c 'import json,sys; b=json.loads(sys.argv[1])[int(sys.argv[2])]; v=b[sys.argv[3]]; print(" ".join(v) if isinstance(v, list) else v)' "$json" "$i" "$1"; }
		subject=$(get subject) quilt=$(get quilt) body=$(get body)
		# the overlay files of patches 1..i+1 as of this patch
		python3 "$top/scripts/patches-split.py" state $((i + 1)) "$work" || exit 1
		for q in $quilt; do
			grep -qxF "$q" <<< "$series" || die "split.txt: $q is not in patches/series"
			patch -d "$work" -p1 -s -N --no-backup-if-mismatch -r - < "$top/patches/$q" ||
				die "$q does not apply"
			used_quilt+="$q"$'\n'
		done
		(cd "$work" && gitc add -A -f >/dev/null &&
			gitc commit -q --author="$author" -F - <<-MSG
			$subject

			$body

			Signed-off-by: $author
			MSG
		) || die "nothing to commit for '$subject'"
	done
	# every quilt patch in exactly one patch (patches-split.py checks the
	# overlay files and the hunk diffs)
	local missing
	missing=$(comm -23 <(echo "$series" | sort) <(echo -n "$used_quilt" | sort -u))
	[ -z "$missing" ] || die "quilt patches in no patch of split.txt: $(echo $missing)"
	# the order of the quilt patches must follow patches/series
	[ "$(echo -n "$used_quilt")" = "$series" ] ||
		die "split.txt applies the quilt patches in another order than patches/series"

	rm -rf "$out"
	(cd "$work" && git format-patch -q --cover-letter --thread -o "$out" "$base"..HEAD)
	local cover
	cover=$(ls "$out"/0000-cover-letter.patch)
	python3 - "$cover" "$top/patches/cover-letter.txt" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2]).read().strip("\n").split("\n", 1)
s = open(cover).read()
s = s.replace("*** SUBJECT HERE ***", text[0].strip())
s = s.replace("*** BLURB HERE ***", text[1].strip("\n") if len(text) > 1 else "")
open(cover, "w").write(s)
PY
	say "wrote $(ls "$out" | wc -l) files to $out"
}

# checkpatch --strict on one patch of the series, on what scripts/check.sh
# holds to it: commit messages, the hunks of existing kernel files, and the
# overlay's C, header and Kconfig files but for the seam headers of the host
# harness (mtetag_seam.h, linux/*.h: libc and libzstd under kernel names).
# Exceptions as there: FILE_PATH_CHANGES, BIT_MACRO for tools/, CAMELCASE
# and SPLIT_STRING for the host harness.
checkpatch_patch() {
	local pt=$1 tree=$2 ign=FILE_PATH_CHANGES files tmp out rc=0
	files=$(sed -n 's|^+++ b/||p' "$pt")
	grep -qv '^tools/' <<< "$files" || ign+=,BIT_MACRO
	grep -qv '^tools/testing/mtetag/' <<< "$files" || ign+=,CAMELCASE,SPLIT_STRING
	tmp=$(mktemp --suffix=.patch)
	(cd "$top" && git ls-files -co --exclude-standard -- Kconfig.mtetag mm include arch \
		Documentation tools) | python3 -c '
import re, sys
overlay = set(sys.stdin.read().split())
seam = re.compile(r"tools/testing/mtetag/(mtetag_seam\.h|linux/)")
keep = True
for line in open(sys.argv[1], "rb"):
    if line.startswith(b"diff --git "):
        f = line.split()[2][2:].decode("utf-8", "replace")
        keep = not seam.match(f) and (f not in overlay or
                                      re.search(r"\.(c|h)$|Kconfig", f))
    if keep:
        sys.stdout.buffer.write(line)
' "$pt" > "$tmp"
	# GIT_DIR elsewhere: no spdxcheck.py (needs python3-ply) nor git
	# lookups, as in check.sh, which runs in the non-git build/src
	out=$(cd "$tree" && GIT_DIR=/nonexistent perl scripts/checkpatch.pl --strict \
		--quiet --terse --ignore "$ign" "$tmp" 2>&1) || rc=$?
	rm -f "$tmp"
	[ -z "$out" ] || echo "${out//$tmp/$(basename "$pt")}"
	return "$rc"
}

check_series() {
	local counts=${PATCH_COUNTS:-$build/logs/patches.counts}
	# src/ and kernel-mtetag/ side by side, as in build/: the same relative
	# paths let ccache reuse the objects of the main mtetag build
	local tree=$build/patches-check/src obj=$build/patches-check/kernel-mtetag
	local n=0 p=0 f=0 i=0 pt
	result() {
		n=$((n + 1))
		if [ "$1" = 0 ]; then p=$((p + 1)); echo "ok $n - $2"
		else f=$((f + 1)); echo "not ok $n - $2"; fi
	}
	mkdir -p "$(dirname "$tree")"
	fresh_clone "$tree"
	for pt in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ -f "$pt" ] || continue
		[ "$(basename "$pt")" = 0000-cover-letter.patch ] && continue
		i=$((i + 1))
		if ! (cd "$tree" && gitc am -q --whitespace=error-all "$pt"); then
			result 1 "git am $(basename "$pt")"
			(cd "$tree" && gitc am --abort) 2>/dev/null
			break
		fi
		result 0 "git am $(basename "$pt")"
		local cp
		if cp=$(checkpatch_patch "$pt" "$tree"); then
			result 0 "checkpatch --strict $(basename "$pt")"
		else
			result 1 "checkpatch --strict $(basename "$pt")"
			sed 's/^/# /' <<< "$cp" | head -20
		fi
		# a patch of documents, userspace tests and tools, or
		# MAINTAINERS cannot break the build (about 15 s each to
		# find that out). Not all of tools/ nor Documentation/:
		# host programs include tools/include, Kconfig may source
		# Documentation/Kconfig.
		local inputs
		inputs=$(cd "$tree" && git diff --name-only HEAD~1 HEAD |
			grep -Ev '^(Documentation/.*\.(rst|txt)|Documentation/ABI/|tools/testing/|tools/mtetag-stat/|MAINTAINERS$)' ||
			true)
		if [ -z "$inputs" ]; then
			result 0 "no build input in $(basename "$pt") (documents, tests, tools, MAINTAINERS only)"
			continue
		fi
		# reconfigure at every step: options appear as the series adds them
		rm -f "$obj/.mtetag-config"
		if MTETAG_CONFIG_LAX=1 "$top/scripts/kbuild.sh" mtetag "$tree" "$obj" \
			> "$build/logs/patches-build-$i.log" 2>&1; then
			result 0 "builds after $(basename "$pt")"
		else
			result 1 "builds after $(basename "$pt") (see $build/logs/patches-build-$i.log)"
		fi
	done
	# the series must give exactly the tree the overlay and quilt give
	local d
	# (checkpatch leaves its .checkpatch-camelcase cache where it runs)
	d=$(diff -rq -x '.git' -x '.mtetag-*' -x '*.orig' -x '.checkpatch-camelcase*' \
		"$tree" "$build/src" 2>&1 | head -20 || true)
	result "$([ -z "$d" ] && echo 0 || echo 1)" \
		"the series gives the same tree as overlay + quilt${d:+: $d}"
	echo "$p $f 0" > "$counts"
	echo "patches: $p passed, $f failed"
	[ "$f" = 0 ]
}

case ${1:-} in
--state | --regen | --hunk)
	[ $# = 3 ] || die "usage: $0 $1 N DIR"
	exec python3 "$top/scripts/patches-split.py" "${1#--}" "$2" "$3" ;;
esac
make_series
[ "${1:-}" = --check ] && check_series
exit 0
