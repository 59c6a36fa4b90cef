// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag frees the tags of a process that dies with pages swapped out: a
 * child tags N pages, swaps them out and waits; it is killed (SIGKILL) in
 * one case and exits by itself in the other while its pages are out. Exit
 * frees the swap slots, and every freed slot must drop its stored tags:
 * stored_pages and stored_bytes return to what they were before the child,
 * and invalidates grows by at least what the child had stored. Freed slots
 * wait in per-CPU caches before they are really freed, so those are flushed
 * first. Needs /sys/kernel/mm/mtetag: skipped elsewhere.
 *
 * Usage: swap_exit [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

#include <signal.h>

static void child(int wr, unsigned long n, uint64_t seed, bool wait_for_kill)
{
	void *buf = mte_map_anon(n);
	long evicted = 0;

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
	_exit(0);
}

static void test_exit(unsigned long n, uint64_t seed, bool kill_it)
{
	const char *how = kill_it ? "killed" : "exited";
	long sp0, sb0, inv0, sp_mid, sp, sb, inv, evicted = -1;
	int fds[2], status;
	pid_t pid;

	mte_flush_swap_slot_caches();
	sp0 = mtetag_stat("stored_pages");
	sb0 = mtetag_stat("stored_bytes");
	inv0 = mtetag_stat("invalidates");
	if (pipe(fds))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid)
		child(fds[1], n, seed, kill_it);
	if (read(fds[0], &evicted, sizeof(evicted)) != sizeof(evicted))
		evicted = -1;
	sp_mid = mtetag_stat("stored_pages");
	if (kill_it)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(fds[0]);
	close(fds[1]);
	mte_flush_swap_slot_caches();
	sp = mtetag_stat("stored_pages");
	sb = mtetag_stat("stored_bytes");
	inv = mtetag_stat("invalidates");

	ksft_print_msg("%s: %ld of %lu pages out; stored_pages %ld -> %ld -> %ld\n",
		       how, evicted, n, sp0, sp_mid, sp);
	ksft_print_msg("%s: stored_bytes %ld -> %ld, invalidates +%ld\n",
		       how, sb0, sb, inv - inv0);
	if (evicted < 0 || evicted * 100 < (long)n * MTE_MIN_EVICTED_PCT) {
		ksft_test_result_fail("%s: the child's pages did not leave memory\n", how);
		return;
	}
	ksft_test_result(sp_mid - sp0 >= evicted && sp == sp0 && sb == sb0 &&
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
