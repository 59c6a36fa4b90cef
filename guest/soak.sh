#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# soak.sh MINUTES: run the swap tests over and over, with random seeds,
# sizes and tag patterns, mixed, for MINUTES minutes (default 10), inside
# the test memory cgroup. Prints one line per cycle and a summary:
# cycles, pages checked, bad pages and tag/data mismatches, failed runs;
# then one KTAP result for scripts/results.py.
minutes=${1:-10}
end=$(( $(cut -d. -f1 /proc/uptime) + minutes * 60 ))
patterns="random zero uniform runs heap"
cycles=0 pages=0 bad=0 mism=0 failed=0 skipped=0

pick() {	# pick N WORDS...: the Nth word, counting from 0
	shift $(( $1 + 1 ))
	echo "$1"
}

# one random test command line
command() {
	seed=$RANDOM$RANDOM
	case $(( RANDOM % 12 )) in
	0|1) echo "swap_tags -n $(( 512 + RANDOM % 2048 )) -s $seed -p $(pick $(( RANDOM % 5 )) $patterns)" ;;
	2) echo "swap_mthp -n $(( 512 + RANDOM % 1024 )) -s $seed" ;;
	3) echo "swap_shmem -n $(( 256 + RANDOM % 1024 )) -s $seed" ;;
	4) echo "swap_fork -n $(( 128 + RANDOM % 512 )) -s $seed" ;;
	5) echo "swap_race -n $(( 8 + RANDOM % 64 )) -i $(( 20 + RANDOM % 80 )) -t $(( 2 + RANDOM % 3 )) -s $seed" ;;
	6) echo "swap_mprotect -n $(( 128 + RANDOM % 512 )) -s $seed" ;;
	7) echo "swap_mremap -n $(( 128 + RANDOM % 512 )) -s $seed" ;;
	8) echo "swap_reuse -n $(( 256 + RANDOM % 444 )) -i $(( 1 + RANDOM % 3 )) -s $seed" ;;
	9) echo "swap_swapoff -n $(( 256 + RANDOM % 1024 )) -s $seed" ;;
	10) echo "swap_memcg -n $(( 1024 + RANDOM % 2048 )) -i $(( 2 + RANDOM % 4 )) -s $seed" ;;
	11) if [ $(( RANDOM % 2 )) = 0 ]; then
		echo "swap_exit -n $(( 256 + RANDOM % 1024 )) -s $seed"
	    else
		echo "swap_faults -n $(( 128 + RANDOM % 512 )) -i 2 -s $seed"
	    fi ;;
	esac
}

echo "### program: soak $minutes"
echo "TAP version 13"
echo "1..1"
echo "# soak: $minutes minutes of mixed swap tests"
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
	cmd=$(command)
	sh -c "echo \$\$ > /sys/fs/cgroup/test/cgroup.procs; exec /tests/$cmd" > /tmp/soak.out 2>&1
	rc=$?
	cycles=$((cycles + 1))
	# "NAME: N pages, N evicted, N bad pages, N tag and N data errors"
	set -- $(sed -n 's/.* \([0-9]*\) pages, -\{0,1\}[0-9]* evicted, \([0-9]*\) bad pages, \([0-9]*\) tag and \([0-9]*\) data errors.*/\1 \2 \3 \4/p' /tmp/soak.out |
		awk '{ p += $1; b += $2; m += $3 + $4 } END { print p + 0, b + 0, m + 0 }')
	pages=$((pages + $1)) bad=$((bad + $2)) mism=$((mism + $3))
	case $rc in
	0) status=ok ;;
	4) status=skip; skipped=$((skipped + 1)) ;;
	*) status="FAILED (exit $rc)"; failed=$((failed + 1))
	   grep -E '^not ok|^# .*(only|first bad|died|failed)' /tmp/soak.out | sed 's/^/#   /' ;;
	esac
	echo "# cycle $cycles: $cmd: $status; $1 pages, $2 bad, $3 mismatches"
done
echo "# soak: $cycles cycles, $pages pages checked, $bad bad pages, $mism tag/data mismatches, $failed failed runs, $skipped skipped"
if [ "$failed" = 0 ] && [ "$mism" = 0 ] && [ "$bad" = 0 ] && [ "$cycles" -gt 0 ]; then
	echo "ok 1 soak: $cycles cycles, $pages pages, 0 mismatches"
	rc=0
else
	echo "not ok 1 soak: $failed of $cycles cycles failed, $mism mismatches"
	rc=1
fi
echo "### exit: soak $rc $((minutes * 60))s"
