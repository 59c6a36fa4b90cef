// SPDX-License-Identifier: GPL-2.0
/*
 * Tags survive swap driven by a memory cgroup limit rather than by madvise:
 * a worker in a cgroup of its own with memory.max below its working set
 * tags it, then re-reads and re-tags it several times, so pages keep going
 * out and coming back through the ordinary reclaim and fault paths. Before
 * each pass most pages must be out of memory (mincore); every tag and byte
 * is checked in every pass. The cgroup is made under our own when that can
 * take children with the memory controller, else beside it; it is removed
 * at the end.
 *
 * Usage: swap_memcg [-n PAGES] [-i PASSES] [-s SEED]
 */
#include "mte_test.h"

static char cg[700];

static long cg_stat(const char *file, const char *key)
{
	char path[760];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return mte_proc_field(path, key);
}

/* The worker: returns a kselftest exit code. */
static int worker(const struct mte_opts *o, unsigned long limit_pages)
{
	unsigned long n = o->npages, pass, bad = 0, out_short = 0;
	uint64_t seed = o->seed;
	struct mte_check c;
	char path[760];
	long res;
	void *buf;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	if (mte_write_long(path, getpid()))
		return KSFT_FAIL;
	buf = mte_map_anon(n);
	if (!buf)
		return KSFT_FAIL;
	mte_fill(buf, n, PAT_RANDOM, seed);
	for (pass = 0; pass < o->iters; pass++) {
		res = mte_resident_pages(buf, n);
		if (res < 0 || (unsigned long)res > limit_pages) {
			ksft_print_msg("pass %lu: %ld of %lu pages resident, limit %lu\n",
				       pass, res, n, limit_pages);
			out_short++;
		}
		mte_verify(buf, n, PAT_RANDOM, seed, &c);
		mte_report("memcg pass", n, n - res, &c);
		bad += c.bad_pages;
		if (pass & 1) {
			/* new tags this time: the next pass checks them */
			seed = o->seed + pass;
			mte_fill(buf, n, PAT_RANDOM, seed);
		}
	}
	return bad || out_short ? KSFT_FAIL : KSFT_PASS;
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 2048, .seed = 1, .iters = 4 };
	unsigned long limit_pages;
	long pswpin0, pswpin, oom;
	char path[760];
	int status, ret;
	pid_t pid;

	mte_test_start(argc, argv, &o, 1);
	ret = mte_make_memcg(cg, sizeof(cg), "mtetag-memcg");
	if (ret)
		ksft_exit_skip("cannot make a memory cgroup: %s\n", strerror(-ret));
	limit_pages = o.npages / 2;
	snprintf(path, sizeof(path), "%s/memory.max", cg);
	if (mte_write_long(path, limit_pages * mte_page_size())) {
		rmdir(cg);
		ksft_exit_skip("%s: cannot be written\n", path);
	}
	ksft_print_msg("%s: memory.max %lu pages, working set %lu pages, %lu passes\n",
		       cg, limit_pages, o.npages, o.iters);

	pswpin0 = mte_proc_field("/proc/vmstat", "pswpin");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		fflush(stdout);
		_exit(worker(&o, limit_pages));
	}
	if (waitpid(pid, &status, 0) != pid)
		status = -1;
	pswpin = mte_proc_field("/proc/vmstat", "pswpin") - pswpin0;
	oom = cg_stat("memory.events", "oom_kill");
	ksft_print_msg("pswpin %ld pages during the run, oom_kill %ld\n", pswpin, oom);
	if (rmdir(cg))
		ksft_print_msg("rmdir %s: %s\n", cg, strerror(errno));
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == KSFT_PASS &&
			 pswpin >= (long)(o.npages - limit_pages) && oom <= 0,
			 "tags survive memory.max pressure (%lu passes)\n", o.iters);
	ksft_finished();
}
