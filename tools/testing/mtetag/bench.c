// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the mtetag codecs (not a test): bytes per page of every
 * codec and of AUTO on every corpus class, beside references (the 2023
 * MTE_COMP series' schemes, host zstd with and without a trained
 * dictionary, an order-0 entropy estimate), and encode/decode time per page
 * beside a 128-byte memcpy and a malloc/free pair measured in the same run.
 *
 * Usage: bench [captured-dir [markdown-output]]
 */
#include <math.h>
#include <stdarg.h>
#include <time.h>
#include <zdict.h>

#include "codecs.c"
#include "corpus/corpus.h"

#define PAGES		2000
#define REPEATS		7
#define NR_BENCH	6

static const enum mtetag_codec bench_codecs[NR_BENCH] = {
	MTETAG_CODEC_RUNS, MTETAG_CODEC_COMPACT, MTETAG_CODEC_GOLOMB,
	MTETAG_CODEC_RAW, MTETAG_CODEC_ZSTD, MTETAG_CODEC_AUTO,
};

static FILE *md;

/* Print to stdout and to the Markdown file. */
static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (md) {
		va_start(ap, fmt);
		vfprintf(md, fmt, ap);
		va_end(ap);
	}
}

static unsigned int kmalloc_class(unsigned int size)
{
	static const unsigned int sizes[] = { 8, 16, 32, 64, 96, 128, 192 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (size <= sizes[i])
			return sizes[i];
	return size;
}

static unsigned int payload_of(const struct mtetag_enc *e)
{
	return e->is_inline ? 0 : e->len;
}

static unsigned int stored_of(const struct mtetag_enc *e)
{
	if (e->is_inline)
		return 0;
	return e->codec == MTETAG_CODEC_RAW ? MTETAG_RAW_SIZE :
	       MTETAG_BLOB_HDR + e->len;
}

static unsigned int kstored_of(const struct mtetag_enc *e)
{
	return e->is_inline ? 0 : kmalloc_class(stored_of(e));
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Keep the compiler from dropping work whose result is unused. */
static inline void barrier_data(void *p)
{
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* ns per page of encode (or decode) of all pages, median of REPEATS. */
static double time_codec(enum mtetag_codec c, const u8 *pages,
			 unsigned int n, bool decode, struct mtetag_enc *encs)
{
	double t[REPEATS];
	u8 tags[MTETAG_RAW_SIZE];
	unsigned int r, p;

	for (r = 0; r < REPEATS; r++) {
		double t0 = now_ns();

		for (p = 0; p < n; p++) {
			struct mtetag_enc *e = &encs[p];

			if (!decode)
				mtetag_encode(c, pages + (size_t)p * CORPUS_PAGE, e);
			else if (e->is_inline)
				mtetag_decode_inline(e->value, tags);
			else
				mtetag_decode(e->codec, e->buf, e->len, tags);
			barrier_data(tags);
		}
		t[r] = (now_ns() - t0) / n;
	}
	return median(t, REPEATS);
}

static double time_memcpy(const u8 *pages, unsigned int n)
{
	double t[REPEATS];
	u8 dst[MTETAG_RAW_SIZE];
	unsigned int r, p;

	for (r = 0; r < REPEATS; r++) {
		double t0 = now_ns();

		for (p = 0; p < n; p++) {
			memcpy(dst, pages + (size_t)p * CORPUS_PAGE, sizeof(dst));
			barrier_data(dst);
		}
		t[r] = (now_ns() - t0) / n;
	}
	return median(t, REPEATS);
}

static double time_malloc(unsigned int n)
{
	double t[REPEATS];
	unsigned int r, p;

	for (r = 0; r < REPEATS; r++) {
		double t0 = now_ns();

		for (p = 0; p < n; p++) {
			void *x = malloc(MTETAG_RAW_SIZE);

			barrier_data(x);
			free(x);
		}
		t[r] = (now_ns() - t0) / n;
	}
	return median(t, REPEATS);
}

/* Order-0 entropy of run lengths and of tags given "!= previous tag". */
static double entropy_bytes(const u8 *pages, unsigned int n)
{
	static double len_hist[MTETAG_NR_TAGS + 1], d_hist[16], t0_hist[16];
	double bits = 0, nr_runs = 0, nr_d = 0;
	unsigned int p, pos, pass;

	memset(len_hist, 0, sizeof(len_hist));
	memset(d_hist, 0, sizeof(d_hist));
	memset(t0_hist, 0, sizeof(t0_hist));
	/* Pass 0 counts, pass 1 sums code lengths. */
	for (pass = 0; pass < 2; pass++)
		for (p = 0; p < n; p++) {
			const u8 *pg = pages + (size_t)p * CORPUS_PAGE;
			unsigned int prev = 16;

			for (pos = 0; pos < MTETAG_NR_TAGS;) {
				unsigned int tag = mtetag_get_tag(pg, pos);
				unsigned int len = mtetag_run_len(pg, pos);
				unsigned int d = (tag - prev - 1) & 15;

				if (!pass) {
					len_hist[len]++;
					nr_runs++;
					if (prev == 16) {
						t0_hist[tag]++;
					} else {
						d_hist[d]++;
						nr_d++;
					}
				} else {
					bits -= log2(len_hist[len] / nr_runs);
					bits -= prev == 16 ?
						log2(t0_hist[tag] / n) :
						log2(d_hist[d] / nr_d);
				}
				prev = tag;
				pos += len;
			}
		}
	return bits / 8 / n;
}

struct hostz {
	double plain[3], dict[3];
	bool dict_ok;
};

static const int zlevels[3] = { 1, 3, 19 };

/*
 * Host libzstd frames (magic included, no checksum): levels 1/3/19 on the
 * odd pages, plain and with a dictionary trained on the even pages.
 */
static void host_zstd(const u8 *pages, unsigned int n, struct hostz *hz)
{
	size_t *sizes = calloc(n, sizeof(*sizes));
	u8 *train = malloc((size_t)n * CORPUS_PAGE);
	u8 dict[2048], dst[512];
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	unsigned int p, nt = 0, ne = 0, l;
	size_t dsize;

	for (p = 0; p < n; p += 2) {
		memcpy(train + (size_t)nt * CORPUS_PAGE,
		       pages + (size_t)p * CORPUS_PAGE, CORPUS_PAGE);
		sizes[nt++] = CORPUS_PAGE;
	}
	dsize = ZDICT_trainFromBuffer(dict, sizeof(dict), train, sizes, nt);
	hz->dict_ok = !ZDICT_isError(dsize);
	memset(hz->plain, 0, sizeof(hz->plain));
	memset(hz->dict, 0, sizeof(hz->dict));
	for (l = 0; l < 3; l++) {
		ne = 0;
		for (p = 1; p < n; p += 2) {
			const u8 *pg = pages + (size_t)p * CORPUS_PAGE;

			ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
			ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel,
					       zlevels[l]);
			ZSTD_CCtx_setParameter(cctx, ZSTD_c_dictIDFlag, 0);
			hz->plain[l] += ZSTD_compress2(cctx, dst, sizeof(dst),
						       pg, CORPUS_PAGE);
			if (hz->dict_ok) {
				ZSTD_CCtx_loadDictionary(cctx, dict, dsize);
				hz->dict[l] += ZSTD_compress2(cctx, dst,
							      sizeof(dst), pg,
							      CORPUS_PAGE);
			}
			ne++;
		}
		hz->plain[l] /= ne ? ne : 1;
		hz->dict[l] /= ne ? ne : 1;
	}
	ZSTD_freeCCtx(cctx);
	free(train);
	free(sizes);
}

int main(int argc, char **argv)
{
	const char *captured = argc > 1 ? argv[1] : "corpus/captured";
	static struct corpus_class cls[64];
	struct mtetag_enc *encs;
	unsigned int nr_cls, c, p, i, max_nr = 0;
	double t_enc[64][NR_BENCH], t_dec[64][NR_BENCH];
	double t_memcpy, t_malloc;

	if (argc > 2)
		md = fopen(argv[2], "w");
	if (mtetag_zstd_init()) {
		fprintf(stderr, "zstd init failed\n");
		return 1;
	}
	nr_cls = corpus_load(cls, ARRAY_SIZE(cls), PAGES, 1, captured);
	/* captured classes may hold more pages than the generated ones */
	for (c = 0; c < nr_cls; c++)
		max_nr = cls[c].nr > max_nr ? cls[c].nr : max_nr;
	encs = calloc(max_nr, sizeof(*encs));
	if (!encs)
		return 1;

	out("## mtetag codecs: bytes per page\n\n");
	out("Per codec: payload / stored (2-byte header, raw 128, inline 0) / "
	    "kmalloc size class. Fallbacks to raw count as 128.\n\n");
	out("| class | pages | runs/page | ≤6 runs | auto inline | runs |");
	out(" compact | golomb | raw | zstd (kernel, lvl %d) | auto |\n",
	    MTETAG_ZSTD_LEVEL);
	out("|---|---:|---:|---:|---:|---|---|---|---|---|---|\n");
	for (c = 0; c < nr_cls; c++) {
		unsigned int n = cls[c].nr;
		double runs = 0, few = 0, inl = 0;
		struct mtetag_enc e;

		for (p = 0; p < n; p++) {
			unsigned int k = corpus_nr_runs(cls[c].pages +
							(size_t)p * CORPUS_PAGE);

			runs += k;
			few += k <= 6;
			mtetag_encode(MTETAG_CODEC_AUTO,
				      cls[c].pages + (size_t)p * CORPUS_PAGE, &e);
			inl += e.is_inline;
		}
		out("| %s | %u | %.1f | %.0f%% | %.0f%% |", cls[c].name, n,
		    runs / n, 100 * few / n, 100 * inl / n);
		for (i = 0; i < NR_BENCH; i++) {
			double pl = 0, st = 0, ks = 0;

			for (p = 0; p < n; p++) {
				mtetag_encode(bench_codecs[i],
					      cls[c].pages + (size_t)p * CORPUS_PAGE,
					      &encs[p]);
				pl += payload_of(&encs[p]);
				st += stored_of(&encs[p]);
				ks += kstored_of(&encs[p]);
			}
			out(" %.1f / %.1f / %.1f |", pl / n, st / n, ks / n);
		}
		out("\n");
	}

	out("\n## References: bytes per page\n\n");
	out("MTE_COMP 2023 v11: ≤6 runs inline (0), else 128. v7: ≤6 runs 8 "
	    "(inline, as published), ≤11 16, ≤23 32, ≤46 64, else 128. Host "
	    "zstd: whole frames (4-byte magic, content size, no checksum) on "
	    "the odd pages; +dict: a 2 KiB ZDICT_trainFromBuffer() dictionary "
	    "from the even pages. Entropy: order-0 code length of run lengths "
	    "plus tags given \"!= previous tag\", empirical over the class "
	    "(model cost not counted).\n\n");
	out("| class | auto | v11 | v7 | zstd-1 | zstd-3 | zstd-19 |");
	out(" zstd-1+dict | zstd-3+dict | zstd-19+dict | entropy |\n");
	out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (c = 0; c < nr_cls; c++) {
		unsigned int n = cls[c].nr, l;
		double v11 = 0, v7 = 0, a = 0;
		struct hostz hz;

		for (p = 0; p < n; p++) {
			const u8 *pg = cls[c].pages + (size_t)p * CORPUS_PAGE;
			unsigned int k = corpus_nr_runs(pg);
			struct mtetag_enc e;

			v11 += k <= 6 ? 0 : 128;
			v7 += k <= 6 ? 8 : k <= 11 ? 16 : k <= 23 ? 32 :
			      k <= 46 ? 64 : 128;
			mtetag_encode(MTETAG_CODEC_AUTO, pg, &e);
			a += stored_of(&e);
		}
		host_zstd(cls[c].pages, n, &hz);
		out("| %s | %.1f | %.1f | %.1f |", cls[c].name, a / n, v11 / n,
		    v7 / n);
		for (l = 0; l < 3; l++)
			out(" %.1f |", hz.plain[l]);
		for (l = 0; l < 3; l++)
			if (hz.dict_ok)
				out(" %.1f |", hz.dict[l]);
			else
				out(" n/a |");
		out(" %.1f |\n", entropy_bytes(cls[c].pages, n));
	}

	for (c = 0; c < nr_cls && c < 64; c++)
		for (i = 0; i < NR_BENCH; i++) {
			t_enc[c][i] = time_codec(bench_codecs[i], cls[c].pages,
						 cls[c].nr, false, encs);
			t_dec[c][i] = time_codec(bench_codecs[i], cls[c].pages,
						 cls[c].nr, true, encs);
		}
	t_memcpy = time_memcpy(cls[0].pages, cls[0].nr);
	t_malloc = time_malloc(PAGES);

	out("\n## Time per page (ns, median of %d runs over %u pages)\n\n",
	    REPEATS, PAGES);
	out("Encode / decode. Same run: memcpy of 128 bytes %.1f ns, "
	    "malloc(128) + free %.1f ns.\n\n", t_memcpy, t_malloc);
	out("| class |");
	for (i = 0; i < NR_BENCH; i++)
		out(" %s |", mtetag_codec_names[bench_codecs[i]]);
	out("\n|---|");
	for (i = 0; i < NR_BENCH; i++)
		out("---:|");
	out("\n");
	for (c = 0; c < nr_cls && c < 64; c++) {
		out("| %s |", cls[c].name);
		for (i = 0; i < NR_BENCH; i++)
			out(" %.0f / %.0f |", t_enc[c][i], t_dec[c][i]);
		out("\n");
	}

	free(encs);
	corpus_free(cls, nr_cls);
	mtetag_zstd_exit();
	if (md)
		fclose(md);
	return 0;
}
