/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Harness of the mtetag selftests, on top of mte_util.h and kselftest.h:
 * common options, the "pages really left memory" check, the one-line report
 * the soak script sums up, mtetag's counters, and the swap devices.
 */
#ifndef MTETAG_MTE_TEST_H
#define MTETAG_MTE_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <getopt.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "../kselftest.h"
#include "mte_util.h"

/* At least this share of the pages must have left memory for a valid test. */
#define MTE_MIN_EVICTED_PCT	90

#define MTETAG_SYSFS		"/sys/kernel/mm/mtetag"
#define MTETAG_FAIL_SAVE	"/sys/kernel/debug/mtetag/fail_save"

/* The tests' options; each test sets its defaults first. */
struct mte_opts {
	unsigned long npages;	/* -n: pages per region */
	uint64_t seed;		/* -s: pattern seed */
	unsigned long iters;	/* -i: iterations or cycles */
	unsigned long threads;	/* -t: threads, where a test has them */
	const char *pattern;	/* -p: the one pattern to run (NULL: all) */
	const char *exec;	/* -x: a command to run while pages are out */
};

static const char * const mte_opt_args[][2] = {
	{ "n", "PAGES" }, { "s", "SEED" }, { "i", "ITERATIONS" },
	{ "t", "THREADS" }, { "p", "PATTERN" }, { "x", "COMMAND" },
};

/* A usage line of the options in @optstring, and a failed exit. */
static inline void mte_usage(const char *prog, const char *optstring)
{
	unsigned int i;

	fprintf(stderr, "usage: %s", prog);
	for (i = 0; i < ARRAY_SIZE(mte_opt_args); i++)
		if (strchr(optstring, mte_opt_args[i][0][0]))
			fprintf(stderr, " [-%s %s]", mte_opt_args[i][0], mte_opt_args[i][1]);
	fprintf(stderr, "\n");
	exit(KSFT_FAIL);
}

/* Whether pattern @p is to run: all of them unless -p named one. */
static inline bool mte_pattern_selected(const struct mte_opts *o, int p)
{
	return !o->pattern || !strcmp(o->pattern, mte_pattern_names[p]);
}

/* Parse the options of @optstring (a subset of "n:s:i:t:p:x:") into @o. */
static inline void mte_parse_opts(int argc, char **argv, struct mte_opts *o,
				  const char *optstring)
{
	int opt, p;

	while ((opt = getopt(argc, argv, optstring)) != -1) {
		switch (opt) {
		case 'n':
			o->npages = strtoul(optarg, NULL, 0);
			break;
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			o->iters = strtoul(optarg, NULL, 0);
			break;
		case 't':
			o->threads = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			o->pattern = optarg;
			for (p = 0; p < PAT_NR; p++)
				if (mte_pattern_selected(o, p))
					break;
			if (p == PAT_NR) {
				fprintf(stderr, "unknown pattern '%s'\n", optarg);
				exit(KSFT_FAIL);
			}
			break;
		case 'x':
			o->exec = optarg;
			break;
		default:
			mte_usage(argv[0], optstring);
		}
	}
	if (!o->npages)
		mte_usage(argv[0], optstring);
}

/*
 * Print the KTAP header and plan (0: the caller sets it later), and make
 * sure this process can use MTE: exits with a skip when the CPU has none.
 */
static inline void mte_test_begin(const struct mte_opts *o, unsigned int plan)
{
	ksft_print_header();
	if (!mte_supported())
		ksft_exit_skip("no MTE on this CPU\n");
	if (mte_enable(PR_MTE_TCF_SYNC))
		ksft_exit_fail_msg("PR_SET_TAGGED_ADDR_CTRL: %s\n", strerror(errno));
	ksft_print_msg("%lu pages, seed %llu, %lu iterations, %lu threads\n",
		       o->npages, (unsigned long long)o->seed, o->iters, o->threads);
	if (plan)
		ksft_set_plan(plan);
}

/* The options every test takes (-n -s -i -t), then mte_test_begin(). */
static inline void mte_test_start(int argc, char **argv, struct mte_opts *o,
				  unsigned int plan)
{
	mte_parse_opts(argc, argv, o, "n:s:i:t:");
	mte_test_begin(o, plan);
}

/*
 * Whether at least MTE_MIN_EVICTED_PCT of @npages pages at @base are out of
 * memory, swap cache included (mincore); says why not if not.
 * @evicted gets the number of pages out.
 */
static inline bool mte_evicted_enough(const char *name, void *base,
				      unsigned long npages, long *evicted)
{
	long res = mte_resident_pages(base, npages);

	*evicted = res < 0 ? 0 : (long)npages - res;
	if (res < 0) {
		ksft_print_msg("%s: mincore: %s\n", name, strerror(errno));
		return false;
	}
	if (res * 100 > (long)npages * (100 - MTE_MIN_EVICTED_PCT)) {
		ksft_print_msg("%s: only %ld of %lu pages left memory\n",
			       name, *evicted, npages);
		return false;
	}
	return true;
}

/*
 * Push the pages to swap and out of the swap cache, by reclaim in cgroup
 * directory @cg (one that holds their memcg); then as above. Swap cache
 * folios nobody maps (left by another process's copy-on-write) can sit on
 * the active list: plain reclaim rounds deactivate, then drop them.
 */
static inline bool mte_swap_out_enough_in(const char *cg, const char *name,
					  void *base, unsigned long npages,
					  long *evicted)
{
	char path[800];
	int i;

	mte_swap_out(base, npages);
	snprintf(path, sizeof(path), "%s/memory.reclaim", cg ? cg : "");
	for (i = 0; cg && i < 20 && mte_resident_pages(base, npages) > 0; i++) {
		usleep(50000);
		mte_write_file(path, "1G");
	}
	return mte_evicted_enough(name, base, npages, evicted);
}

/* As mte_swap_out_enough_in(), by reclaim in our own cgroup. */
static inline bool mte_swap_out_enough(const char *name, void *base,
				       unsigned long npages, long *evicted)
{
	return mte_swap_out_enough_in(mte_cgroup_dir(), name, base, npages,
				      evicted);
}

/*
 * Create a cgroup PREFIX.PID with the memory controller into @buf: below
 * our own cgroup if it can enable the controller there, else beside it
 * (cgroup v2 allows no processes in a cgroup that has controllers enabled
 * for its children). Returns 0 or -errno.
 */
static inline int mte_make_memcg(char *buf, size_t size, const char *prefix)
{
	const char *own = mte_cgroup_dir();
	char base[600], path[760];
	char *slash;

	if (!own)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", own);
	if (!mte_write_file(path, "+memory")) {
		snprintf(buf, size, "%s/%s.%d", own, prefix, getpid());
		if (!mkdir(buf, 0755))
			return 0;
	}
	snprintf(base, sizeof(base), "%s", own);
	slash = strrchr(base, '/');
	if (!slash)
		return -ENOENT;
	*slash = 0;
	snprintf(buf, size, "%s/%s.%d", base, prefix, getpid());
	return mkdir(buf, 0755) ? -errno : 0;
}

/*
 * The one report line of a check, in a format soak.sh sums up:
 * "NAME: N pages, N evicted, N bad pages, N tag and N data errors".
 */
static inline void mte_report(const char *name, unsigned long npages,
			      long evicted, const struct mte_check *c)
{
	ksft_print_msg("%s: %lu pages, %ld evicted, %lu bad pages, %lu tag and %lu data errors%s\n",
		       name, npages, evicted, c->bad_pages, c->tag_errors,
		       c->data_errors, c->bad_pages ? " (first bad page below)" : "");
	if (c->bad_pages)
		ksft_print_msg("%s: first bad page %ld\n", name, c->first_bad);
}

/* A number from a file, or -1. */
static inline long mte_read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static inline int mte_write_long(const char *path, long val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld", val);
	return mte_write_file(path, buf);
}

/* A field of /proc/vmstat ("key N") or /proc/meminfo ("Key: N kB"), or -1. */
static inline long mte_proc_field(const char *file, const char *key)
{
	size_t len = strlen(key);
	char line[256];
	long v = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && (line[len] == ' ' || line[len] == ':')) {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static inline bool mtetag_present(void)
{
	return !access(MTETAG_SYSFS, F_OK);
}

/* One counter of /sys/kernel/mm/mtetag, or -1. */
static inline long mtetag_stat(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), MTETAG_SYSFS "/%s", name);
	return mte_read_long(path);
}

/* A line "name N" of mtetag's debugfs stats, or -1. */
static inline long mtetag_debug_stat(const char *name)
{
	return mte_proc_field("/sys/kernel/debug/mtetag/stats", name);
}

/*
 * Set compress_delay_ms (0: compress at swap-out, and what waits now at
 * once); return the old value, or -1 if the kernel has no such file.
 */
static inline long mtetag_set_compress_delay(long ms)
{
	long old = mtetag_stat("compress_delay_ms");

	if (old < 0 || mte_write_long(MTETAG_SYSFS "/compress_delay_ms", ms))
		return -1;
	return old;
}

/*
 * Wait up to @secs seconds for the compression worker to empty its queue.
 * Return: the entries still pending, or -1 without debugfs.
 */
static inline long mtetag_wait_compressed(int secs)
{
	long left = mtetag_debug_stat("pending_pages");
	int i;

	for (i = 0; left > 0 && i < secs * 10; i++) {
		usleep(100000);
		left = mtetag_debug_stat("pending_pages");
	}
	return left;
}

/*
 * swapoff and swapon every swap device: frees the slots still parked in the
 * per-CPU swap slot caches, which no amount of waiting drains for certain
 * (seen on zram: 64 heap pages' tags charged after their process exited).
 */
static inline void mte_cycle_swap_devices(void)
{
	char line[512], dev[4][512];
	int n = 0, i;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return;
	while (n < 4 && fgets(line, sizeof(line), f))
		if (line[0] == '/' && sscanf(line, "%511s", dev[n]) == 1)
			n++;
	fclose(f);
	for (i = 0; i < n; i++) {
		if (swapoff(dev[i]) || swapon(dev[i], 0))
			printf("# cycling swap on %s: %s\n", dev[i], strerror(errno));
	}
}

/*
 * Freed swap slots wait in a per-CPU cache (mm/swap_slots.c, up to 64 per
 * CPU) before they are really freed and their tags invalidated. Free more
 * than that many untagged slots on every CPU, so every earlier free is done.
 */
#define MTE_SLOT_FLUSH_PAGES	160

static inline void mte_flush_swap_slot_caches(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), cpu;
	unsigned long ps = mte_page_size();
	cpu_set_t old, one;

	if (sched_getaffinity(0, sizeof(old), &old))
		return;
	for (cpu = 0; cpu < ncpu; cpu++) {
		char *p;

		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			continue;
		p = mmap(NULL, MTE_SLOT_FLUSH_PAGES * ps, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			continue;
		memset(p, 0x5a, MTE_SLOT_FLUSH_PAGES * ps);
		mte_swap_out(p, MTE_SLOT_FLUSH_PAGES);
		munmap(p, MTE_SLOT_FLUSH_PAGES * ps);
	}
	sched_setaffinity(0, sizeof(old), &old);
}

/* The active swap devices, from /proc/swaps. */
struct mte_swapdev {
	char path[256];
	long size_kb;
	long used_kb;
	int prio;
};

static inline int mte_swap_devices(struct mte_swapdev *d, int max)
{
	char line[512], type[32];
	FILE *f = fopen("/proc/swaps", "r");
	int n = 0;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		return 0;
	}
	while (n < max && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %31s %ld %ld %d", d[n].path, type,
			   &d[n].size_kb, &d[n].used_kb, &d[n].prio) == 5)
			n++;
	}
	fclose(f);
	return n;
}

/* swapon(2) with the priority /proc/swaps showed, where one can be asked. */
static inline int mte_swapon(const char *path, int prio)
{
	int flags = 0;

	if (prio >= 0)
		flags = SWAP_FLAG_PREFER | (prio & SWAP_FLAG_PRIO_MASK);
	return swapon(path, flags);
}

/* Map @npages tagged anonymous pages aligned to @align bytes. */
static inline void *mte_map_anon_aligned(unsigned long npages, unsigned long align)
{
	unsigned long len = npages * mte_page_size();
	char *p = mmap(NULL, len + align, PROT_READ | PROT_WRITE | PROT_MTE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a > p)
		munmap(p, a - p);
	if (a + len < p + len + align)
		munmap(a + len, p + len + align - (a + len));
	return a;
}

#endif /* MTETAG_MTE_TEST_H */
