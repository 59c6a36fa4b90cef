// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag frees the tags of a process that dies with pages swapped out: a
 * child tags N pages, swaps them out and waits; it is killed (SIGKILL) in
 * one case and exits by itself in the other while its pages are out. Exit
 * frees the swap slots, and every freed slot must drop its stored tags:
 * stored_pages and stored_bytes return to what they were before the child
 * (or below: leftovers of earlier tests may go meanwhile), and invalidates
 * grows by at least what the child had stored. Freed slots
 * wait in per-CPU caches before they are really freed, and swap cache folios
 * of dead slots wait for reclaim, so both are flushed first. Needs
 * /sys/kernel/mm/mtetag: skipped elsewhere.
 *
 * Usage: swap_exit [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

#include <signal.h>

static void child(int wr, int rd, unsigned long n, uint64_t seed, bool wait_for_kill)
{
	void *buf = mte_map_anon(n);
	long evicted = 0;
	char c;

	if (buf) {
		mte_fill(buf, n, PAT_RANDOM, seed);
		if (!mte_swap_out_enough("child", buf, n, &evicted))
			evicted = -1;
	}
	if (write(wr, &evicted, sizeof(evicted)) != sizeof(evicted))
		_exit(1);
	if (wait_for_kill)
		for (;;)
			pause();
	/* exit by ourselves, once the parent has read the counters */
	if (read(rd, &c, 1) != 1)
		_exit(1);
	_exit(0);
}

/*
 * Freed slots wait in per-CPU caches, and swap cache folios of slots nobody
 * uses any more are only dropped by reclaim: both free slots (and tags)
 * late. Reclaim and flush until stored_pages is at most @want (or, with
 * @want -1, stops changing), or give up. Returns the number of rounds.
 */
static int settle(long want)
{
	const char *cg = mte_cgroup_dir();
	long prev = -1, now;
	char path[700];
	int round;

	snprintf(path, sizeof(path), "%s/memory.reclaim", cg ? cg : "");
	for (round = 0; round < 10; round++) {
		if (cg)
			mte_write_file(path, "1G");
		mte_flush_swap_slot_caches();
		now = mtetag_stat("stored_pages");
		if ((want >= 0 && now <= want) || (want < 0 && now == prev))
			break;
		prev = now;
	}
	/* slots still parked in a slot cache: swapoff and swapon free them */
	if (want >= 0 && mtetag_stat("stored_pages") > want) {
		printf("# %ld entries parked: cycling the swap devices\n",
		       mtetag_stat("stored_pages") - want);
		mte_cycle_swap_devices();
		round++;
	}
	return round;
}

static void test_exit(unsigned long n, uint64_t seed, bool kill_it)
{
	const char *how = kill_it ? "killed" : "exited";
	long sp0, sb0, inv0, sp_mid, sp, sb, inv, evicted = -1;
	int fds[2], back[2], status, rounds;
	char go = 1;
	pid_t pid;

	/* what earlier tests left behind goes first */
	settle(-1);
	sp0 = mtetag_stat("stored_pages");
	sb0 = mtetag_stat("stored_bytes");
	inv0 = mtetag_stat("invalidates");
	if (pipe(fds) || pipe(back))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid)
		child(fds[1], back[0], n, seed, kill_it);
	if (read(fds[0], &evicted, sizeof(evicted)) != sizeof(evicted))
		evicted = -1;
	sp_mid = mtetag_stat("stored_pages");
	if (kill_it)
		kill(pid, SIGKILL);
	else if (write(back[1], &go, 1) != 1)
		ksft_print_msg("pipe write: %s\n", strerror(errno));
	waitpid(pid, &status, 0);
	close(fds[0]);
	close(fds[1]);
	close(back[0]);
	close(back[1]);
	rounds = settle(sp0);
	sp = mtetag_stat("stored_pages");
	sb = mtetag_stat("stored_bytes");
	inv = mtetag_stat("invalidates");

	ksft_print_msg("%s: %ld of %lu pages out; stored_pages %ld -> %ld -> %ld\n",
		       how, evicted, n, sp0, sp_mid, sp);
	ksft_print_msg("%s: stored_bytes %ld -> %ld, invalidates +%ld (%d extra reclaim rounds)\n",
		       how, sb0, sb, inv - inv0, rounds);
	if (evicted < 0 || evicted * 100 < (long)n * MTE_MIN_EVICTED_PCT) {
		ksft_test_result_fail("%s: the child's pages did not leave memory\n", how);
		return;
	}
	/*
	 * Entries earlier tests left in the swap cache of dead slots, charged
	 * to cgroups that are gone, can be freed meanwhile: the store must
	 * hold no more than before, not necessarily exactly as much.
	 */
	ksft_test_result(sp_mid - sp0 >= evicted && sp <= sp0 && sb <= sb0 &&
			 inv - inv0 >= sp_mid - sp0,
			 "%s with %ld pages out: their tags are freed\n", how, evicted);
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 1024, .seed = 1 };

	mte_test_start(argc, argv, &o, 0);
	if (!mtetag_present())
		ksft_exit_skip("no %s: not an mtetag kernel\n", MTETAG_SYSFS);
	ksft_set_plan(2);
	test_exit(o.npages, o.seed, true);
	test_exit(o.npages, o.seed + 1, false);
	ksft_finished();
}
