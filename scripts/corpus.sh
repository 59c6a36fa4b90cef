#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# corpus.sh KERNEL INITRD LOG OUTDIR: 'make corpus'.
#
# Boot the guest with guest_mode=corpus (guest/corpus.sh): real programs run
# on a glibc-tagged heap under mte_capture, which samples their pages' tags.
# The guest prints each program's pages as base64 between marker lines, in
# the results block where no kernel message interleaves; this decodes them,
# checks their SHA-256 and writes OUTDIR/NAME.tags, then prints the capture
# statistics (the "# " lines) for the corpus README.
# Environment: as qemu.sh; MEM defaults to 2G here (xz -9 allocates 674 MiB
# and glibc's tagging touches all of it), TIMEOUT to 3600 s; CORPUS_INTERVAL,
# CORPUS_PER_STOP, CORPUS_MAX, CORPUS_MIB are passed to guest/corpus.sh.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kernel=$1 initrd=$2 log=$3 outdir=$4
die() { echo "corpus: ERROR: $*" >&2; exit 1; }

append=
for v in CORPUS_INTERVAL CORPUS_PER_STOP CORPUS_MAX CORPUS_MIB; do
	# unknown NAME=VALUE kernel arguments reach init's environment
	[ -n "${!v:-}" ] && append="$append $v=${!v}"
done
mkdir -p "$(dirname "$log")" "$outdir"
MEM=${MEM:-2G} TIMEOUT=${TIMEOUT:-3600} APPEND="${APPEND:-}$append" \
	"$top/scripts/qemu.sh" "$kernel" "$initrd" corpus "$log" none |
	sed '/===MTETAG-RESULTS-BEGIN===/,$d'	# reads on: qemu.sh's tee must not stop

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the results block, without the console's carriage returns
tr -d '\r' < "$log" | sed -n '/^===MTETAG-RESULTS-BEGIN===$/,/^===MTETAG-RESULTS-END===$/p' \
	> "$tmp/results"
[ -s "$tmp/results" ] || die "no results block in $log"
awk -v dir="$tmp" '
	/^===MTETAG-CORPUS-BEGIN / { name = $2; sub(/===$/, "", name); f = dir "/" name ".b64"; next }
	/^===MTETAG-CORPUS-END / { print $3 > (dir "/" $2 ".sha"); close(f); f = ""; next }
	f != "" { print > f }' "$tmp/results"
n=0
for b in "$tmp"/*.b64; do
	[ -f "$b" ] || continue
	name=$(basename "$b" .b64)
	base64 -d "$b" > "$tmp/$name.tags" || die "$name: bad base64"
	want=$(sed 's/===$//' "$tmp/$name.sha" 2>/dev/null || true)
	have=$(sha256sum < "$tmp/$name.tags" | cut -d' ' -f1)
	[ "$want" = "$have" ] || die "$name: SHA-256 $have, the guest said '$want'"
	mv "$tmp/$name.tags" "$outdir/$name.tags"
	echo "corpus: $outdir/$name.tags: $(($(stat -c %s "$outdir/$name.tags") / 128)) pages"
	n=$((n + 1))
done
grep '^# ' "$tmp/results" || true
grep -q '^# FAILED' "$tmp/results" && die "a capture failed (see $log)"
[ "$n" -gt 0 ] || die "no pages captured (see $log)"
echo "corpus: $n files in $outdir"
