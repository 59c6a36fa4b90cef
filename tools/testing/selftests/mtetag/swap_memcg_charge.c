// SPDX-License-Identifier: GPL-2.0
/*
 * The tags of swapped-out pages are charged to the memory cgroup of the
 * pages, and shown as "mtetag" in its memory.stat.
 *
 * Under a parent cgroup P of our own, two children swap out different
 * amounts of tagged memory with different tag patterns (random tags, which
 * mtetag stores raw, and a heap-like pattern it compresses): each child's
 * "mtetag" must match what the store says it grew by (stored_bytes and
 * total_bytes of the swap types, summed: at least the one, at most the
 * other), P must show their sum, and both must drop to zero once the
 * processes have checked their tags and exited. A third child swaps out
 * and is moved to a sibling cgroup, and its cgroup is removed while its
 * tags are still stored: the charge must then stay with P (reparenting),
 * not follow the process, and go when the process exits. A fourth child's
 * heap-like pages are held back from compression (compress_delay_ms): its
 * charge must match the raw entries, then the smaller compressed ones that
 * replace them when the delay is set to 0. A fifth child tags its pages,
 * moves to a sibling and removes its cgroup before it swaps them out: the
 * pages' memcg is then offline, and the charge must go to P, as the swap
 * charge does, and go when the process exits. Every tag and byte is checked.
 * No save may be refused for its cgroup. The first three run with
 * compress_delay_ms 0, so that the store does not change under the checks.
 *
 * Booted with cgroup.memory=nokmem, no memcg charges kernel memory, tags
 * included: then a child's tags must survive, its "mtetag" stay zero, and
 * freeing its slots, whose swap uncharge also takes back the tags' charge,
 * must uncharge nothing (the test boots of scripts/test.sh run this too).
 *
 * P is made under our own cgroup when that can take children with the
 * memory controller, else beside it (the harness's cgroup holds processes).
 * Needs /sys/kernel/mm/mtetag: skipped elsewhere.
 *
 * Usage: swap_memcg_charge [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

#include <dirent.h>
#include <sys/stat.h>

/* Share a charge may differ from what the store counts, in percent. */
#define CHARGE_SLACK_PCT	5

/*
 * memory.stat is exact only after the periodic flush of the per-CPU memcg
 * counters (every 2 s); a reader flushes only once many updates wait.
 */
#define MEMCG_FLUSH_USEC	2200000

static char parent[700];

/* P, with the memory controller enabled for its children. */
static int make_parent(void)
{
	char path[760];
	int err = mte_make_memcg(parent, sizeof(parent), "mtetag-charge");

	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", parent);
	return mte_write_file(path, "+memory");
}

static void cg_path(char *buf, size_t size, const char *child, const char *file)
{
	if (child)
		snprintf(buf, size, "%s/%s/%s", parent, child, file);
	else
		snprintf(buf, size, "%s/%s", parent, file);
}

/*
 * The "mtetag" bytes of P (@child NULL) or of one of its children, or -1.
 * Call settle() first for an exact figure.
 */
static long cg_mtetag(const char *child)
{
	char path[800];

	cg_path(path, sizeof(path), child, "memory.stat");
	return mte_proc_field(path, "mtetag");
}

/* The "kernel" bytes (all kernel memory charged) of a child, or -1. */
static long cg_kernel(const char *child)
{
	char path[800];

	cg_path(path, sizeof(path), child, "memory.stat");
	return mte_proc_field(path, "kernel");
}

static void settle(void)
{
	usleep(MEMCG_FLUSH_USEC);
}

/* A counter summed over the swap types, from swap/<type>/, or -1. */
static long types_stat(const char *name)
{
	DIR *d = opendir(MTETAG_SYSFS "/swap");
	struct dirent *e;
	char path[300];
	long sum = 0, v;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), MTETAG_SYSFS "/swap/%s/%s", e->d_name, name);
		v = mte_read_long(path);
		if (v >= 0)
			sum += v;
	}
	closedir(d);
	return sum;
}

struct worker {
	const char *name;	/* its cgroup under P */
	unsigned long npages;
	enum mte_pattern pat;
	uint64_t seed;
	/* move to this sibling and remove our cgroup before the swap-out */
	const char *move_to;
	pid_t pid;
	int cmd, res;		/* pipe ends: to and from the worker */
	long evicted;
	long kernel_rise;	/* "kernel" of its cgroup across the swap-out */
};

/*
 * The worker: join the cgroup, tag and swap out the pages, report how many
 * left memory and how much its cgroup's kernel memory rose meanwhile; on
 * 'v', check them all and report the bad pages; then exit.
 */
static void worker_main(struct worker *w, int cmd, int res)
{
	long evicted = -1, bad = -1, kernel0 = -1, rise = -1;
	char path[800], c;
	struct mte_check chk;
	void *buf;

	cg_path(path, sizeof(path), w->name, "cgroup.procs");
	buf = mte_write_long(path, getpid()) ? NULL : mte_map_anon(w->npages);
	if (buf) {
		mte_fill(buf, w->npages, w->pat, w->seed);
		if (w->move_to) {
			/* the pages stay charged to the cgroup, now offline */
			cg_path(path, sizeof(path), w->move_to, "cgroup.procs");
			if (mte_write_long(path, getpid()))
				_exit(KSFT_FAIL);
			cg_path(path, sizeof(path), w->name, "");
			if (rmdir(path))
				_exit(KSFT_FAIL);
		}
		settle();
		kernel0 = w->move_to ? -1 : cg_kernel(w->name);
		/* a removed cgroup's pages are reclaimed in its parent's */
		if (!mte_swap_out_enough_in(w->move_to ? parent : mte_cgroup_dir(),
					    w->name, buf, w->npages, &evicted))
			evicted = -1;
		settle();
		if (kernel0 >= 0)
			rise = cg_kernel(w->name) - kernel0;
	}
	if (write(res, &evicted, sizeof(evicted)) != sizeof(evicted) ||
	    write(res, &rise, sizeof(rise)) != sizeof(rise))
		_exit(KSFT_FAIL);
	if (read(cmd, &c, 1) != 1 || c != 'v' || !buf)
		_exit(KSFT_FAIL);
	mte_verify(buf, w->npages, w->pat, w->seed, &chk);
	mte_report(w->name, w->npages, evicted, &chk);
	bad = chk.bad_pages;
	if (write(res, &bad, sizeof(bad)) != sizeof(bad))
		_exit(KSFT_FAIL);
	_exit(KSFT_PASS);
}

/* Start a worker and wait until its pages are out; false if they are not. */
static bool worker_start(struct worker *w)
{
	char path[800];
	int to[2], from[2];

	cg_path(path, sizeof(path), w->name, "");
	if (mkdir(path, 0755)) {
		ksft_print_msg("mkdir %s: %s\n", path, strerror(errno));
		return false;
	}
	if (pipe(to) || pipe(from))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	w->pid = fork();
	if (w->pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!w->pid) {
		close(to[1]);
		close(from[0]);
		worker_main(w, to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	w->cmd = to[1];
	w->res = from[0];
	if (read(w->res, &w->evicted, sizeof(w->evicted)) != sizeof(w->evicted) ||
	    read(w->res, &w->kernel_rise, sizeof(w->kernel_rise)) !=
	    sizeof(w->kernel_rise))
		w->evicted = -1;
	ksft_print_msg("%s: %lu %s pages, %ld out of memory\n", w->name,
		       w->npages, mte_pattern_names[w->pat], w->evicted);
	return w->evicted * 100 >= (long)w->npages * MTE_MIN_EVICTED_PCT;
}

/* Let a worker check its tags and exit; the number of its bad pages or -1. */
static long worker_finish(struct worker *w)
{
	long bad = -1;
	int status;

	if (write(w->cmd, "v", 1) != 1 ||
	    read(w->res, &bad, sizeof(bad)) != sizeof(bad))
		bad = -1;
	close(w->cmd);
	close(w->res);
	if (waitpid(w->pid, &status, 0) != w->pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != KSFT_PASS)
		bad = -1;
	return bad;
}

/*
 * Wait until the "mtetag" of @child (NULL: P) is zero: freed slots wait in
 * per-CPU caches, and swap cache folios of exited processes in reclaim; if
 * a charge is left, cycle the swap devices to free the parked slots.
 */
static long wait_uncharged(const char *child)
{
	char path[800];
	long v = -1;
	int i;

	for (i = 0; i < 8; i++) {
		mte_flush_swap_slot_caches();
		settle();
		v = cg_mtetag(child);
		if (!v)
			break;
		cg_path(path, sizeof(path), child, "memory.reclaim");
		mte_write_file(path, "1G");
		usleep(100000);
	}
	if (v > 0) {
		ksft_print_msg("%ld bytes still charged: cycling the swap devices\n", v);
		mte_cycle_swap_devices();
		settle();
		v = cg_mtetag(child);
	}
	return v;
}

/* Whether @charge is what the store grew by: stored <= charge <= total. */
static bool charge_matches(const char *name, long charge, long stored,
			   long total)
{
	ksft_print_msg("%s: memory.stat mtetag %ld; stored_bytes +%ld, total_bytes +%ld\n",
		       name, charge, stored,
		       total);
	return charge > 0 &&
	       charge * 100 >= stored * (100 - CHARGE_SLACK_PCT) &&
	       charge * 100 <= total * (100 + CHARGE_SLACK_PCT);
}

static void rm_cgroup(const char *child)
{
	char path[800];

	cg_path(path, sizeof(path), child, "");
	if (rmdir(path))
		ksft_print_msg("rmdir %s: %s\n", path, strerror(errno));
}

/* Whether the kernel was booted with cgroup.memory=nokmem. */
static bool kmem_accounting_off(void)
{
	char buf[1024] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	return strstr(buf, "cgroup.memory=nokmem");
}

/*
 * cgroup.memory=nokmem: a memcg then has no obj_cgroup, so mtetag charges
 * nothing, and the swap uncharge of the slots (which takes back the tags'
 * charge from the memcg it looks up) must skip it as the charge did. The
 * pages' tags must survive, "mtetag" stay zero, and every stored byte be
 * freed with the slots, with no kernel warning (the host checks the log).
 */
static void test_nokmem(unsigned long n, uint64_t seed)
{
	struct worker w = { .name = "k", .npages = n, .pat = PAT_RANDOM,
			    .seed = seed };
	long sb0, sb, charge, bad, left = -1;
	bool ok;
	int i;

	mte_flush_swap_slot_caches();
	sb0 = types_stat("stored_bytes");
	ok = worker_start(&w);
	sb = types_stat("stored_bytes") - sb0;
	settle();
	charge = cg_mtetag("k");
	ksft_print_msg("k: stored_bytes +%ld, memory.stat mtetag %ld\n", sb,
		       charge);
	ok &= sb > 0 && !charge;
	bad = worker_finish(&w);
	for (i = 0; i < 8; i++) {
		mte_flush_swap_slot_caches();
		settle();
		left = types_stat("stored_bytes") - sb0;
		if (left <= 0)
			break;
	}
	charge = cg_mtetag("k");
	ksft_print_msg("k: %ld bad pages; stored_bytes %+ld, mtetag %ld after exit\n",
		       bad, left, charge);
	ok &= !bad && left <= 0 && !charge;
	rm_cgroup("k");
	ksft_test_result(ok, "cgroup.memory=nokmem: tags kept, nothing charged or uncharged\n");
}

/* Two cgroups, two patterns: each sees its own charge, then none. */
static void test_two_cgroups(unsigned long n, uint64_t seed)
{
	struct worker w[2] = {
		{ .name = "a", .npages = n, .pat = PAT_RANDOM, .seed = seed },
		{ .name = "b", .npages = 2 * n, .pat = PAT_HEAP, .seed = seed + 1 },
	};
	long charge[2], sb, tb, sb0, tb0, sum, left[2], bad[2];
	bool ok = true, out;
	int i;

	mte_flush_swap_slot_caches();
	for (i = 0; i < 2; i++) {
		sb0 = types_stat("stored_bytes");
		tb0 = types_stat("total_bytes");
		out = worker_start(&w[i]);
		sb = types_stat("stored_bytes") - sb0;
		tb = types_stat("total_bytes") - tb0;
		settle();
		charge[i] = cg_mtetag(w[i].name);
		if (!out) {
			ksft_print_msg("%s: the pages did not leave memory\n", w[i].name);
			ok = false;
		}
		ok &= charge_matches(w[i].name, charge[i], sb, tb);
	}
	/* the first charge stays its own; the parent shows the sum */
	sum = cg_mtetag(NULL);
	ksft_print_msg("a %ld, b %ld bytes (%ld, %ld per page out); P %ld\n",
		       cg_mtetag("a"), charge[1],
		       charge[0] / (w[0].evicted > 0 ? w[0].evicted : 1),
		       charge[1] / (w[1].evicted > 0 ? w[1].evicted : 1), sum);
	ok &= cg_mtetag("a") == charge[0] && sum == charge[0] + charge[1];

	/*
	 * The charge is real, not only a statistic: the cgroup's kernel memory
	 * rose by at least the tags' charge across the swap-out (less what
	 * per-CPU charge caches may hold back, a page per CPU).
	 */
	for (i = 0; i < 2; i++) {
		ksft_print_msg("%s: kernel memory +%ld across the swap-out\n",
			       w[i].name, w[i].kernel_rise);
		ok &= w[i].kernel_rise >= charge[i] -
		      sysconf(_SC_NPROCESSORS_CONF) * (long)mte_page_size();
	}

	for (i = 0; i < 2; i++)
		bad[i] = worker_finish(&w[i]);
	for (i = 0; i < 2; i++) {
		left[i] = wait_uncharged(w[i].name);
		ksft_print_msg("%s: %ld bad pages; mtetag %ld after exit\n",
			       w[i].name, bad[i], left[i]);
		ok &= !bad[i] && !left[i];
		rm_cgroup(w[i].name);
	}
	ksft_test_result(ok, "two cgroups see their own tag charges, then none\n");
}

/*
 * Make the sibling @hold a worker will move to, with the swap slot caches
 * flushed and the counters settled; return P's "mtetag" then.
 */
static long make_hold(const char *hold)
{
	char path[800];

	mte_flush_swap_slot_caches();
	cg_path(path, sizeof(path), hold, "");
	if (mkdir(path, 0755))
		ksft_exit_fail_msg("mkdir %s: %s\n", path, strerror(errno));
	settle();
	return cg_mtetag(NULL);
}

/*
 * Let the worker that moved to @hold check its tags and exit, then remove
 * @hold: true if no page was bad and P's charge went.
 */
static bool finish_hold(struct worker *w, const char *hold)
{
	long bad = worker_finish(w), left = wait_uncharged(NULL);

	ksft_print_msg("%s: %ld bad pages; P mtetag %ld after exit\n",
		       w->name, bad, left);
	rm_cgroup(hold);
	return !bad && !left;
}

/* A cgroup removed while its pages are in swap: the parent keeps the charge. */
static void test_rmdir(unsigned long n, uint64_t seed)
{
	struct worker w = { .name = "c", .npages = n, .pat = PAT_HEAP, .seed = seed };
	long charge, before, after, held;
	char path[800];
	bool ok;

	before = make_hold("hold");
	ok = worker_start(&w);
	settle();
	charge = cg_mtetag("c");

	/* the process moves, its charges do not; then its cgroup goes */
	cg_path(path, sizeof(path), "hold", "cgroup.procs");
	if (mte_write_long(path, w.pid))
		ksft_exit_fail_msg("%s: %s\n", path, strerror(errno));
	cg_path(path, sizeof(path), "c", "");
	if (rmdir(path)) {
		ksft_print_msg("rmdir %s: %s\n", path, strerror(errno));
		ok = false;
	}
	settle();
	after = cg_mtetag(NULL);
	held = cg_mtetag("hold");
	ksft_print_msg("c: mtetag %ld; P %ld -> %ld after rmdir of c; hold %ld\n",
		       charge, before, after, held);
	ok &= charge > 0 && !before && after == charge && !held;
	ok &= finish_hold(&w, "hold");
	ksft_test_result(ok, "a removed cgroup's tag charge goes to its parent, then away\n");
}

/*
 * Pages whose cgroup was removed before they went to swap: their memcg is
 * offline, the swap charge goes to the first online ancestor, P, and so
 * must the tags'. Nothing may stay charged once the process has exited.
 */
static void test_rmdir_before_swapout(unsigned long n, uint64_t seed)
{
	struct worker w = { .name = "e", .npages = n, .pat = PAT_RANDOM,
			    .seed = seed, .move_to = "hold2" };
	long sb0, tb0, sb, tb, before, rise, held;
	bool ok;

	before = make_hold("hold2");
	sb0 = types_stat("stored_bytes");
	tb0 = types_stat("total_bytes");
	ok = worker_start(&w);
	sb = types_stat("stored_bytes") - sb0;
	tb = types_stat("total_bytes") - tb0;
	settle();
	rise = cg_mtetag(NULL) - before;
	held = cg_mtetag("hold2");
	ksft_print_msg("e: P mtetag +%ld after a swap-out from the removed cgroup; hold2 %ld\n",
		       rise, held);
	ok &= !before && !held && charge_matches("P", rise, sb, tb);
	ok &= finish_hold(&w, "hold2");
	ksft_test_result(ok, "pages of a removed cgroup charge their parent, then nothing\n");
}

/* Deferred compression moves the charge from the raw entry to its successor. */
static void test_deferred(unsigned long n, uint64_t seed)
{
	struct worker w = { .name = "d", .npages = n, .pat = PAT_HEAP, .seed = seed };
	long sb0, tb0, raw, packed, pending, comp0, comp, bad, left;
	bool ok, out;

	if (mtetag_debug_stat("pending_pages") < 0) {
		ksft_test_result_skip("deferred compression charges (no debugfs)\n");
		return;
	}
	mte_flush_swap_slot_caches();
	mtetag_set_compress_delay(60000);
	comp0 = mtetag_debug_stat("compressions");
	sb0 = types_stat("stored_bytes");
	tb0 = types_stat("total_bytes");
	out = worker_start(&w);
	pending = mtetag_debug_stat("pending_pages");
	settle();
	raw = cg_mtetag("d");
	ok = out && pending >= w.evicted &&
	     charge_matches("d, pending", raw, types_stat("stored_bytes") - sb0,
			    types_stat("total_bytes") - tb0);

	mtetag_set_compress_delay(0);
	left = mtetag_wait_compressed(20);
	comp = mtetag_debug_stat("compressions") - comp0;
	settle();
	packed = cg_mtetag("d");
	ksft_print_msg("d: %ld pending, then %ld compressed (%ld left): charge %ld -> %ld\n",
		       pending, comp, left, raw, packed);
	ok &= !left && comp >= w.evicted && packed < raw &&
	      charge_matches("d, compressed", packed,
			     types_stat("stored_bytes") - sb0,
			     types_stat("total_bytes") - tb0);

	bad = worker_finish(&w);
	left = wait_uncharged("d");
	ksft_print_msg("d: %ld bad pages; mtetag %ld after exit\n", bad, left);
	ok &= !bad && !left;
	rm_cgroup("d");
	ksft_test_result(ok, "deferred compression moves the charge to the compressed entry\n");
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 1024, .seed = 1 };
	long fail0, delay;
	int ret;

	mte_test_start(argc, argv, &o, 0);
	if (!mtetag_present())
		ksft_exit_skip("no %s: not an mtetag kernel\n", MTETAG_SYSFS);
	ret = make_parent();
	if (ret)
		ksft_exit_skip("cannot make a memory cgroup: %s\n", strerror(-ret));
	if (cg_mtetag(NULL) < 0) {
		rmdir(parent);
		ksft_exit_skip("%s/memory.stat has no mtetag line\n", parent);
	}
	ksft_print_msg("parent cgroup %s\n", parent);
	if (kmem_accounting_off()) {
		ksft_set_plan(1);
		test_nokmem(o.npages, o.seed + 5);
		rm_cgroup(NULL);
		ksft_finished();
	}
	ksft_set_plan(5);
	fail0 = mtetag_stat("save_failures_cgroup");
	delay = mtetag_set_compress_delay(0);

	test_two_cgroups(o.npages, o.seed);
	test_rmdir(o.npages, o.seed + 2);
	test_rmdir_before_swapout(o.npages, o.seed + 4);
	if (delay >= 0)
		test_deferred(o.npages, o.seed + 3);
	else
		ksft_test_result_skip("deferred compression charges (no compress_delay_ms)\n");
	if (delay >= 0)
		mtetag_set_compress_delay(delay);

	ksft_test_result(mtetag_stat("save_failures_cgroup") == fail0,
			 "no save refused for its cgroup\n");
	if (rmdir(parent))
		ksft_print_msg("rmdir %s: %s\n", parent, strerror(errno));
	ksft_finished();
}
