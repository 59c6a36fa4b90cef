// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag-stat: show how mtetag stores the MTE tags of swapped-out pages.
 *
 * Reads the stable counters in /sys/kernel/mm/mtetag/ and, on request, the
 * debugfs details and the per-cgroup usage in memory.stat, and prints them as
 * a table with derived figures, as JSON, or as one line per interval.
 *
 * This file is the front end: options, derived figures and output. read.c
 * reads the files. Everything is read before anything is printed, so an
 * error never leaves half a table behind: the file and the problem are named
 * on stderr instead.
 *
 * Exit status: 0 on success, 1 if a file cannot be read or parsed, 2 for bad
 * usage or a kernel without mtetag.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mtetag-stat.h"

#define MTETAG_SYSFS_DIR	"/sys/kernel/mm/mtetag"
#define MTETAG_DEBUGFS_DIR	"/sys/kernel/debug/mtetag"
#define CGROUP_DIR		"/sys/fs/cgroup"

/*
 * Upstream keeps the tags of a swapped-out page uncompressed: 4 bits per
 * 16-byte granule, PAGE_SIZE / 32 bytes (128 B for 4 KiB pages).
 */
#define UPSTREAM_DIVISOR	32

#define EXIT_USAGE		2	/* bad options, or no mtetag */

#define WATCH_HEADER_EVERY	20	/* data lines between two headers */
#define JSON_MAX_DEPTH		8

struct options {
	char sysfs[PATH_MAX];
	char debugfs[PATH_MAX];
	char cgroup[PATH_MAX];
	bool json;
	bool debug;
	bool cgroups;
	bool watch;
	struct timespec interval;
	unsigned long long count;	/* watch lines; 0 means no limit */
	unsigned long page_size;
};

/* Derived figures; each is meaningful only if its valid flag is set. */
struct derived {
	bool have_pages;		/* stored_pages > 0 */
	bool have_ratio;		/* and total_bytes > 0 */
	double bytes_per_page;
	double ratio;
	double inline_pct;
	double zero_pct;
	double upstream_bytes;
};

static void report_err(void)
{
	fprintf(stderr, PROG ": %s\n", read_error());
}

/* ---- derived figures and units ----------------------------------------- */

static void derive(const struct store_stats *st, unsigned long page_size,
		   struct derived *d)
{
	double pages = st->v[ST_STORED_PAGES];

	memset(d, 0, sizeof(*d));
	d->upstream_bytes = pages * (page_size / UPSTREAM_DIVISOR);
	d->have_pages = st->v[ST_STORED_PAGES] > 0;
	d->have_ratio = d->have_pages && st->v[ST_TOTAL_BYTES] > 0;
	if (d->have_pages) {
		d->bytes_per_page = st->v[ST_TOTAL_BYTES] / pages;
		d->inline_pct = 100.0 * st->v[ST_INLINE_PAGES] / pages;
		d->zero_pct = 100.0 * st->v[ST_ZERO_PAGES] / pages;
	}
	if (d->have_ratio)
		d->ratio = d->upstream_bytes / st->v[ST_TOTAL_BYTES];
}

/* Bytes in binary units: "512 B", "1.5 KiB", "12.0 MiB". */
static const char *human(double bytes, char *buf, size_t len)
{
	static const char * const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;

	if (bytes < 1024) {
		snprintf(buf, len, "%.0f B", bytes);
		return buf;
	}
	while (bytes >= 1024 && u < ARRAY_SIZE(units) - 1) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", bytes, units[u]);
	return buf;
}

/* "%.*f" + suffix, or "-" when undefined. */
static const char *fmt_fig(bool valid, double v, int prec, const char *suffix,
			   char *buf, size_t len)
{
	if (valid)
		snprintf(buf, len, "%.*f%s", prec, v, suffix);
	else
		snprintf(buf, len, "-");
	return buf;
}

/* ---- table output ------------------------------------------------------ */

static void print_swap_table(const struct options *o, const struct snapshot *s)
{
	char b[6][32];
	size_t i;

	printf("\nPer swap type\n");
	if (!s->have_swap) {
		printf("  not available: %s/swap not found\n", o->sysfs);
		return;
	}
	if (!s->nr_swap) {
		printf("  no active swap type\n");
		return;
	}
	printf("  %4s %10s %7s %6s %10s %10s %7s %7s %10s %10s %11s  %s\n",
	       "TYPE", "PAGES", "INLINE", "ZERO", "STORED", "TOTAL", "B/PAGE",
	       "RATIO", "SAVES", "RESTORES", "INVALIDATES", "DEVICE");
	for (i = 0; i < s->nr_swap; i++) {
		const struct swap_type *t = &s->swap[i];
		const unsigned long long *v = t->st.v;
		struct derived d;

		derive(&t->st, o->page_size, &d);
		printf("  %4u %10llu %7s %6s %10s %10s %7s %7s %10llu %10llu %11llu  %s\n",
		       t->type, v[ST_STORED_PAGES],
		       fmt_fig(d.have_pages, d.inline_pct, 1, "%", b[0], 32),
		       fmt_fig(d.have_pages, d.zero_pct, 1, "%", b[1], 32),
		       human(v[ST_STORED_BYTES], b[2], 32),
		       human(v[ST_TOTAL_BYTES], b[3], 32),
		       fmt_fig(d.have_pages, d.bytes_per_page, 2, "", b[4], 32),
		       fmt_fig(d.have_ratio, d.ratio, 2, "x", b[5], 32),
		       v[ST_SAVES], v[ST_RESTORES], v[ST_INVALIDATES], t->device);
	}
}

static void print_blob_sizes(const struct dbg_file *f)
{
	unsigned long long blobs = 0;
	char b[32];
	size_t i;

	for (i = 0; i < f->nr_rows; i++)
		blobs += f->rows[i].n[1];
	printf("    %8s %12s %7s %10s\n", "SIZE", "BLOBS", "SHARE", "BYTES");
	for (i = 0; i < f->nr_rows; i++) {
		const unsigned long long *n = f->rows[i].n;

		printf("    %8llu %12llu %6.1f%% %10s\n", n[0], n[1],
		       blobs ? 100.0 * n[1] / blobs : 0.0,
		       human((double)n[0] * n[1], b, sizeof(b)));
	}
}

static void print_codecs(const struct dbg_file *f)
{
	char b[2][32];
	size_t i;

	printf("    %-10s %12s %10s %7s\n", "CODEC", "PAGES", "BYTES", "B/PAGE");
	for (i = 0; i < f->nr_rows; i++) {
		const struct dbg_row *r = &f->rows[i];

		printf("    %-10s %12llu %10s %7s\n", r->name, r->n[0],
		       human(r->n[1], b[0], sizeof(b[0])),
		       fmt_fig(r->n[0], (double)r->n[1] / (r->n[0] ? r->n[0] : 1),
			       2, "", b[1], sizeof(b[1])));
	}
}

static int cmp_shards(const void *a, const void *b)
{
	const struct dbg_row *x = a, *y = b;

	if (x->n[0] != y->n[0])
		return x->n[0] < y->n[0] ? -1 : 1;
	return (x->n[1] > y->n[1]) - (x->n[1] < y->n[1]);
}

/* One line per swap type: how evenly its entries spread over the shards. */
static void print_shards(const struct dbg_file *f)
{
	struct dbg_row *rows;
	size_t i, j;

	rows = xrealloc(NULL, f->nr_rows, sizeof(*rows));
	memcpy(rows, f->rows, f->nr_rows * sizeof(*rows));
	qsort(rows, f->nr_rows, sizeof(*rows), cmp_shards);
	printf("    %4s %7s %12s %10s %10s\n", "TYPE", "SHARDS", "ENTRIES", "MIN", "MAX");
	for (i = 0; i < f->nr_rows; i = j) {
		unsigned long long sum = 0, min = ULLONG_MAX, max = 0;

		for (j = i; j < f->nr_rows && rows[j].n[0] == rows[i].n[0]; j++) {
			sum += rows[j].n[2];
			min = rows[j].n[2] < min ? rows[j].n[2] : min;
			max = rows[j].n[2] > max ? rows[j].n[2] : max;
		}
		printf("    %4llu %7zu %12llu %10llu %10llu\n", rows[i].n[0], j - i,
		       sum, min, max);
	}
	free(rows);
}

static void print_debug_table(const struct options *o,
			      const struct debug_info *dbg)
{
	static const char * const titles[NR_DBG_FILES] = {
		[DBG_BLOB_SIZES]	= "Blob sizes",
		[DBG_CODECS]		= "Codecs",
		[DBG_SHARDS]		= "Shards",
	};
	int i;

	printf("\nDebugfs details (%s)\n", o->debugfs);
	if (dbg->error) {
		printf("  not readable: %s (needs debugfs mounted, and root)\n",
		       dbg->error);
		return;
	}
	for (i = 0; i < NR_DBG_FILES; i++) {
		const struct dbg_file *f = &dbg->f[i];

		printf("  %s\n", titles[i]);
		if (f->error) {
			printf("    not readable: %s\n", f->error);
			continue;
		}
		if (!f->nr_rows)
			printf("    none\n");
		else if (i == DBG_BLOB_SIZES)
			print_blob_sizes(f);
		else if (i == DBG_CODECS)
			print_codecs(f);
		else
			print_shards(f);
		if (f->ignored)
			printf("    (%zu unrecognised line%s ignored)\n", f->ignored,
			       f->ignored == 1 ? "" : "s");
	}
}

static void print_cgroup_table(const struct options *o,
			       const struct cgroup_info *cg)
{
	char b[32];
	size_t i;

	printf("\nPer cgroup (\"mtetag\" line of memory.stat under %s)\n",
	       o->cgroup);
	if (!cg->have_root) {
		printf("  not available: %s not found (no cgroup v2 hierarchy)\n",
		       o->cgroup);
	} else if (!cg->nr_stat_files) {
		printf("  not available: no memory.stat under %s (memory controller not enabled)\n",
		       o->cgroup);
	} else if (!cg->nr_with_line) {
		printf("  not available: this kernel has no \"mtetag\" line in memory.stat\n");
	} else if (!cg->nr) {
		printf("  no cgroup holds mtetag bytes\n");
	} else {
		printf("  %14s %10s  %s\n", "BYTES", "", "CGROUP");
		for (i = 0; i < cg->nr; i++)
			printf("  %14llu %10s  %s\n", cg->list[i].bytes,
			       human(cg->list[i].bytes, b, sizeof(b)),
			       cg->list[i].path);
	}
}

static void print_table(const struct options *o, const struct snapshot *s,
			const struct debug_info *dbg,
			const struct cgroup_info *cg)
{
	const unsigned long long *v = s->st.v;
	char b[2][32];
	struct derived d;
	size_t i;

	derive(&s->st, o->page_size, &d);
	printf("mtetag statistics from %s\n", o->sysfs);
	printf("codec: %s (available:", s->codec);
	for (i = 0; i < s->nr_codecs; i++)
		printf(" %s", s->codecs[i]);
	printf(")\n");
	if (s->have_delay && s->compress_delay_ms)
		printf("compression: deferred, %llu ms after swap-out\n",
		       s->compress_delay_ms);
	else if (s->have_delay)
		printf("compression: at swap-out\n");

	printf("\nTags held now\n");
	printf("  %-18s %14llu\n", "stored pages", v[ST_STORED_PAGES]);
	printf("  %-18s %14llu  %s of stored pages\n", "inline pages",
	       v[ST_INLINE_PAGES], fmt_fig(d.have_pages, d.inline_pct, 1, "%", b[0], 32));
	printf("  %-18s %14llu  %s of stored pages\n", "zero pages",
	       v[ST_ZERO_PAGES], fmt_fig(d.have_pages, d.zero_pct, 1, "%", b[0], 32));
	printf("  %-18s %14llu  %s payload\n", "stored bytes",
	       v[ST_STORED_BYTES], human(v[ST_STORED_BYTES], b[0], 32));
	printf("  %-18s %14llu  %s with overhead\n", "total bytes",
	       v[ST_TOTAL_BYTES], human(v[ST_TOTAL_BYTES], b[0], 32));
	printf("  %-18s %14s  total bytes / stored pages\n", "bytes per page",
	       fmt_fig(d.have_pages, d.bytes_per_page, 2, "", b[0], 32));
	printf("  %-18s %14s  against %lu B/page uncompressed (%s)\n",
	       "compression ratio", fmt_fig(d.have_ratio, d.ratio, 2, "x", b[0], 32),
	       o->page_size / UPSTREAM_DIVISOR, human(d.upstream_bytes, b[1], 32));

	printf("\nEvents since boot\n");
	for (i = ST_SAVES; i <= ST_INVALIDATES; i++)
		printf("  %-18s %14llu\n", stat_files[i], v[i]);
	printf("  %-18s %14llu\n", "save failures", s->save_failures);
	for (i = 0; i < s->nr_failures; i++)
		printf("    %-16s %14llu\n", s->failures[i].reason,
		       s->failures[i].count);

	print_swap_table(o, s);
	if (o->debug)
		print_debug_table(o, dbg);
	if (o->cgroups)
		print_cgroup_table(o, cg);
}

/* ---- JSON output ------------------------------------------------------- */

/* A pretty-printing JSON writer: one member per line, commas handled here. */
struct json {
	int depth;
	bool first[JSON_MAX_DEPTH];
};

static void json_quote(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Start a member (@key) or an array element (@key NULL). */
static void json_member(struct json *j, const char *key)
{
	if (!j->depth)
		return;
	printf("%s\n%*s", j->first[j->depth] ? "" : ",", 2 * j->depth, "");
	j->first[j->depth] = false;
	if (key) {
		json_quote(key);
		printf(": ");
	}
}

static void json_open(struct json *j, const char *key, char brace)
{
	json_member(j, key);
	putchar(brace);
	j->first[++j->depth] = true;
}

static void json_close(struct json *j, char brace)
{
	bool empty = j->first[j->depth--];

	if (!empty)
		printf("\n%*s", 2 * j->depth, "");
	putchar(brace);
	if (!j->depth)
		putchar('\n');
}

static void json_u64(struct json *j, const char *key, unsigned long long v)
{
	json_member(j, key);
	printf("%llu", v);
}

static void json_str(struct json *j, const char *key, const char *s)
{
	json_member(j, key);
	if (s)
		json_quote(s);
	else
		printf("null");
}

static void json_bool(struct json *j, const char *key, bool v)
{
	json_member(j, key);
	printf(v ? "true" : "false");
}

/* A derived figure, or null where it is undefined. */
static void json_fig(struct json *j, const char *key, bool valid, double v)
{
	json_member(j, key);
	if (valid)
		printf("%.4f", v);
	else
		printf("null");
}

static void json_stats(struct json *j, const struct store_stats *st,
		       unsigned long page_size)
{
	struct derived d;
	int i;

	for (i = 0; i < NR_STATS; i++)
		json_u64(j, stat_files[i], st->v[i]);
	derive(st, page_size, &d);
	json_fig(j, "bytes_per_page", d.have_pages, d.bytes_per_page);
	json_fig(j, "compression_ratio", d.have_ratio, d.ratio);
	json_fig(j, "inline_percent", d.have_pages, d.inline_pct);
	json_fig(j, "zero_percent", d.have_pages, d.zero_pct);
	json_u64(j, "uncompressed_bytes",
		 st->v[ST_STORED_PAGES] * (page_size / UPSTREAM_DIVISOR));
}

static void json_debugfs(struct json *j, const struct options *o,
			 const struct debug_info *dbg)
{
	static const char * const fields[NR_DBG_FILES][3] = {
		[DBG_BLOB_SIZES]	= { "size", "count" },
		[DBG_CODECS]		= { "name", "pages", "bytes" },
		[DBG_SHARDS]		= { "type", "shard", "entries" },
	};
	size_t ignored = 0, r;
	int i, k;

	json_open(j, "debugfs", '{');
	json_str(j, "path", o->debugfs);
	json_bool(j, "readable", !dbg->error);
	for (i = 0; i < NR_DBG_FILES; i++) {
		const struct dbg_file *f = &dbg->f[i];

		ignored += f->ignored;
		if (dbg->error || f->error) {
			json_str(j, f->file, NULL);
			continue;
		}
		json_open(j, f->file, '[');
		for (r = 0; r < f->nr_rows; r++) {
			const struct dbg_row *row = &f->rows[r];
			unsigned int nn = 0;

			json_open(j, NULL, '{');
			for (k = 0; f->format[k]; k++) {
				if (f->format[k] == 's')
					json_str(j, fields[i][k], row->name);
				else
					json_u64(j, fields[i][k], row->n[nn++]);
			}
			json_close(j, '}');
		}
		json_close(j, ']');
	}
	json_u64(j, "ignored_lines", ignored);
	json_open(j, "errors", '[');
	if (dbg->error)
		json_str(j, NULL, dbg->error);
	for (i = 0; i < NR_DBG_FILES; i++)
		if (dbg->f[i].error)
			json_str(j, NULL, dbg->f[i].error);
	json_close(j, ']');
	json_close(j, '}');
}

static void json_cgroups(struct json *j, const struct options *o,
			 const struct cgroup_info *cg)
{
	size_t i;

	json_open(j, "cgroups", '{');
	json_str(j, "path", o->cgroup);
	json_bool(j, "supported", cg->nr_with_line > 0);
	json_u64(j, "memory_stat_files", cg->nr_stat_files);
	json_open(j, "list", '[');
	for (i = 0; i < cg->nr; i++) {
		json_open(j, NULL, '{');
		json_str(j, "cgroup", cg->list[i].path);
		json_u64(j, "bytes", cg->list[i].bytes);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_close(j, '}');
}

static void print_json(const struct options *o, const struct snapshot *s,
		       const struct debug_info *dbg,
		       const struct cgroup_info *cg)
{
	struct json j = { 0 };
	size_t i;

	json_open(&j, NULL, '{');
	json_u64(&j, "schema", 1);
	json_str(&j, "sysfs", o->sysfs);
	json_u64(&j, "page_size", o->page_size);
	json_u64(&j, "uncompressed_bytes_per_page", o->page_size / UPSTREAM_DIVISOR);
	json_str(&j, "codec", s->codec);
	json_open(&j, "codecs", '[');
	for (i = 0; i < s->nr_codecs; i++)
		json_str(&j, NULL, s->codecs[i]);
	json_close(&j, ']');
	if (s->have_delay)
		json_u64(&j, "compress_delay_ms", s->compress_delay_ms);
	json_stats(&j, &s->st, o->page_size);
	json_u64(&j, "save_failures", s->save_failures);
	json_open(&j, "save_failures_by_reason", '{');
	for (i = 0; i < s->nr_failures; i++)
		json_u64(&j, s->failures[i].reason, s->failures[i].count);
	json_close(&j, '}');
	if (!s->have_swap) {
		json_str(&j, "swap", NULL);
	} else {
		json_open(&j, "swap", '[');
		for (i = 0; i < s->nr_swap; i++) {
			json_open(&j, NULL, '{');
			json_u64(&j, "type", s->swap[i].type);
			json_str(&j, "device", s->swap[i].device);
			json_stats(&j, &s->swap[i].st, o->page_size);
			json_close(&j, '}');
		}
		json_close(&j, ']');
	}
	if (o->debug)
		json_debugfs(&j, o, dbg);
	if (o->cgroups)
		json_cgroups(&j, o, cg);
	json_close(&j, '}');
}

/* ---- watch mode -------------------------------------------------------- */

static const struct {
	const char *name;
	int width;
} watch_cols[] = {
	/* gauges: values now */
	{ "stored", 9 }, { "inline", 9 }, { "zero", 9 }, { "bytes", 11 },
	{ "total", 11 }, { "B/page", 7 }, { "ratio", 6 },
	/* counters: change over the interval */
	{ "saves", 9 }, { "restores", 9 }, { "invals", 9 }, { "fails", 7 },
};

#define WATCH_NR_COLS	ARRAY_SIZE(watch_cols)
#define WATCH_NR_GAUGES	7

static void print_watch_group(const char *label, size_t from, size_t to)
{
	static const char dashes[] = "--------------------------------------------------";
	int width = -1, len = strlen(label) + 2, left;
	size_t i;

	for (i = from; i < to; i++)
		width += watch_cols[i].width + 1;
	left = (width - len) / 2;
	printf("%.*s %s %.*s", left, dashes, label, width - len - left, dashes);
}

static void print_watch_header(void)
{
	size_t i;

	print_watch_group("tags held now", 0, WATCH_NR_GAUGES);
	putchar(' ');
	print_watch_group("per interval", WATCH_NR_GAUGES, WATCH_NR_COLS);
	putchar('\n');
	for (i = 0; i < WATCH_NR_COLS; i++)
		printf("%s%*s", i ? " " : "", watch_cols[i].width, watch_cols[i].name);
	putchar('\n');
}

/* A counter that went back was reset (mtetag reloaded): count from zero. */
static unsigned long long delta(unsigned long long cur, unsigned long long prev)
{
	return cur >= prev ? cur - prev : cur;
}

static void print_watch_line(const struct options *o,
			     const struct snapshot *prev,
			     const struct snapshot *cur)
{
	const unsigned long long *v = cur->st.v, *p = prev->st.v;
	char col[WATCH_NR_COLS][32];
	struct derived d;
	size_t i;

	derive(&cur->st, o->page_size, &d);
	snprintf(col[0], 32, "%llu", v[ST_STORED_PAGES]);
	snprintf(col[1], 32, "%llu", v[ST_INLINE_PAGES]);
	snprintf(col[2], 32, "%llu", v[ST_ZERO_PAGES]);
	snprintf(col[3], 32, "%llu", v[ST_STORED_BYTES]);
	snprintf(col[4], 32, "%llu", v[ST_TOTAL_BYTES]);
	fmt_fig(d.have_pages, d.bytes_per_page, 1, "", col[5], 32);
	fmt_fig(d.have_ratio, d.ratio, 2, "", col[6], 32);
	snprintf(col[7], 32, "%llu", delta(v[ST_SAVES], p[ST_SAVES]));
	snprintf(col[8], 32, "%llu", delta(v[ST_RESTORES], p[ST_RESTORES]));
	snprintf(col[9], 32, "%llu", delta(v[ST_INVALIDATES], p[ST_INVALIDATES]));
	snprintf(col[10], 32, "%llu", delta(cur->save_failures, prev->save_failures));
	for (i = 0; i < WATCH_NR_COLS; i++)
		printf("%s%*s", i ? " " : "", watch_cols[i].width, col[i]);
	putchar('\n');
}

static void timespec_add(struct timespec *t, const struct timespec *d)
{
	t->tv_sec += d->tv_sec;
	t->tv_nsec += d->tv_nsec;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/*
 * One line per interval, vmstat-like. The header goes out before the first
 * sleep, and every line is flushed, so a pipe sees each line when it is due.
 * Deadlines are absolute so that the lines do not drift.
 */
static int watch(const struct options *o)
{
	struct snapshot prev, cur;
	struct timespec next;
	unsigned long long i;

	if (read_snapshot(o->sysfs, &prev, true)) {
		report_err();
		return EXIT_ERROR;
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (i = 0; !o->count || i < o->count; i++) {
		if (i % WATCH_HEADER_EVERY == 0)
			print_watch_header();
		fflush(stdout);
		timespec_add(&next, &o->interval);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		if (read_snapshot(o->sysfs, &cur, true)) {
			report_err();
			return EXIT_ERROR;
		}
		print_watch_line(o, &prev, &cur);
		prev = cur;
	}
	return 0;
}

/* ---- options ----------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [-j] [-d] [-g] [--root DIR] [--page-size BYTES]\n"
		"       " PROG " -i SECONDS [-c COUNT] [--root DIR] [--page-size BYTES]\n"
		"Show how mtetag stores the MTE tags of swapped-out pages.\n"
		"\n"
		"  -j, --json              print JSON instead of a table\n"
		"  -d, --debugfs           add the debugfs details (needs root)\n"
		"  -g, --cgroups           list the cgroups whose memory.stat shows mtetag bytes\n"
		"  -i, --interval SECONDS  print a line every SECONDS (fractions allowed): gauges\n"
		"                          as they are, counters as changes over the interval\n"
		"  -c, --count COUNT       with -i: stop after COUNT lines\n"
		"      --root DIR          read DIR/sys/... instead of /sys/...\n"
		"      --page-size BYTES   page size of the kernel (default: this system's)\n"
		"  -h, --help              show this help\n");
}

/* "2", "0.5", "1.25": at most nanosecond precision, more than zero. */
static int parse_interval(const char *s, struct timespec *ts)
{
	unsigned long long sec, nsec = 0;
	int digits = 0;
	const char *end;

	if (parse_u64(s, &end, &sec) || sec > INT_MAX)
		return -1;
	if (*end == '.') {
		for (end++; *end >= '0' && *end <= '9'; end++)
			if (digits++ < 9)
				nsec = nsec * 10 + (*end - '0');
		if (!digits)
			return -1;
		for (; digits < 9; digits++)
			nsec *= 10;
	}
	if (*end || (!sec && !nsec))
		return -1;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

static int set_path(char *buf, const char *root, const char *path)
{
	int n = snprintf(buf, PATH_MAX, "%s%s", root, path);

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

enum { OPT_ROOT = 256, OPT_PAGE_SIZE };

/* Return: -1 to go on, or the exit status. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option long_opts[] = {
		{ "json",	no_argument,		NULL, 'j' },
		{ "debugfs",	no_argument,		NULL, 'd' },
		{ "cgroups",	no_argument,		NULL, 'g' },
		{ "interval",	required_argument,	NULL, 'i' },
		{ "count",	required_argument,	NULL, 'c' },
		{ "root",	required_argument,	NULL, OPT_ROOT },
		{ "page-size",	required_argument,	NULL, OPT_PAGE_SIZE },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char root[PATH_MAX] = "";
	unsigned long long n;
	bool have_count = false;
	size_t len;
	int c;

	memset(o, 0, sizeof(*o));
	o->page_size = sysconf(_SC_PAGESIZE);
	for (c = getopt_long(argc, argv, "jdgi:c:h", long_opts, NULL); c != -1;
	     c = getopt_long(argc, argv, "jdgi:c:h", long_opts, NULL)) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'd':
			o->debug = true;
			break;
		case 'g':
			o->cgroups = true;
			break;
		case 'i':
			if (parse_interval(optarg, &o->interval)) {
				fprintf(stderr,
					PROG ": bad interval \"%s\": expected seconds > 0\n",
					optarg);
				goto bad;
			}
			o->watch = true;
			break;
		case 'c':
			if (parse_whole_u64(optarg, &o->count) || !o->count) {
				fprintf(stderr, PROG ": bad count \"%s\": expected a number > 0\n",
					optarg);
				goto bad;
			}
			have_count = true;
			break;
		case OPT_ROOT:
			len = strlen(optarg);
			while (len > 1 && optarg[len - 1] == '/')
				len--;
			if (len >= sizeof(root)) {
				fprintf(stderr, PROG ": --root: path too long\n");
				goto bad;
			}
			/* "/" is the real root: paths then start "//sys". */
			snprintf(root, sizeof(root), "%.*s", (int)len,
				 strcmp(optarg, "/") ? optarg : "");
			break;
		case OPT_PAGE_SIZE:
			if (parse_whole_u64(optarg, &n) || n < 4096 || n > (1 << 20) ||
			    (n & (n - 1))) {
				fprintf(stderr,
					"mtetag-stat: bad page size \"%s\": expected a power of two from 4096 to 1048576\n",
					optarg);
				goto bad;
			}
			o->page_size = n;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument \"%s\"\n", argv[optind]);
		goto bad;
	}
	if (have_count && !o->watch) {
		fprintf(stderr, PROG ": -c needs -i\n");
		goto bad;
	}
	if (o->watch && (o->json || o->debug || o->cgroups)) {
		fprintf(stderr, PROG ": -i cannot be combined with -j, -d or -g\n");
		goto bad;
	}
	if (set_path(o->sysfs, root, MTETAG_SYSFS_DIR) ||
	    set_path(o->debugfs, root, MTETAG_DEBUGFS_DIR) ||
	    set_path(o->cgroup, root, CGROUP_DIR)) {
		fprintf(stderr, PROG ": --root: path too long\n");
		goto bad;
	}
	return -1;
bad:
	usage(stderr);
	return EXIT_USAGE;
}

/* ---- main -------------------------------------------------------------- */

static int check_mtetag(const struct options *o)
{
	struct stat st;

	if (stat(o->sysfs, &st)) {
		if (errno == ENOENT || errno == ENOTDIR) {
			fprintf(stderr,
				"mtetag-stat: %s not found: this kernel has no mtetag (CONFIG_MTETAG) or it is not active\n",
				o->sysfs);
			return EXIT_USAGE;
		}
		fprintf(stderr, PROG ": %s: %s\n", o->sysfs, strerror(errno));
		return EXIT_ERROR;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": %s: not a directory\n", o->sysfs);
		return EXIT_ERROR;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct debug_info dbg = { 0 };
	struct cgroup_info cg = { 0 };
	struct options o;
	struct snapshot s;
	int ret;

	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = check_mtetag(&o);
	if (ret)
		return ret;
	if (o.watch)
		return watch(&o);

	if (read_snapshot(o.sysfs, &s, false) ||
	    (o.cgroups && read_cgroups(o.cgroup, &cg))) {
		report_err();
		ret = EXIT_ERROR;
		goto out;
	}
	if (o.debug)
		read_debugfs(o.debugfs, &dbg);
	if (o.json)
		print_json(&o, &s, &dbg, &cg);
	else
		print_table(&o, &s, &dbg, &cg);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": write error: %s\n", strerror(errno));
		ret = EXIT_ERROR;
	}
out:
	free_snapshot(&s);
	free_debugfs(&dbg);
	free_cgroups(&cg);
	return ret;
}
