#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# 'make run': swap 64 MiB of tagged memory out and back in three tag layouts
# (a glibc-like heap, a few runs per page, all zero) and show what the kernel
# kept for the tags while the pages were out. Ends with one VERDICT line.
pages=16384
ok=0
bad=0
for pat in heap runs zero; do
	echo "--- $pages pages of PROT_MTE memory, '$pat' tags: swapped out, store contents:"
	sh -c "echo \$\$ > /sys/fs/cgroup/test/cgroup.procs; exec /tests/swap_tags -n $pages -p $pat -x /tests/show-stats.sh" > /tmp/demo.out 2>&1
	grep -v '^TAP\|^1\.\.\|^# Totals\|^# Planned' /tmp/demo.out
	if grep -q '^ok ' /tmp/demo.out; then ok=$((ok + 1)); else bad=$((bad + 1)); fi
done
if [ "$bad" -eq 0 ]; then
	echo "VERDICT: PASS: $ok x $pages tagged pages went to swap and came back with every tag and byte intact"
else
	echo "VERDICT: FAIL: $bad of $((ok + bad)) layouts lost tags or data"
fi
