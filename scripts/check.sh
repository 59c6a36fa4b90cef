#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make check': the gates a kernel maintainer applies before reading a patch.
#   checkpatch --strict  every overlay C/header/Kconfig file and every patch
#   kernel-doc -none     every overlay kernel source file
#   W=1 C=1 (sparse)     build of mm/mtetag/ and arch/arm64/mm/: no warning
#   reStructuredText     every mtetag document parses without warnings
# One KTAP line per file and gate; counts go to $CHECK_COUNTS.
#
# checkpatch exceptions, all in one place, each with its reason:
#   FILE_PATH_CHANGES  overlay files are new files by nature; MAINTAINERS is
#                      patched in the series
#   BIT_MACRO          userspace programs (tools/) have no BIT()
#   CAMELCASE, SPLIT_STRING in tools/testing/mtetag/: the harness calls
#                      libzstd, ZDICT and libFuzzer by their CamelCase names,
#                      and the codec benchmark writes Markdown paragraphs,
#                      not log messages anyone greps for
#   UNDOCUMENTED_SETUP for a single file: checkpatch accepts a __setup only
#                      when the same patch documents it; the series adds
#                      fail_mtetag_save= to kernel-parameters.txt in the
#                      patch that adds mm/mtetag/store.c
#   seam headers       tools/testing/mtetag/mtetag_seam.h and linux/*.h stand
#                      in for kernel headers over libc and libzstd: they must
#                      spell libzstd's CamelCase names and typedefs, like
#                      tools/testing/vma/vma_internal.h; they are not checked
# Everything else, tools and tests included, is held to kernel style.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${MTETAG_BUILD:-$top/build}
src=$build/src
counts=${CHECK_COUNTS:-$build/logs/check.counts}
mkdir -p "$build/logs"
IGNORE=FILE_PATH_CHANGES
n=0 npass=0 nfail=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		npass=$((npass + 1)); echo "ok $n - $2"
	else
		nfail=$((nfail + 1)); echo "not ok $n - $2"
		[ -n "${3:-}" ] && sed 's/^/# /' <<< "$3" | head -30
	fi
}

cd "$top"
kfiles=$(git ls-files -co --exclude-standard -- mm include arch Kconfig.mtetag tools/mtetag-stat \
	tools/testing/selftests/mtetag tools/testing/mtetag | grep -E '\.(c|h)$|Kconfig' |
	grep -v -E '^tools/testing/mtetag/(mtetag_seam\.h|linux/)' |
	while read -r f; do [ -f "$f" ] && echo "$f"; done)

for f in $kfiles; do
	ign=$IGNORE
	case $f in
	tools/testing/mtetag/*) ign=$IGNORE,BIT_MACRO,CAMELCASE,SPLIT_STRING ;;
	tools/*) ign=$IGNORE,BIT_MACRO ;;
	mm/mtetag/store.c) ign=$IGNORE,UNDOCUMENTED_SETUP ;;
	esac
	# --root: checkpatch looks up kernel-parameters.txt and the like there
	out=$(cd "$src" && perl scripts/checkpatch.pl --strict --root "$src" --quiet --terse \
		--ignore "$ign" -f "$top/$f" 2>&1)
	result $? "checkpatch --strict $f" "$out"
done
for pt in $(sed -e '/^#/d' -e '/^[[:space:]]*$/d' patches/series); do
	out=$(cd "$src" && perl scripts/checkpatch.pl --strict --quiet --terse \
		--ignore "$IGNORE" "$top/patches/$pt" 2>&1)
	result $? "checkpatch --strict patches/$pt" "$out"
done

for f in $(grep -E '^(mm|include|arch)/' <<< "$kfiles" | grep -E '\.(c|h)$'); do
	out=$(cd "$src" && perl scripts/kernel-doc -none -Wall "$top/$f" 2>&1)
	[ -z "$out" ]
	result $? "kernel-doc $f" "$out"
done

# W=1 and sparse on the objects mtetag owns: rebuild them with the extra
# flags (kbuild notices the changed command line) and collect warnings.
objs=$(grep -E '^(mm/mtetag|arch/arm64/mm)/.*\.c$' <<< "$kfiles" | sed 's/\.c$/.o/')
if [ -n "$objs" ] && [ -f "$build/kernel-mtetag/.config" ]; then
	out=$(cd "$top" && KBUILD_TARGETS="$(echo $objs)" "$top/scripts/kbuild.sh" mtetag \
		"$src" "$build/kernel-mtetag" W=1 C=1 2>&1)
	rc=$?
	# warnings in mtetag's own sources, wherever they are reported from
	# (headers included); upstream files' own warnings are not ours
	srcs=$(sed 's/\.o$/.c/' <<< "$objs" | sed 's/[.]/\\./g' | paste -sd'|')
	warn=$(grep -E 'warning:|error:' <<< "$out" |
		grep -E "($srcs|mm/mtetag/|include/linux/mtetag\.h|trace/events/mtetag\.h)" || true)
	[ "$rc" = 0 ] && [ -z "$warn" ]
	result $? "W=1 C=1 build of $(echo $objs | wc -w) mtetag objects" "${warn:-$out}"
else
	echo "# W=1 C=1: no mtetag objects or no configured kernel-mtetag yet"
fi

docs=$(git ls-files -co --exclude-standard -- Documentation | grep '\.rst$')
for d in $docs; do
	out=$(python3 "$top/scripts/rstcheck.py" "$d" 2>&1)
	result $? "reStructuredText $d" "$out"
done

echo "$npass $nfail 0" > "$counts"
echo "check: $npass passed, $nfail failed"
[ "$nfail" = 0 ]
