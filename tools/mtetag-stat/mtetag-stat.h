/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mtetag-stat: what read.c reads from the kernel, for mtetag-stat.c to show.
 *
 * read.c knows the files and their formats and prints nothing; mtetag-stat.c
 * turns what was read into a table, JSON or watch lines and opens no file.
 * A reader that fails returns -1 and leaves "path: problem" in read_error().
 */
#ifndef _MTETAG_STAT_H
#define _MTETAG_STAT_H

#include <stdbool.h>
#include <stddef.h>

#define PROG			"mtetag-stat"
#define EXIT_ERROR		1	/* a file could not be read or parsed */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Counters found both at the top and in each swap/<type>/ directory. */
enum mtetag_stat {
	ST_STORED_PAGES,
	ST_STORED_BYTES,
	ST_TOTAL_BYTES,
	ST_INLINE_PAGES,
	ST_ZERO_PAGES,
	ST_SAVES,
	ST_RESTORES,
	ST_INVALIDATES,
	NR_STATS,
};

struct store_stats {
	unsigned long long v[NR_STATS];
};

struct save_failure {
	char *reason;			/* file name without "save_failures_" */
	unsigned long long count;
};

struct swap_type {
	unsigned int type;
	char *device;
	struct store_stats st;
};

/* One reading of /sys/kernel/mm/mtetag; watch mode reads only st and fails. */
struct snapshot {
	struct store_stats st;
	unsigned long long save_failures;
	char *codec;			/* the current codec */
	char **codecs;			/* every codec, as listed */
	size_t nr_codecs;
	bool have_delay;		/* compress_delay_ms exists */
	unsigned long long compress_delay_ms;
	struct save_failure *failures;
	size_t nr_failures;
	bool have_swap;			/* the swap/ directory exists */
	struct swap_type *swap;
	size_t nr_swap;
};

/* One line of a debugfs file: fields as described by dbg_file.format. */
struct dbg_row {
	char name[32];
	unsigned long long n[3];
};

struct dbg_file {
	const char *file;
	const char *format;		/* per field: 's' a name, 'n' a number */
	struct dbg_row *rows;
	size_t nr_rows;
	size_t ignored;			/* lines not matching format */
	char *error;			/* why the file was not read, or NULL */
};

enum { DBG_BLOB_SIZES, DBG_CODECS, DBG_SHARDS, NR_DBG_FILES };

/* debugfs may change: files are parsed leniently and may be missing. */
struct debug_info {
	char *error;			/* why the directory was not read */
	struct dbg_file f[NR_DBG_FILES];
};

struct cgroup_use {
	char *path;			/* relative to the cgroup root, "/" first */
	unsigned long long bytes;
};

struct cgroup_info {
	bool have_root;			/* the cgroup v2 root exists */
	size_t nr_stat_files;		/* memory.stat files read */
	size_t nr_with_line;		/* how many of them had a mtetag line */
	struct cgroup_use *list;	/* cgroups with a non-zero mtetag line */
	size_t nr;
};

/* The sysfs file names of enum mtetag_stat, which are also the JSON keys. */
extern const char * const stat_files[NR_STATS];

const char *read_error(void);
void *xrealloc(void *p, size_t nmemb, size_t size);
const char *parse_u64(const char *s, const char **endp,
		      unsigned long long *val);
int parse_whole_u64(const char *s, unsigned long long *val);

int read_snapshot(const char *sysfs, struct snapshot *s, bool counters_only);
void free_snapshot(struct snapshot *s);
void read_debugfs(const char *dir, struct debug_info *d);
void free_debugfs(struct debug_info *d);
int read_cgroups(const char *dir, struct cgroup_info *c);
void free_cgroups(struct cgroup_info *c);

#endif /* _MTETAG_STAT_H */
