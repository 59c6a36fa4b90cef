#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# patches.sh [--check]
#
# 'make patches': turn the overlay and the quilt series into a git-am-able
# series against pristine 6.12.117, split as patches/split.txt says, with a
# cover letter (patches/cover-letter.txt), in build/patches/.
#
# --check: apply the series with 'git am' to a fresh pristine clone, build
# the mtetag configuration after every patch (bisectability), and check that
# the result is exactly the tree 'make tree' lays (build/src). Prints KTAP
# lines and writes counts to $PATCH_COUNTS.
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

# Parse patches/split.txt into blocks: subject, files, quilt, body.
blocks() {
	python3 - "$top/patches/split.txt" <<'PY'
import json, sys
blocks, cur = [], None
for line in open(sys.argv[1]):
    if line.startswith("#") and cur is None:
        continue
    if line.startswith("=== "):
        cur = {"subject": line[4:].strip(), "files": [], "quilt": [], "body": []}
        blocks.append(cur)
    elif cur is not None and line.startswith("files:") and not cur["body"]:
        cur["files"] = line.split()[1:]
    elif cur is not None and line.startswith("quilt:") and not cur["body"]:
        cur["quilt"] = line.split()[1:]
    elif cur is not None:
        cur["body"].append(line.rstrip("\n"))
for b in blocks:
    b["body"] = "\n".join(b["body"]).strip("\n")
print(json.dumps(blocks))
PY
}

make_series() {
	ensure_repo
	fresh_clone "$work"
	local json n i subject files quilt body f q
	json=$(blocks)
	n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$json")
	local overlay series
	overlay=$(cd "$top" && git ls-files -co --exclude-standard -- \
		Kconfig.mtetag mm include arch Documentation tools |
		while read -r f; do [ -f "$f" ] && echo "$f"; done | sort)
	series=$(sed -e '/^#/d' -e '/^[[:space:]]*$/d' "$top/patches/series")
	local used_files="" used_quilt=""
	for ((i = 0; i < n; i++)); do
		get() { python3 -c 'import json,sys; b=json.loads(sys.argv[1])[int(sys.argv[2])]; v=b[sys.argv[3]]; print(" ".join(v) if isinstance(v, list) else v)' "$json" "$i" "$1"; }
		subject=$(get subject) files=$(get files) quilt=$(get quilt) body=$(get body)
		for f in $files; do
			local sel
			sel=$(grep -E "^${f%/}(/|$)" <<< "$overlay" || true)
			[ -n "$sel" ] || die "split.txt: '$f' matches no overlay file"
			while read -r g; do
				mkdir -p "$work/$(dirname "$g")"
				cp "$top/$g" "$work/$g"
				used_files+="$g"$'\n'
			done <<< "$sel"
		done
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
	# everything in exactly one patch
	local missing dup
	missing=$(comm -23 <(echo "$overlay") <(echo -n "$used_files" | sort -u))
	[ -z "$missing" ] || die "overlay files in no patch of split.txt: $(echo $missing)"
	dup=$(echo -n "$used_files" | sort | uniq -d)
	[ -z "$dup" ] || die "overlay files in two patches: $(echo $dup)"
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
	for pt in "$out"/00[0-9][1-9]-*.patch "$out"/00[1-9]0-*.patch; do
		[ -f "$pt" ] || continue
		i=$((i + 1))
		if ! (cd "$tree" && gitc am -q --whitespace=error-all "$pt"); then
			result 1 "git am $(basename "$pt")"
			(cd "$tree" && gitc am --abort) 2>/dev/null
			break
		fi
		result 0 "git am $(basename "$pt")"
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

make_series
[ "${1:-}" = --check ] && check_series
exit 0
