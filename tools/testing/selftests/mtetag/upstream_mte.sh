#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# upstream_mte.sh [-t SECONDS] [NAME...]: run upstream's arm64 MTE selftests
# (tools/testing/selftests/arm64/mte, installed in /tests/mte-upstream by
# scripts/guest-extras.sh) and report each check_* program as one KTAP
# result; its own KTAP output is nested under it, indented, so that only
# our lines are top-level results for the host.
#
# They test what mtetag must not break (tag inheritance on fork, KSM
# merging of tagged pages, hugetlb, tag check modes, ...): they pass on the
# unpatched kernel, so a failure on the mtetag kernel means something.
# NAME... picks programs (default: all nine); -t is the time limit of each
# program but check_user_mem, whose limit is $USER_MEM_TIMEOUT.
#
# What the programs need of the guest, set up here if missing:
#  - /dev/shm a tmpfs: the "file memory" cases create their files there;
#  - CONFIG_KSM (/sys/kernel/mm/ksm) for check_ksm_options;
#  - CONFIG_HUGETLBFS and free huge pages for check_hugetlb_options.
#    It asks for two itself, but reserving them at the start, before the
#    other tests fragment memory, is what makes that request succeed.

dir=${MTE_UPSTREAM_DIR:-/tests/mte-upstream}
timeout=120
# check_user_mem does thousands of read()/write() calls on tagged buffers
# of every size and offset. It took 10 s on the baseline kernel here, but
# has been seen to take well over a minute on a busy host: a wide margin.
USER_MEM_TIMEOUT=${USER_MEM_TIMEOUT:-300}
ALL="check_buffer_fill check_child_memory check_gcr_el1_cswitch
check_hugetlb_options check_ksm_options check_mmap_options check_prctl
check_tags_inclusion check_user_mem"

if [ "$1" = -t ]; then
	timeout=$2
	shift 2
fi
progs=${*:-$ALL}

echo "TAP version 13"
echo "1..$(echo $progs | wc -w)"

# /dev/shm: the guest's init mounts it; any other host may not have.
if ! grep -q " /dev/shm tmpfs " /proc/mounts; then
	mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm ||
		echo "# cannot mount a tmpfs on /dev/shm: the file-memory cases will fail"
fi
[ -d /sys/kernel/mm/ksm ] ||
	echo "# no /sys/kernel/mm/ksm: check_ksm_options needs CONFIG_KSM"
if [ -w /proc/sys/vm/nr_hugepages ]; then
	old_huge=$(cat /proc/sys/vm/nr_hugepages)
	[ "$old_huge" -ge 2 ] 2>/dev/null || echo 2 > /proc/sys/vm/nr_hugepages
	echo "# huge pages: $(grep -E '^HugePages_(Total|Free)' /proc/meminfo | tr -s ' \n' ' ')"
else
	echo "# no /proc/sys/vm/nr_hugepages: check_hugetlb_options needs CONFIG_HUGETLBFS"
fi

uptime_s() { cut -d' ' -f1 /proc/uptime; }

n=0
failed=0
for p in $progs; do
	n=$((n + 1))
	if [ ! -x "$dir/$p" ]; then
		echo "not ok $n $p # not installed in $dir"
		failed=$((failed + 1))
		continue
	fi
	limit=$timeout
	[ "$p" = check_user_mem ] && limit=$USER_MEM_TIMEOUT
	echo "# $p: starting (time limit ${limit}s)"
	start=$(uptime_s)
	# KSFT output to a file, shown nested; -s KILL: a program stuck in a
	# tag check fault loop may ignore SIGTERM
	(cd "$dir" && timeout -s KILL "$limit" "./$p") > /tmp/upstream_mte.out 2>&1
	rc=$?
	took=$(awk "BEGIN { printf \"%.1f\", $(uptime_s) - $start }")
	sed 's/^/    /' /tmp/upstream_mte.out
	totals=$(sed -n 's/^# Totals: //p' /tmp/upstream_mte.out | tail -1)
	what="$p (${took}s${totals:+; $totals})"
	case $rc in
	0)	echo "ok $n $what" ;;
	4)	echo "ok $n $what # SKIP $(grep -m1 SKIP /tmp/upstream_mte.out | sed 's/.*SKIP *//')" ;;
	137)	echo "not ok $n $what # SIGKILL: time limit ${limit}s (or OOM)"
		failed=$((failed + 1)) ;;
	*)	echo "not ok $n $what # exit status $rc"
		failed=$((failed + 1)) ;;
	esac
done
rm -f /tmp/upstream_mte.out
[ -n "$old_huge" ] && echo "$old_huge" > /proc/sys/vm/nr_hugepages
echo "# Totals: $((n - failed)) ok, $failed failed"
[ "$failed" = 0 ]
