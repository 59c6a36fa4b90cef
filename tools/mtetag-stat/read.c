// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag-stat: read and parse what the kernel shows of mtetag.
 *
 * The stable sysfs files are parsed strictly (a decimal number and a newline,
 * anything else is an error naming the file); debugfs, which may change, is
 * parsed leniently; memory.stat is searched for its "mtetag" line only.
 * Nothing here prints, except when memory runs out.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mtetag-stat.h"

#define MAX_FILE_SIZE		(16UL << 20)
#define MAX_CGROUP_DEPTH	64

/* The sysfs file names, which are also the JSON keys. */
const char * const stat_files[NR_STATS] = {
	[ST_STORED_PAGES]	= "stored_pages",
	[ST_STORED_BYTES]	= "stored_bytes",
	[ST_TOTAL_BYTES]	= "total_bytes",
	[ST_INLINE_PAGES]	= "inline_pages",
	[ST_ZERO_PAGES]		= "zero_pages",
	[ST_SAVES]		= "saves",
	[ST_RESTORES]		= "restores",
	[ST_INVALIDATES]	= "invalidates",
};

#define FAILURES_PREFIX		"save_failures_"
/* Reasons listed first, in this order; any others follow by name. */
static const char * const known_reasons[] = { "nomem", "xarray", "cgroup" };

/* The last error, "path: problem", set by the readers below. */
static char err_msg[PATH_MAX + 256];

/* Keeps errno, which callers may still look at. */
static void set_err(const char *path, const char *fmt, ...)
{
	int n, err = errno;
	va_list ap;

	n = snprintf(err_msg, sizeof(err_msg), "%s: ", path);
	if (n >= 0 && (size_t)n < sizeof(err_msg)) {
		va_start(ap, fmt);
		vsnprintf(err_msg + n, sizeof(err_msg) - n, fmt, ap);
		va_end(ap);
	}
	errno = err;
}

const char *read_error(void)
{
	return err_msg;
}

void *xrealloc(void *p, size_t nmemb, size_t size)
{
	void *q = NULL;

	if (!size || nmemb <= SIZE_MAX / size)
		q = realloc(p, nmemb && size ? nmemb * size : 1);
	if (!q) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(EXIT_ERROR);
	}
	return q;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		fprintf(stderr, PROG ": out of memory\n");
		exit(EXIT_ERROR);
	}
	return p;
}

/* Make room for one more element in a growing array. */
static void *grow(void *arr, size_t nr, size_t *cap, size_t size)
{
	if (nr < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 8;
	return xrealloc(arr, *cap, size);
}

static int join(char *buf, const char *dir, const char *name)
{
	int n = snprintf(buf, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX) {
		set_err(dir, "path too long");
		return -1;
	}
	return 0;
}

/* File contents made fit for an error message: one line, printable, short. */
static const char *quote(const char *s)
{
	static char buf[48];
	size_t i;

	for (i = 0; s[i] && s[i] != '\n' && i < sizeof(buf) - 4; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (s[i] && s[i] != '\n')
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

/*
 * Read a whole file into a NUL-terminated buffer. A directory where a file
 * should be, or a file we may not read, fails here with errno's message.
 */
static int read_text(const char *path, char **out, size_t *out_len)
{
	size_t cap = 256, len = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_err(path, "%s", strerror(errno));
		return -1;
	}
	buf = xrealloc(NULL, cap, 1);
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			if (cap >= MAX_FILE_SIZE) {
				set_err(path, "larger than %lu bytes", MAX_FILE_SIZE);
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			set_err(path, "%s", strerror(errno));
			goto fail;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		set_err(path, "contains a NUL byte");
		free(buf);
		return -1;
	}
	*out = buf;
	if (out_len)
		*out_len = len;
	return 0;
fail:
	close(fd);
	free(buf);
	return -1;
}

/*
 * Parse the decimal number at @s, setting *@endp past it. strtoull() alone
 * would also take leading blanks, a sign or a wrapped-around "-1": only
 * digits are accepted. Return: NULL, or what is wrong.
 */
const char *parse_u64(const char *s, const char **endp,
		      unsigned long long *val)
{
	char *end;

	*endp = s;
	if (*s < '0' || *s > '9')
		return "not a decimal number";
	errno = 0;
	*val = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return "number out of range";
	if (errno)
		return strerror(errno);
	*endp = end;
	return NULL;
}

/* Parse a string that is one decimal number and nothing else. */
int parse_whole_u64(const char *s, unsigned long long *val)
{
	const char *end;

	if (parse_u64(s, &end, val) || *end)
		return -1;
	return 0;
}

/* Read a file holding one decimal number and a newline. */
static int read_u64(const char *path, unsigned long long *val)
{
	const char *problem, *end;
	char *buf;
	size_t len;

	if (read_text(path, &buf, &len))
		return -1;
	if (strspn(buf, " \t\n") == len) {
		set_err(path, "empty file, expected a number");
		free(buf);
		return -1;
	}
	problem = parse_u64(buf, &end, val);
	if (!problem) {
		end += strspn(end, " \t\n");
		if (*end)
			problem = "not a decimal number";
	}
	if (problem)
		set_err(path, "%s: \"%s\"", problem, quote(buf));
	free(buf);
	return problem ? -1 : 0;
}

static int read_u64_at(const char *dir, const char *name,
		       unsigned long long *val)
{
	char path[PATH_MAX];

	if (join(path, dir, name))
		return -1;
	return read_u64(path, val);
}

/* As read_u64_at(), but a missing file only clears *@present. */
static int read_optional_u64(const char *dir, const char *name,
			     unsigned long long *val, bool *present)
{
	char path[PATH_MAX];

	*present = false;
	if (join(path, dir, name))
		return -1;
	if (access(path, F_OK))
		return errno == ENOENT ? 0 : read_u64(path, val);
	*present = true;
	return read_u64(path, val);
}

static int read_stats(const char *dir, struct store_stats *st)
{
	int i;

	for (i = 0; i < NR_STATS; i++)
		if (read_u64_at(dir, stat_files[i], &st->v[i]))
			return -1;
	return 0;
}

/* ---- reading sysfs ----------------------------------------------------- */

/* "runs compact raw zstd golomb [auto]": every name, the current one in brackets. */
static int read_codec(const char *dir, struct snapshot *s)
{
	char path[PATH_MAX], *buf, *tok, *save;
	size_t cap = 0;

	if (join(path, dir, "codec") || read_text(path, &buf, NULL))
		return -1;
	for (tok = strtok_r(buf, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		size_t len = strlen(tok);

		if (tok[0] == '[' && len > 2 && tok[len - 1] == ']') {
			tok[len - 1] = '\0';
			tok++;
			if (s->codec) {
				set_err(path, "more than one codec in brackets");
				goto fail;
			}
			s->codec = xstrdup(tok);
		} else if (strpbrk(tok, "[]")) {
			set_err(path, "malformed codec name \"%s\"", quote(tok));
			goto fail;
		}
		s->codecs = grow(s->codecs, s->nr_codecs, &cap, sizeof(char *));
		s->codecs[s->nr_codecs++] = xstrdup(tok);
	}
	if (!s->nr_codecs) {
		set_err(path, "empty file, expected codec names");
	} else if (!s->codec) {
		set_err(path, "no current codec (none in brackets)");
	} else {
		free(buf);
		return 0;
	}
fail:
	free(buf);
	return -1;
}

static int failure_rank(const char *reason)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known_reasons); i++)
		if (!strcmp(reason, known_reasons[i]))
			return i;
	return i;
}

static int cmp_failures(const void *a, const void *b)
{
	const struct save_failure *x = a, *y = b;
	int rx = failure_rank(x->reason), ry = failure_rank(y->reason);

	if (rx != ry)
		return rx - ry;
	return strcmp(x->reason, y->reason);
}

/* Every save_failures_<reason> file, whatever the reasons this kernel has. */
static int read_failures(const char *dir, struct snapshot *s)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		set_err(dir, "%s", strerror(errno));
		return -1;
	}
	for (de = readdir(d); de; de = readdir(d)) {
		struct save_failure *f;

		if (strncmp(de->d_name, FAILURES_PREFIX, strlen(FAILURES_PREFIX)) ||
		    !de->d_name[strlen(FAILURES_PREFIX)])
			continue;
		s->failures = grow(s->failures, s->nr_failures, &cap,
				   sizeof(*s->failures));
		f = &s->failures[s->nr_failures];
		if (read_u64_at(dir, de->d_name, &f->count)) {
			closedir(d);
			return -1;
		}
		f->reason = xstrdup(de->d_name + strlen(FAILURES_PREFIX));
		s->nr_failures++;
	}
	closedir(d);
	qsort(s->failures, s->nr_failures, sizeof(*s->failures), cmp_failures);
	return 0;
}

static int read_device(const char *dir, char **device)
{
	char path[PATH_MAX], *buf;
	size_t len;

	if (join(path, dir, "device") || read_text(path, &buf, &len))
		return -1;
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (!len) {
		set_err(path, "empty file, expected a device path");
		free(buf);
		return -1;
	}
	*device = buf;
	return 0;
}

static int cmp_swap(const void *a, const void *b)
{
	const struct swap_type *x = a, *y = b;

	return (x->type > y->type) - (x->type < y->type);
}

/* swap/<type>/ for each active swap type; names that are not numbers are not ours. */
static int read_swap(const char *sysfs, struct snapshot *s)
{
	char dir[PATH_MAX], sub[PATH_MAX];
	size_t cap = 0;
	struct dirent *de;
	DIR *d;

	if (join(dir, sysfs, "swap"))
		return -1;
	d = opendir(dir);
	if (!d && errno == ENOENT)
		return 0;
	if (!d) {
		set_err(dir, "%s", strerror(errno));
		return -1;
	}
	s->have_swap = true;
	for (de = readdir(d); de; de = readdir(d)) {
		unsigned long long type;
		struct swap_type *t;

		if (parse_whole_u64(de->d_name, &type) || type > UINT_MAX)
			continue;
		s->swap = grow(s->swap, s->nr_swap, &cap, sizeof(*s->swap));
		t = &s->swap[s->nr_swap];
		memset(t, 0, sizeof(*t));
		t->type = type;
		if (join(sub, dir, de->d_name) || read_device(sub, &t->device))
			goto fail;
		s->nr_swap++;
		if (read_stats(sub, &t->st))
			goto fail;
	}
	closedir(d);
	qsort(s->swap, s->nr_swap, sizeof(*s->swap), cmp_swap);
	return 0;
fail:
	closedir(d);
	return -1;
}

void free_snapshot(struct snapshot *s)
{
	size_t i;

	free(s->codec);
	for (i = 0; i < s->nr_codecs; i++)
		free(s->codecs[i]);
	free(s->codecs);
	for (i = 0; i < s->nr_failures; i++)
		free(s->failures[i].reason);
	free(s->failures);
	for (i = 0; i < s->nr_swap; i++)
		free(s->swap[i].device);
	free(s->swap);
	memset(s, 0, sizeof(*s));
}

/* Read the counters; unless @counters_only, also the codec and swap types. */
int read_snapshot(const char *sysfs, struct snapshot *s, bool counters_only)
{
	memset(s, 0, sizeof(*s));
	if (read_stats(sysfs, &s->st) ||
	    read_u64_at(sysfs, "save_failures", &s->save_failures))
		return -1;
	if (counters_only)
		return 0;
	if (read_codec(sysfs, s) || read_failures(sysfs, s) ||
	    read_swap(sysfs, s))
		return -1;
	/* Since deferred compression: absent from older kernels. */
	if (read_optional_u64(sysfs, "compress_delay_ms", &s->compress_delay_ms,
			      &s->have_delay))
		return -1;
	return 0;
}

/* ---- reading debugfs --------------------------------------------------- */

/* One line into @row; false if it does not match @format. */
static bool parse_dbg_line(char *line, const char *format, struct dbg_row *row)
{
	unsigned int nn = 0;
	char *tok, *save;

	memset(row, 0, sizeof(*row));
	for (tok = strtok_r(line, " \t", &save); *format;
	     tok = strtok_r(NULL, " \t", &save), format++) {
		if (!tok)
			return false;
		if (*format == 's') {
			size_t len = strlen(tok);

			if (len >= sizeof(row->name))
				return false;
			memcpy(row->name, tok, len + 1);
		} else if (parse_whole_u64(tok, &row->n[nn++])) {
			return false;
		}
	}
	return !tok;
}

static void read_dbg_file(const char *dir, struct dbg_file *f)
{
	char path[PATH_MAX], *buf, *line, *save;
	size_t cap = 0;

	if (join(path, dir, f->file) || read_text(path, &buf, NULL)) {
		f->error = xstrdup(err_msg);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct dbg_row row;

		if (!line[strspn(line, " \t")])
			continue;
		if (!parse_dbg_line(line, f->format, &row)) {
			f->ignored++;
			continue;
		}
		f->rows = grow(f->rows, f->nr_rows, &cap, sizeof(*f->rows));
		f->rows[f->nr_rows++] = row;
	}
	free(buf);
}

/* Never fails: what could not be read is recorded and shown as such. */
void read_debugfs(const char *dir, struct debug_info *d)
{
	static const struct { const char *file, *format; } files[] = {
		[DBG_BLOB_SIZES]	= { "blob_sizes", "nn" },
		[DBG_CODECS]		= { "codecs", "snn" },
		[DBG_SHARDS]		= { "shards", "nnn" },
	};
	DIR *dirp;
	int i;

	memset(d, 0, sizeof(*d));
	for (i = 0; i < NR_DBG_FILES; i++) {
		d->f[i].file = files[i].file;
		d->f[i].format = files[i].format;
	}
	dirp = opendir(dir);
	if (!dirp) {
		set_err(dir, "%s", strerror(errno));
		d->error = xstrdup(err_msg);
		return;
	}
	closedir(dirp);
	for (i = 0; i < NR_DBG_FILES; i++)
		read_dbg_file(dir, &d->f[i]);
}

void free_debugfs(struct debug_info *d)
{
	int i;

	free(d->error);
	for (i = 0; i < NR_DBG_FILES; i++) {
		free(d->f[i].rows);
		free(d->f[i].error);
	}
}

/* ---- reading cgroups --------------------------------------------------- */

/* Find the "mtetag <bytes>" line of one memory.stat, if it has one. */
static int read_memory_stat(const char *path, size_t root_len,
			    struct cgroup_info *c, size_t *cap)
{
	char file[PATH_MAX], *buf, *line, *save;
	unsigned long long bytes;

	if (join(file, path, "memory.stat"))
		return -1;
	if (read_text(file, &buf, NULL))
		/* No memory controller here, or the cgroup just went away. */
		return errno == ENOENT || errno == ENODEV ? 0 : -1;
	c->nr_stat_files++;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "mtetag ", 7))
			continue;
		if (parse_whole_u64(line + 7, &bytes)) {
			set_err(file, "malformed line \"%s\"", quote(line));
			free(buf);
			return -1;
		}
		c->nr_with_line++;
		if (bytes) {
			c->list = grow(c->list, c->nr, cap, sizeof(*c->list));
			c->list[c->nr].path = xstrdup(path[root_len] ? path + root_len : "/");
			c->list[c->nr++].bytes = bytes;
		}
		break;
	}
	free(buf);
	return 0;
}

static bool is_dir_at(DIR *d, struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return !fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISDIR(st.st_mode);
}

static int walk_cgroups(const char *path, size_t root_len, unsigned int depth,
			struct cgroup_info *c, size_t *cap)
{
	char sub[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (read_memory_stat(path, root_len, c, cap))
		return -1;
	if (depth >= MAX_CGROUP_DEPTH)
		return 0;
	d = opendir(path);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		set_err(path, "%s", strerror(errno));
		return -1;
	}
	for (de = readdir(d); de && !ret; de = readdir(d)) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !is_dir_at(d, de))
			continue;
		ret = join(sub, path, de->d_name);
		if (!ret)
			ret = walk_cgroups(sub, root_len, depth + 1, c, cap);
	}
	closedir(d);
	return ret;
}

static int cmp_cgroups(const void *a, const void *b)
{
	const struct cgroup_use *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(x->path, y->path);
}

int read_cgroups(const char *dir, struct cgroup_info *c)
{
	struct stat st;
	size_t cap = 0;

	memset(c, 0, sizeof(*c));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return 0;
	c->have_root = true;
	if (walk_cgroups(dir, strlen(dir), 0, c, &cap))
		return -1;
	qsort(c->list, c->nr, sizeof(*c->list), cmp_cgroups);
	return 0;
}

void free_cgroups(struct cgroup_info *c)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		free(c->list[i].path);
	free(c->list);
}
