// SPDX-License-Identifier: GPL-2.0
/*
 * Swap benchmark of tagged memory, for mtetag against the unpatched kernel.
 *
 * For each tag class (an untagged control, then zero, uniform, runs, heap,
 * glibc and random tags) it fills N anonymous pages, pushes them to swap and out
 * of the swap cache, and faults them back, timing both directions. While the
 * pages are out it reads the rise of SUnreclaim (the only tag-store figure
 * the unpatched kernel offers) and, when the kernel has mtetag, mtetag's own
 * counters. The untagged control (same size, no PROT_MTE, in the same boot)
 * measures what the swap layer itself allocates per page, so that
 *
 *	tag bytes per page = rise / out - control rise / control out
 *
 * With mtetag's deferred compression (compress_delay_ms), the pages are
 * stored raw at swap-out and compressed later: the memory reading waits
 * until nothing is pending (settle_s), so it sees the compressed store, and
 * that swap-in reads compressed entries. A second round then swaps the
 * pages out and at once back in (hot_in_s), as thrashing memory does,
 * before compression. After every swap-in every tag is checked, so a fast
 * but lossy store cannot look good. Output: one "bench_swap: key=value ..."
 * line per class.
 *
 * With -H it is instead a memory hog for the fio runs: a heap-like tagged
 * region rewritten page by page for -t seconds, so that
 * tagged pages keep going out to swap and back in under memcg pressure.
 * Each write goes through the tag the page must have: a lost tag is a
 * synchronous tag-check fault, not a quietly wrong figure.
 *
 * With -g it writes KIB kilobytes of text-like data to stdout: input for the real
 * compressors the benchmark runs, made in the guest so the initramfs stays
 * small, and the same in every boot.
 *
 * Usage: bench_swap [-n PAGES] [-r REPEATS] [-c CLASS,...] [-s SEED] [-x CMD]
 *        bench_swap -H MIB [-t SECONDS (10)] [-s SEED]
 *        bench_swap -g KIB [-s SEED]
 */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <time.h>
#include <sys/swap.h>

#include "../mte_util.h"

#define CLASS_UNTAGGED	PAT_NR
#define NR_CLASSES	(PAT_NR + 1)
/* Below this share of pages evicted the figures describe too few pages. */
#define MIN_EVICTED_PCT	90
/* Lets RCU-deferred frees (swap cache xarray nodes) settle before a read. */
#define SETTLE_US	300000

#define MTETAG_SYSFS	"/sys/kernel/mm/mtetag"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Measurement order: the control first and last (their mean is the figure
 * subtracted), the tag classes from cheapest to dearest in between.
 */
static const int class_order[] = {
	CLASS_UNTAGGED, PAT_ZERO, PAT_UNIFORM, PAT_RUNS, PAT_HEAP, PAT_GLIBC,
	PAT_RANDOM,
	CLASS_UNTAGGED,
};

/* -x: a command run just before each SUnreclaim reading, for debugging. */
static const char *at_reading;

struct mtetag_counters {
	long long stored_pages;
	long long stored_bytes;
	long long total_bytes;
	long long inline_pages;
	long long zero_pages;
};

struct bench_result {
	int cls;
	unsigned long pages;
	long out;		/* pages that left memory */
	double out_s, in_s;	/* swap-out, swap-in seconds */
	double settle_s;	/* waiting for deferred compression */
	double hot_in_s;	/* swap-in at once after a second swap-out */
	long hot_out;		/* pages out in that second round */
	long rise_kb;		/* SUnreclaim rise while the pages are out */
	long slab_rise_kb;	/* the same for all slab, reclaimable too */
	bool have_mtetag;
	struct mtetag_counters mt;	/* mtetag's gauges: change while out */
	unsigned long bad_pages;
};

static const char *class_name(int cls)
{
	return cls == CLASS_UNTAGGED ? "untagged" : mte_pattern_names[cls];
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Free the empty slabs of every cache. Freed objects otherwise stay in
 * per-CPU and partial slabs, still counted in SUnreclaim: the first swap
 * of a boot grows the I/O path's caches (bios, requests) for good, and
 * the rise would charge that to whichever class ran first. After a shrink
 * SUnreclaim follows the objects really held. Quietly nothing without
 * /sys/kernel/slab.
 */
static void slab_shrink_all(void)
{
	char path[512];
	struct dirent *d;
	DIR *dir;

	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", d->d_name);
		mte_write_file(path, "1");
	}
	closedir(dir);
}

/* One field of /proc/meminfo in kB, or -1. */
static long meminfo_kb(const char *key)
{
	size_t len = strlen(key);
	char line[256];
	long val = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

/*
 * SUnreclaim in kB, once RCU-deferred frees had time and empty slabs went;
 * all slab in @slab_kb: xarray nodes (the stores' index, in both kernels)
 * are reclaimable slab, so SUnreclaim alone misses them.
 * -x COMMAND runs first, with BENCH_CLASS and BENCH_PHASE (before, out).
 */
static long sunreclaim_kb(int cls, const char *phase, long *slab_kb)
{
	usleep(SETTLE_US);
	slab_shrink_all();
	if (at_reading) {
		setenv("BENCH_CLASS", class_name(cls), 1);
		setenv("BENCH_PHASE", phase, 1);
		if (system(at_reading))
			fprintf(stderr, "bench_swap: '%s' failed\n", at_reading);
	}
	*slab_kb = meminfo_kb("Slab");
	return meminfo_kb("SUnreclaim");
}

static long long read_ll(const char *dir, const char *name)
{
	char path[256];
	long long val;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%lld", &val);
	fclose(f);
	return n == 1 ? val : -1;
}

/* mtetag's global gauges; false on a kernel without mtetag. */
static bool mtetag_read(struct mtetag_counters *c)
{
	c->stored_pages = read_ll(MTETAG_SYSFS, "stored_pages");
	c->stored_bytes = read_ll(MTETAG_SYSFS, "stored_bytes");
	c->total_bytes = read_ll(MTETAG_SYSFS, "total_bytes");
	c->inline_pages = read_ll(MTETAG_SYSFS, "inline_pages");
	c->zero_pages = read_ll(MTETAG_SYSFS, "zero_pages");
	return c->stored_pages >= 0 && c->total_bytes >= 0;
}

static void mtetag_delta(struct mtetag_counters *d, const struct mtetag_counters *a,
			 const struct mtetag_counters *b)
{
	d->stored_pages = b->stored_pages - a->stored_pages;
	d->stored_bytes = b->stored_bytes - a->stored_bytes;
	d->total_bytes = b->total_bytes - a->total_bytes;
	d->inline_pages = b->inline_pages - a->inline_pages;
	d->zero_pages = b->zero_pages - a->zero_pages;
}

/*
 * Wait until mtetag's compression worker has nothing pending (debugfs),
 * at most 60 s. Return: seconds waited; 0 on kernels without it.
 */
static double settle_compression(void)
{
	long long pending;
	double t0 = now();
	char line[128];
	FILE *f;

	for (;;) {
		pending = -1;
		f = fopen("/sys/kernel/debug/mtetag/stats", "r");
		if (!f)
			return 0;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "pending_pages %lld", &pending) == 1)
				break;
		fclose(f);
		if (pending <= 0 || now() - t0 > 60)
			return now() - t0;
		usleep(20000);
	}
}

static void *map_pages(unsigned long npages, bool tagged)
{
	int prot = PROT_READ | PROT_WRITE | (tagged ? PROT_MTE : 0);
	void *p = mmap(NULL, npages * mte_page_size(), prot,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static uint64_t data_word(uint64_t seed, unsigned long page, unsigned long granule)
{
	return mte_mix(seed ^ (page << 16) ^ granule);
}

/*
 * Tags by class, data random (incompressible, so zram swap cannot favour
 * one class): two words per granule, written through the granule's tag.
 */
static void fill(char *buf, unsigned long npages, int cls, uint64_t seed)
{
	unsigned long ps = mte_page_size(), ng = mte_granules_per_page(), p, g;
	bool tagged = cls != CLASS_UNTAGGED;
	uint8_t tags[ng];

	memset(tags, 0, ng);
	for (p = 0; p < npages; p++) {
		char *page = buf + p * ps;

		if (tagged)
			mte_pattern_tags(cls, seed, p, tags);
		for (g = 0; g < ng; g++) {
			char *gr = page + g * MTE_GRANULE;
			uint64_t *d = mte_tag_ptr(gr, tags[g]);

			if (tagged)
				mte_set_tag(gr, tags[g]);
			d[0] = data_word(seed, p, g);
			d[1] = ~d[0];
		}
	}
}

/*
 * Fault every page back in, by writing to it as a program would. A write
 * fault on a page only this process maps also frees its swap entry, and
 * with it the saved tags, inside the timed loop; after read faults the
 * entries would linger and be freed at some later, unmeasured moment. Tag
 * checks are off meanwhile, so the store needs no tag. The word written
 * is the second of each page, which check() does not look at.
 */
static void fault_in(char *buf, unsigned long npages)
{
	unsigned long ps = mte_page_size(), p;

	mte_enable(PR_MTE_TCF_NONE);
	for (p = 0; p < npages; p++)
		((uint64_t *)(buf + p * ps))[1] = p;
	mte_enable(PR_MTE_TCF_SYNC);
}

/*
 * Start the next run with empty swap devices: swap-cache pages that
 * readahead brought in and nobody mapped keep their swap entries (and
 * tags) until reclaim happens to pick them, so a run would see the frees
 * of its predecessor. swapoff frees every entry; swapon brings the device
 * back as it was (no priority was given at boot either).
 */
static void drain_swap(void)
{
	char line[512], path[256];
	FILE *f;

	f = fopen("/proc/swaps", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s", path) != 1 || path[0] != '/')
			continue;
		if (swapoff(path) || swapon(path, 0))
			fprintf(stderr, "bench_swap: swapoff/swapon %s: %s\n",
				path, strerror(errno));
	}
	fclose(f);
}

/* Pages with any wrong tag, or a wrong first word in any granule. */
static unsigned long check(char *buf, unsigned long npages, int cls, uint64_t seed)
{
	unsigned long ps = mte_page_size(), ng = mte_granules_per_page(), p, g;
	bool tagged = cls != CLASS_UNTAGGED;
	unsigned long bad = 0;
	uint8_t tags[ng];

	memset(tags, 0, ng);
	for (p = 0; p < npages; p++) {
		char *page = buf + p * ps;
		bool ok = true;

		if (tagged)
			mte_pattern_tags(cls, seed, p, tags);
		for (g = 0; g < ng && ok; g++) {
			char *gr = page + g * MTE_GRANULE;
			unsigned int have = tagged ? mte_get_tag(gr) : 0;
			uint64_t *d = mte_tag_ptr(gr, have);

			ok = have == tags[g] && d[0] == data_word(seed, p, g);
		}
		bad += !ok;
	}
	return bad;
}

static int bench_class(int cls, unsigned long npages, uint64_t seed,
		       struct bench_result *r)
{
	bool tagged = cls != CLASS_UNTAGGED;
	struct mtetag_counters before, after;
	long kb_before, kb_out, slab_before, slab_out;
	double t0;
	char *buf;

	memset(r, 0, sizeof(*r));
	r->cls = cls;
	r->pages = npages;
	buf = map_pages(npages, tagged);
	if (!buf) {
		fprintf(stderr, "bench_swap: %s: mmap: %s\n", class_name(cls), strerror(errno));
		return -1;
	}
	fill(buf, npages, cls, seed);

	kb_before = sunreclaim_kb(cls, "before", &slab_before);
	r->have_mtetag = mtetag_read(&before);

	t0 = now();
	r->out = npages - mte_swap_out(buf, npages);
	r->out_s = now() - t0;

	r->settle_s = settle_compression();
	kb_out = sunreclaim_kb(cls, "out", &slab_out);
	r->rise_kb = kb_out - kb_before;
	r->slab_rise_kb = slab_out - slab_before;
	if (r->have_mtetag && mtetag_read(&after))
		mtetag_delta(&r->mt, &before, &after);

	t0 = now();
	fault_in(buf, npages);
	r->in_s = now() - t0;

	r->bad_pages = check(buf, npages, cls, seed);

	/* Hot: out and straight back in, before any deferred compression. */
	r->hot_out = npages - mte_swap_out(buf, npages);
	t0 = now();
	fault_in(buf, npages);
	r->hot_in_s = now() - t0;
	r->bad_pages += check(buf, npages, cls, seed);
	munmap(buf, npages * mte_page_size());
	drain_swap();
	return 0;
}

static void print_result(const struct bench_result *r, double ctl_per_page,
			 double slab_ctl_per_page)
{
	double mib = r->out * (double)mte_page_size() / (1 << 20);
	double rise = r->rise_kb * 1024.0, slab = r->slab_rise_kb * 1024.0;
	double hot_mib;

	printf("bench_swap: class=%s pages=%lu out=%ld out_s=%.4f in_s=%.4f",
	       class_name(r->cls), r->pages, r->out, r->out_s, r->in_s);
	printf(" out_mibps=%.2f in_mibps=%.2f", r->out_s > 0 ? mib / r->out_s : 0,
	       r->in_s > 0 ? mib / r->in_s : 0);
	hot_mib = r->hot_out * (double)mte_page_size() / (1 << 20);
	printf(" settle_s=%.4f hot_out=%ld hot_in_s=%.4f hot_in_mibps=%.2f",
	       r->settle_s, r->hot_out, r->hot_in_s,
	       r->hot_in_s > 0 ? hot_mib / r->hot_in_s : 0);
	printf(" sunreclaim_rise=%.0f rise_per_page=%.2f", rise,
	       r->out > 0 ? rise / r->out : 0);
	printf(" slab_rise=%.0f slab_rise_per_page=%.2f", slab, r->out > 0 ? slab / r->out : 0);
	if (r->cls != CLASS_UNTAGGED && r->out > 0) {
		printf(" tag_bytes_per_page=%.2f", rise / r->out - ctl_per_page);
		printf(" slab_tag_bytes_per_page=%.2f", slab / r->out - slab_ctl_per_page);
	}
	if (r->have_mtetag) {
		printf(" mt_stored_pages=%lld mt_stored_bytes=%lld mt_total_bytes=%lld",
		       r->mt.stored_pages, r->mt.stored_bytes, r->mt.total_bytes);
		printf(" mt_inline_pages=%lld mt_zero_pages=%lld",
		       r->mt.inline_pages, r->mt.zero_pages);
		if (r->mt.stored_pages > 0)
			printf(" mt_bytes_per_page=%.2f",
			       (double)r->mt.total_bytes / r->mt.stored_pages);
	}
	printf(" bad_pages=%lu%s\n", r->bad_pages,
	       r->out * 100 < (long)r->pages * MIN_EVICTED_PCT ? " too_few_evicted=1" : "");
}

/* The fio runs' tagged memory: rewrite heap-tagged pages for @seconds. */
static int run_hog(unsigned long mib, double seconds, uint64_t seed)
{
	unsigned long ps = mte_page_size(), npages = (mib << 20) / ps, p;
	unsigned long long touches = 0;
	uint8_t tags[mte_granules_per_page()];
	uint8_t *tag0;
	double t0, t;
	char *buf;

	buf = map_pages(npages, true);
	tag0 = malloc(npages);
	if (!buf || !tag0) {
		fprintf(stderr, "bench_swap: hog: out of memory\n");
		return 1;
	}
	fill(buf, npages, PAT_HEAP, seed);
	for (p = 0; p < npages; p++) {
		mte_pattern_tags(PAT_HEAP, seed, p, tags);
		tag0[p] = tags[0];
	}
	printf("bench_swap: hog ready pages=%lu\n", npages);
	fflush(stdout);

	t0 = now();
	for (p = 0;; p = (p + 1) % npages) {
		uint64_t *d = mte_tag_ptr(buf + p * ps, tag0[p]);

		d[0] = ~d[0];
		touches++;
		if (!(touches & 255) && now() - t0 >= seconds)
			break;
	}
	t = now() - t0;
	printf("bench_swap: hog pages=%lu touches=%llu seconds=%.2f touches_per_s=%.0f\n",
	       npages, touches, t, t > 0 ? touches / t : 0);
	return 0;
}

/*
 * Words of a fixed random vocabulary, the frequent ones far more frequent
 * (the AND of two uniform bytes favours indices with few bits set): it
 * compresses about as well as prose, so the compressors do real work.
 */
static int gen_text(unsigned long kib, uint64_t seed)
{
	unsigned long long total = (unsigned long long)kib << 10, done = 0, i;
	static char vocab[256][12];
	static char buf[1 << 16];
	size_t len = 0;
	int w, k, n;

	for (w = 0; w < 256; w++) {
		uint64_t h = mte_mix(seed + w);

		n = 2 + h % 8;
		for (k = 0; k < n; k++)
			vocab[w][k] = 'a' + (h >> (8 + 5 * k)) % 26;
		vocab[w][n] = 0;
	}
	for (i = 0; done < total; i++) {
		uint64_t h = mte_mix(seed ^ (i * 0x100000001b3ULL));
		const char *word = vocab[(h & 0xff) & ((h >> 8) & 0xff)];

		n = strlen(word);
		memcpy(buf + len, word, n);
		len += n;
		buf[len++] = i % 12 == 11 ? '\n' : ' ';
		if (len > sizeof(buf) - 16) {
			if (fwrite(buf, 1, len, stdout) != len)
				return 1;
			done += len;
			len = 0;
		}
	}
	return fflush(stdout) ? 1 : 0;
}

static int parse_classes(const char *arg, bool *want)
{
	char *s = strdup(arg), *tok, *save = NULL;
	int c, found;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		found = 0;
		for (c = 0; c < NR_CLASSES; c++) {
			if (!strcmp(tok, class_name(c))) {
				want[c] = true;
				found = 1;
			}
		}
		if (!found) {
			fprintf(stderr, "bench_swap: unknown class '%s'\n", tok);
			free(s);
			return -1;
		}
	}
	free(s);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_result res[NR_CLASSES * 16];
	unsigned long npages = 8192, hog_mib = 0, gen_kib = 0;
	bool want[NR_CLASSES] = { false };
	int opt, i, c, rep, repeats = 1, nres = 0, nctl = 0;
	double seconds = 10, ctl = 0, slab_ctl = 0;
	uint64_t seed = 1;

	while ((opt = getopt(argc, argv, "n:r:c:s:H:t:g:x:")) != -1) {
		switch (opt) {
		case 'n':
			npages = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			repeats = atoi(optarg);
			break;
		case 'c':
			if (parse_classes(optarg, want))
				return 2;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'H':
			hog_mib = strtoul(optarg, NULL, 0);
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'g':
			gen_kib = strtoul(optarg, NULL, 0);
			break;
		case 'x':
			at_reading = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n PAGES] [-r REPEATS] [-c CLASS,...] [-s SEED] [-x CMD]\n"
				"       %s -H MIB [-t SECONDS] [-s SEED]\n"
				"       %s -g KIB [-s SEED]\n", argv[0], argv[0], argv[0]);
			return 2;
		}
	}
	if (repeats < 1 || repeats > 16)
		repeats = 1;
	if (gen_kib)
		return gen_text(gen_kib, seed);
	if (!mte_supported()) {
		fprintf(stderr, "bench_swap: no MTE on this CPU\n");
		return 4;
	}
	if (mte_enable(PR_MTE_TCF_SYNC)) {
		fprintf(stderr, "bench_swap: PR_SET_TAGGED_ADDR_CTRL: %s\n", strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (hog_mib)
		return run_hog(hog_mib, seconds, seed);

	/*
	 * Warm-up, not reported: the first swap-out of a boot also pays for
	 * swap clusters and I/O structures that later runs reuse.
	 */
	drain_swap();
	bench_class(CLASS_UNTAGGED, npages / 4 + 1, seed, &res[0]);

	/* The control always runs: every tagged figure is relative to it. */
	want[CLASS_UNTAGGED] = true;
	for (c = 0; c < NR_CLASSES; c++)
		if (c != CLASS_UNTAGGED && want[c])
			break;
	if (c == NR_CLASSES)
		for (c = 0; c < NR_CLASSES; c++)
			want[c] = true;

	for (rep = 0; rep < repeats; rep++) {
		for (i = 0; i < (int)ARRAY_SIZE(class_order); i++) {
			c = class_order[i];
			if (!want[c] || bench_class(c, npages, seed + c, &res[nres]))
				continue;
			if (c == CLASS_UNTAGGED && res[nres].out > 0) {
				ctl += (double)res[nres].rise_kb * 1024 / res[nres].out;
				slab_ctl += (double)res[nres].slab_rise_kb * 1024 / res[nres].out;
				nctl++;
			}
			nres++;
		}
	}
	/* Figures relative to the mean control of this boot, so printed last. */
	ctl = nctl ? ctl / nctl : 0;
	slab_ctl = nctl ? slab_ctl / nctl : 0;
	for (i = 0; i < nres; i++)
		print_result(&res[i], ctl, slab_ctl);
	for (i = 0; i < nres; i++)
		if (res[i].bad_pages)
			return 1;
	return 0;
}
