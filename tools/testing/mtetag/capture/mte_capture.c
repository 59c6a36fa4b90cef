// SPDX-License-Identifier: GPL-2.0
/*
 * mte_capture [-i SECONDS] [-k PAGES] [-n PAGES] -o FILE -- PROGRAM [ARGS...]
 *
 * Capture the MTE tags of a real program's pages, for the host codec corpus
 * (tools/testing/mtetag/corpus/captured/, see its README). The codecs are
 * tuned on generated tag pages; this records what a real glibc-tagged heap
 * looks like, so that the tests and the benchmark see the real thing.
 *
 * PROGRAM runs under ptrace with GLIBC_TUNABLES=glibc.mem.tagging=3 added to
 * its environment, so that glibc's malloc tags every chunk. It is stopped
 * every SECONDS (SIGSTOP, suppressed again by the tracer; 0: never) and once
 * at exit (PTRACE_O_TRACEEXIT: the mm is still intact then). At each stop
 * the pages of its PROT_MTE mappings (VmFlags "mt" in /proc/PID/smaps) that
 * hold memory of their own, present or in swap by /proc/PID/pagemap, are the
 * candidates: never-touched pages and pages mapping the shared zero page
 * (/proc/kpageflags) are left out, as they never reach swap. At most PAGES
 * (-k, default 4096) of them, spread evenly over the address space, are
 * read with PTRACE_PEEKMTETAGS. At the end at most -n PAGES (default 2048)
 * of all those, again evenly spread, are written to FILE as 128-byte raw
 * pages: granule 2i in the low nibble of byte i. Pages are not deduplicated
 * and all-zero pages are kept: the file follows the real distribution.
 *
 * Only the thread that was started is traced; other threads keep running
 * during a stop, which moves a few tags at most. Statistics go to stderr as
 * "# mte_capture:" lines. Exits with PROGRAM's status (128 + signal if it
 * was killed), or 125 if the capture itself failed.
 *
 * Built static for the guest by scripts/guest-extras.sh, run by
 * guest/corpus.sh; needs root for the PFNs in pagemap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef uint8_t u8;
typedef uint64_t u64;

#ifndef PTRACE_PEEKMTETAGS
#define PTRACE_PEEKMTETAGS	33
#endif

#define BIT_ULL(n)	(1ULL << (n))
#define PAGE_SIZE	4096UL
#define GRANULES	(PAGE_SIZE / 16)
#define TAG_PAGE	(GRANULES / 2)
#define PM_PRESENT	BIT_ULL(63)
#define PM_SWAP		BIT_ULL(62)
#define PM_PFN		((1ULL << 55) - 1)
#define KPF_ZERO_PAGE	24
#define CAPTURE_FAIL	125

static const char *prog;
static pid_t child;
static int pagemap_fd, kpageflags_fd = -1;

/* every page read so far, and how many of them had all tags zero */
static u8 *pages;
static size_t nr_pages, pages_cap, nr_zero;
static unsigned int nr_snapshots;

static void die(const char *what)
{
	fprintf(stderr, "mte_capture: %s: %s\n", what, strerror(errno));
	if (child > 0)
		kill(child, SIGKILL);
	exit(CAPTURE_FAIL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Only pages with memory of their own: not the zero page, not untouched. */
static int page_has_memory(u64 pm, size_t *zp)
{
	u64 flags;
	off_t off;

	if (pm & PM_SWAP)
		return 1;
	if (!(pm & PM_PRESENT))
		return 0;
	off = (pm & PM_PFN) * sizeof(flags);
	if (kpageflags_fd >= 0 && (pm & PM_PFN) &&
	    pread(kpageflags_fd, &flags, sizeof(flags), off) == sizeof(flags) &&
	    (flags >> KPF_ZERO_PAGE) & 1) {
		(*zp)++;
		return 0;
	}
	return 1;
}

struct candidates {
	unsigned long *addr;
	size_t nr, cap;
	size_t mapped, swapped, zero_page;
	unsigned int vmas;
};

static void add_vma(struct candidates *c, unsigned long start,
		    unsigned long end)
{
	u64 pm[512];
	unsigned long addr = start;

	c->vmas++;
	c->mapped += (end - start) / PAGE_SIZE;
	while (addr < end) {
		size_t n = (end - addr) / PAGE_SIZE, i;
		ssize_t got;

		if (n > 512)
			n = 512;
		got = pread(pagemap_fd, pm, n * sizeof(pm[0]),
			    addr / PAGE_SIZE * sizeof(pm[0]));
		if (got <= 0)
			return;
		n = got / sizeof(pm[0]);
		for (i = 0; i < n; i++, addr += PAGE_SIZE) {
			if (!page_has_memory(pm[i], &c->zero_page))
				continue;
			c->swapped += !!(pm[i] & PM_SWAP);
			if (c->nr == c->cap) {
				c->cap = c->cap ? 2 * c->cap : 4096;
				c->addr = realloc(c->addr,
						  c->cap * sizeof(*c->addr));
				if (!c->addr)
					die("realloc");
			}
			c->addr[c->nr++] = addr;
		}
	}
}

/* The pages of every mapping whose VmFlags include "mt". */
static void find_candidates(struct candidates *c)
{
	unsigned long start = 0, end = 0;
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", child);
	f = fopen(path, "r");
	if (!f)
		die(path);
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;

		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			start = s;
			end = e;
		} else if (!strncmp(line, "VmFlags:", 8) &&
			   strstr(line, " mt")) {
			add_vma(c, start, end);
		}
	}
	fclose(f);
}

static int read_tags(unsigned long addr, u8 *out)
{
	u8 tags[GRANULES];
	struct iovec iov = { .iov_base = tags, .iov_len = sizeof(tags) };
	unsigned int i;

	if (ptrace(PTRACE_PEEKMTETAGS, child, (void *)addr, &iov) ||
	    iov.iov_len != sizeof(tags))
		return -1;
	for (i = 0; i < TAG_PAGE; i++)
		out[i] = (tags[2 * i] & 0xf) | (tags[2 * i + 1] & 0xf) << 4;
	return 0;
}

static int all_zero(const u8 *p)
{
	unsigned int i;

	for (i = 0; i < TAG_PAGE; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Index j of k spread evenly over n (k <= n): the middle of each stride. */
static size_t spread(size_t j, size_t k, size_t n)
{
	return (size_t)((2 * (u64)j + 1) * n / (2 * (u64)k));
}

static void snapshot(const char *when, double t, size_t max)
{
	struct candidates c = { 0 };
	size_t k, j, zero = 0, failed = 0;

	find_candidates(&c);
	k = c.nr < max ? c.nr : max;
	if (nr_pages + k > pages_cap) {
		pages_cap = 2 * (nr_pages + k);
		pages = realloc(pages, pages_cap * TAG_PAGE);
		if (!pages)
			die("realloc");
	}
	for (j = 0; j < k; j++) {
		u8 *p = pages + nr_pages * TAG_PAGE;

		if (read_tags(c.addr[spread(j, k, c.nr)], p)) {
			failed++;
			continue;
		}
		zero += all_zero(p);
		nr_pages++;
	}
	nr_zero += zero;
	nr_snapshots++;
	fprintf(stderr,
		"# mte_capture: %s %s %.1fs: %u mt mappings, %zu pages mapped, %zu with memory (%zu in swap), %zu zero-page; read %zu (%zu all-zero tags, %zu unreadable)\n",
		prog, when, t, c.vmas, c.mapped, c.nr, c.swapped, c.zero_page,
		k - failed, zero, failed);
	free(c.addr);
}

static void write_pages(const char *path, size_t max)
{
	size_t k = nr_pages < max ? nr_pages : max, j, zero = 0;
	FILE *f = fopen(path, "wb");

	if (!f)
		die(path);
	for (j = 0; j < k; j++) {
		const u8 *p = pages + spread(j, k, nr_pages) * TAG_PAGE;

		zero += all_zero(p);
		if (fwrite(p, TAG_PAGE, 1, f) != 1)
			die(path);
	}
	if (fclose(f))
		die(path);
	fprintf(stderr,
		"# mte_capture: %s: %u stops, %zu pages read (%zu all-zero), %zu written to %s (%zu all-zero)\n",
		prog, nr_snapshots, nr_pages, nr_zero, k, path, zero);
}

/* GLIBC_TUNABLES with heap tagging on, after any tunables already set. */
static void set_tunables(void)
{
	const char *old = getenv("GLIBC_TUNABLES");
	char *val;

	if (old && *old) {
		if (asprintf(&val, "%s:glibc.mem.tagging=3", old) < 0)
			die("asprintf");
	} else {
		val = "glibc.mem.tagging=3";
	}
	if (setenv("GLIBC_TUNABLES", val, 1))
		die("setenv");
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: mte_capture [-i SECONDS] [-k PAGES] [-n PAGES] -o FILE -- PROGRAM [ARGS...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t per_stop = 4096, max_out = 2048;
	double interval = 0, start, next;
	const char *out = NULL;
	int opt, status, stop_sent = 0;
	char path[64];
	sigset_t chld;

	while ((opt = getopt(argc, argv, "i:k:n:o:")) != -1) {
		switch (opt) {
		case 'i':
			interval = atof(optarg);
			break;
		case 'k':
			per_stop = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			max_out = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			out = optarg;
			break;
		default:
			bad_usage();
		}
	}
	if (!out || optind >= argc)
		bad_usage();
	prog = basename(argv[optind]);
	set_tunables();

	/*
	 * SIGCHLD stays blocked and is taken with sigtimedwait(): a stop that
	 * arrives while a snapshot runs is then never missed.
	 */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(127);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "mte_capture: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	/* the first stop is the SIGTRAP after a successful execve() */
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	if (!WIFSTOPPED(status)) {
		fprintf(stderr, "mte_capture: %s did not start\n", prog);
		return CAPTURE_FAIL;
	}
	if (ptrace(PTRACE_SETOPTIONS, child, NULL,
		   (void *)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)))
		die("PTRACE_SETOPTIONS");
	snprintf(path, sizeof(path), "/proc/%d/pagemap", child);
	pagemap_fd = open(path, O_RDONLY);
	if (pagemap_fd < 0)
		die(path);
	kpageflags_fd = open("/proc/kpageflags", O_RDONLY);
	if (kpageflags_fd < 0)
		fprintf(stderr,
			"mte_capture: no /proc/kpageflags: zero-page mappings count as pages\n");
	start = now();
	next = start + interval;
	if (ptrace(PTRACE_CONT, child, NULL, NULL))
		die("PTRACE_CONT");

	for (;;) {
		pid_t r = waitpid(child, &status, WNOHANG | __WALL);
		int sig = 0;

		if (r < 0)
			die("waitpid");
		if (!r) {
			double left = next - now();
			struct timespec ts;

			if (interval <= 0 || stop_sent)
				left = 3600;
			if (left <= 0) {
				/* thread-directed: the traced thread stops */
				syscall(SYS_tgkill, child, child, SIGSTOP);
				stop_sent = 1;
				continue;
			}
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
			sigtimedwait(&chld, NULL, &ts);
			continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status))
			break;
		if (status >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8)) {
			snapshot("exit", now() - start, per_stop);
		} else if (WSTOPSIG(status) == SIGSTOP && stop_sent) {
			snapshot("stop", now() - start, per_stop);
			stop_sent = 0;
			next = now() + interval;
		} else {
			sig = WSTOPSIG(status);	/* not ours: deliver it */
		}
		if (ptrace(PTRACE_CONT, child, NULL, (void *)(long)sig) &&
		    errno != ESRCH)
			die("PTRACE_CONT");
	}
	write_pages(out, max_out);
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "mte_capture: %s killed by signal %d\n", prog,
			WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}
