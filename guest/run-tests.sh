#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the in-guest test programs listed in /tests/list ("name args...", one
# per line) inside the test memory cgroup. Each program prints KTAP; this
# wraps it in "### program" / "### exit" lines that the host parser reads.
only=$(echo "$GUEST_TESTS" | tr , ' ')
skip=$(echo "$GUEST_SKIP" | tr , ' ')
while read -r name args; do
	case $name in ''|'#'*) continue ;; esac
	case " $skip " in *" $name "*) continue ;; esac
	if [ -n "$only" ]; then
		case " $only " in *" $name "*) ;; *) continue ;; esac
	fi
	echo "### program: $name $args" | tee -a "$RESULTS"
	start=$(cut -d' ' -f1 /proc/uptime)
	rm -f /tmp/rc
	sh -c "echo \$\$ > /sys/fs/cgroup/test/cgroup.procs; /tests/$name $args; echo \$? > /tmp/rc" 2>&1 |
		tee -a "$RESULTS"
	rc=$(cat /tmp/rc 2>/dev/null || echo crashed)
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "### exit: $name $rc $(awk "BEGIN { print $end - $start }")s" | tee -a "$RESULTS"
done < /tests/list
