// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the mtetag codecs (mm/mtetag/codec*.c, compiled unchanged).
 * Prints one TAP line per test and "N passed, N failed" at the end; exits
 * non-zero on any failure. Built with ASan and UBSan by "make test".
 */
#include "codecs.c"
#include "corpus/corpus.h"

#define NR_POLICIES	6
static const enum mtetag_codec policies[NR_POLICIES] = {
	MTETAG_CODEC_RUNS, MTETAG_CODEC_COMPACT, MTETAG_CODEC_GOLOMB,
	MTETAG_CODEC_RAW, MTETAG_CODEC_ZSTD, MTETAG_CODEC_AUTO,
};

/* Indexes into policies[]. */
enum { P_RUNS, P_COMPACT, P_GOLOMB, P_RAW, P_ZSTD, P_AUTO };

static unsigned int nr_tests, nr_failed;
static char fail_msg[512];

/* Record the first failure of a test; the test reports it at the end. */
#define CHECK(cond, fmt, ...) ({					\
	bool __ok = (cond);						\
	if (!__ok && !fail_msg[0])					\
		snprintf(fail_msg, sizeof(fail_msg), "%s:%d: " fmt,	\
			 __FILE__, __LINE__, ##__VA_ARGS__);		\
	__ok;								\
})

static void report(const char *name)
{
	nr_tests++;
	if (fail_msg[0]) {
		nr_failed++;
		printf("not ok %u - %s\n# %s\n", nr_tests, name, fail_msg);
	} else {
		printf("ok %u - %s\n", nr_tests, name);
	}
	fflush(stdout);
	fail_msg[0] = 0;
}

/* Stored size: inline 0, raw MTETAG_RAW_SIZE, else header + payload. */
static unsigned int stored_size(const struct mtetag_enc *enc)
{
	if (enc->is_inline)
		return 0;
	if (enc->codec == MTETAG_CODEC_RAW)
		return MTETAG_RAW_SIZE;
	return MTETAG_BLOB_HDR + enc->len;
}

/*
 * Decode @enc from an exactly-sized heap copy (so ASan sees over-reads)
 * into a buffer poisoned with @poison and compare with @tags.
 */
static bool decode_poisoned(const struct mtetag_enc *enc, const u8 *tags,
			    u8 poison)
{
	u8 out[MTETAG_RAW_SIZE];
	u8 *copy;
	int ret;

	memset(out, poison, sizeof(out));
	if (enc->is_inline) {
		ret = mtetag_decode_inline(enc->value, out);
	} else {
		copy = malloc(enc->len ? enc->len : 1);
		memcpy(copy, enc->buf, enc->len);
		ret = mtetag_decode(enc->codec, copy, enc->len, out);
		free(copy);
	}
	return !ret && !memcmp(out, tags, MTETAG_RAW_SIZE);
}

/*
 * Round trip of @enc. Two complementary poisons: a byte the decoder left
 * unwritten differs from @tags under one of them. The store decodes into
 * __uninitialized stack buffers, so a decoder must write all of its output.
 */
static bool decode_matches(const struct mtetag_enc *enc, const u8 *tags)
{
	return decode_poisoned(enc, tags, 0xa5) &&
	       decode_poisoned(enc, tags, 0x5a);
}

/*
 * mtetag_inline_uniform(), restore's shortcut: when it gives tags, they
 * are @tags; and it gives them for every zero or RUNS value of one run.
 */
static bool check_uniform(const struct mtetag_enc *enc, const u8 *tags)
{
	bool one = (tags[0] >> 4) == (tags[0] & 0xf) &&
		   !memchr_inv(tags, tags[0], MTETAG_RAW_SIZE);
	const u8 *u;

	if (!enc->is_inline)
		return true;
	u = mtetag_inline_uniform(enc->value);
	if (u)
		return one && !memcmp(u, tags, MTETAG_RAW_SIZE);
	return !one || (enc->codec != MTETAG_CODEC_ZERO &&
			enc->codec != MTETAG_CODEC_RUNS);
}

/* Encode with @policy, check the result's invariants and round trip. */
static bool check_page(enum mtetag_codec policy, const u8 *tags,
		       struct mtetag_enc *enc)
{
	u8 copy[MTETAG_RAW_SIZE];
	bool zero = !memchr_inv(tags, 0, MTETAG_RAW_SIZE);

	memcpy(copy, tags, sizeof(copy));
	memset(enc, 0x5a, sizeof(*enc));
	mtetag_encode(policy, tags, enc);
	if (!CHECK(!memcmp(copy, tags, sizeof(copy)), "input changed") ||
	    !CHECK(enc->codec < MTETAG_NR_CODECS, "codec %d", enc->codec) ||
	    !CHECK(!enc->is_inline || enc->value <= MTETAG_INLINE_MAX,
		   "inline value %#lx", enc->value) ||
	    !CHECK(enc->is_inline || enc->codec == MTETAG_CODEC_RAW ||
		   enc->len <= MTETAG_BLOB_PAYLOAD_MAX, "len %u", enc->len) ||
	    !CHECK(enc->codec != MTETAG_CODEC_RAW ||
		   (!enc->is_inline && enc->len == MTETAG_RAW_SIZE),
		   "raw len %u", enc->len) ||
	    !CHECK(stored_size(enc) <= MTETAG_RAW_SIZE, "size %u",
		   stored_size(enc)) ||
	    !CHECK(!zero || policy == MTETAG_CODEC_RAW ||
		   (enc->is_inline && enc->value == MTETAG_INLINE_ZERO),
		   "zero page not elided") ||
	    !CHECK(policy == MTETAG_CODEC_AUTO || enc->codec == policy ||
		   enc->codec == MTETAG_CODEC_RAW ||
		   (zero && enc->codec == MTETAG_CODEC_ZERO),
		   "policy %d gave codec %d", policy, enc->codec) ||
	    !CHECK(!enc->is_inline ||
		   mtetag_inline_codec(enc->value) == enc->codec,
		   "inline_codec %d vs %d", mtetag_inline_codec(enc->value),
		   enc->codec) ||
	    !CHECK(decode_matches(enc, tags), "round trip, policy %d codec %d",
		   policy, enc->codec) ||
	    !CHECK(check_uniform(enc, tags), "inline_uniform(%#lx)",
		   enc->value))
		return false;
	return true;
}

static void set_runs(u8 *page, const unsigned int *start, const u8 *tag,
		     unsigned int k)
{
	unsigned int r, i;

	for (r = 0; r < k; r++) {
		unsigned int end = r + 1 < k ? start[r + 1] : MTETAG_NR_TAGS;

		for (i = start[r]; i < end; i++)
			corpus_set_tag(page, i, tag[r]);
	}
}

/* RUNS must hold the page inline, and AUTO/COMPACT round trip it. */
static bool check_few_runs(const u8 *page)
{
	struct mtetag_enc enc;
	unsigned long v;

	if (!CHECK(!mtetag_runs_encode(page, &v), "runs_encode refused") ||
	    !CHECK(v <= MTETAG_INLINE_MAX, "value %#lx", v) ||
	    !check_page(MTETAG_CODEC_RUNS, page, &enc) ||
	    !CHECK(enc.is_inline, "RUNS not inline") ||
	    !check_page(MTETAG_CODEC_AUTO, page, &enc) ||
	    !CHECK(enc.is_inline, "AUTO not inline"))
		return false;
	return true;
}

static void test_single_runs(void)
{
	u8 page[MTETAG_RAW_SIZE];
	struct mtetag_enc enc;
	unsigned int t;

	for (t = 0; t < 16; t++) {
		memset(page, t * 0x11, sizeof(page));
		if (!check_few_runs(page) ||
		    !check_page(MTETAG_CODEC_COMPACT, page, &enc) ||
		    !CHECK(!t == (enc.value == 0 && enc.is_inline), "tag %u", t))
			break;
	}
	report("every single-run page: RUNS, AUTO, COMPACT round trip");
}

static void test_two_runs(void)
{
	u8 page[MTETAG_RAW_SIZE], tag[2];
	unsigned int start[2] = { 0, 0 }, b, t0, t1, n = 0;
	struct mtetag_enc enc;

	for (b = 1; b < MTETAG_NR_TAGS; b++)
		for (t0 = 0; t0 < 16; t0++)
			for (t1 = 0; t1 < 16; t1++) {
				if (t0 == t1)
					continue;
				start[1] = b;
				tag[0] = t0;
				tag[1] = t1;
				set_runs(page, start, tag, 2);
				if (!check_few_runs(page) ||
				    !check_page(MTETAG_CODEC_COMPACT, page, &enc))
					goto out;
				n++;
			}
out:
	CHECK(n == 255 * 16 * 15, "%u pages", n);
	report("every 2-run page (255 boundaries x 240 tag pairs)");
}

/* All boundary pairs of 3 runs, with tags walking through all codes. */
static void test_three_runs(void)
{
	u8 page[MTETAG_RAW_SIZE], tag[3];
	unsigned int start[3] = { 0 }, b1, b2, n = 0;

	for (b1 = 1; b1 < MTETAG_NR_TAGS; b1++)
		for (b2 = b1 + 1; b2 < MTETAG_NR_TAGS; b2++) {
			start[1] = b1;
			start[2] = b2;
			tag[0] = n & 15;
			tag[1] = (tag[0] + 1 + (n / 16) % 15) & 15;
			tag[2] = (tag[1] + 1 + (n / 240) % 15) & 15;
			set_runs(page, start, tag, 3);
			if (!check_few_runs(page))
				goto out;
			n++;
		}
out:
	CHECK(n == 255 * 254 / 2, "%u pages", n);
	report("every 3-run boundary pair, tags varied");
}

/*
 * Every inline shape class: k = 1..6 runs at the extremes (boundaries
 * packed at either end, largest tag differences) and at random; k = 7
 * must be refused by RUNS and still round trip under AUTO.
 */
static void test_run_shapes(void)
{
	u8 page[MTETAG_RAW_SIZE], tag[7];
	unsigned int start[7], k, r, i;
	u64 seed = 42;
	struct mtetag_enc enc;
	unsigned long v;

	for (k = 1; k <= 7; k++) {
		for (i = 0; i < 4 + 3000; i++) {
			start[0] = 0;
			for (r = 1; r < k; r++)
				start[r] = i == 0 ? r : i == 1 ?
					MTETAG_NR_TAGS - k + r : 0;
			for (r = 0; r < k; r++)
				tag[r] = i & 2 ? (r ? (tag[r - 1] + 15) & 15 : 15) :
					 (r ? (tag[r - 1] + 1) & 15 : 1);
			if (i >= 2) {
				corpus_gen_runs(&seed, page, k);
			} else {
				memset(page, 0, sizeof(page));
				set_runs(page, start, tag, k);
			}
			if (!CHECK(corpus_nr_runs(page) == k, "k %u", k))
				goto out;
			if (k == 7) {
				if (!CHECK(mtetag_runs_encode(page, &v) == -E2BIG,
					   "7 runs accepted") ||
				    !check_page(MTETAG_CODEC_RUNS, page, &enc) ||
				    !CHECK(enc.codec == MTETAG_CODEC_RAW, "no RAW") ||
				    !check_page(MTETAG_CODEC_AUTO, page, &enc))
					goto out;
			} else if (!check_few_runs(page)) {
				goto out;
			}
		}
	}
out:
	report("inline shape classes: 1..6 runs inline, 7 refused");
}

/*
 * RUNS's value layout, pinned by values worked out by hand from the format
 * comment in codec-runs.c, not taken from the encoder: up to five runs
 * with their boundaries a byte each, six with the combinatorial rank; and
 * values that break a rule of the plain boundaries are refused.
 */
static void test_runs_format(void)
{
	static const struct {
		const char *name;
		unsigned int k, start[MTETAG_RUNS_MAX];
		u8 tag[MTETAG_RUNS_MAX];
		unsigned long value;
	} want[] = {
		/* n 2; code 3 + 16 * (12 + 15 * 4); 40 | 140 << 8 */
		{ "three runs", 3, { 0, 40, 140 }, { 3, 0, 5 }, 0x4614000241aUL },
		/* n 4; code 15 + 16 * (0 + 15 * (14 + 15 * (0 + 15 * 14))) */
		{ "five runs at the edges", 5, { 0, 1, 2, 254, 255 },
		  { 15, 0, 15, 0, 15 }, 0x7fff010085cb27cUL },
		/* n 5; code 1; rank 0: C(i - 1, i) = 0 */
		{ "six runs, rank 0", 6, { 0, 1, 2, 3, 4, 5 },
		  { 1, 2, 3, 4, 5, 6 }, 0xdUL },
		/* n 5; code 1; C(9, 1) + C(19, 2) + ... + C(49, 5) = 1992969 */
		{ "six runs, ranked", 6, { 0, 10, 20, 30, 40, 50 },
		  { 1, 2, 3, 4, 5, 6 }, 0xf3484800000dUL },
	};
	static const struct {
		const char *name;
		unsigned long value;
	} bad[] = {
		/* n 2, boundaries 140 then 40 */
		{ "falling boundaries", 2 | 1UL << 3 | (140UL | 40UL << 8) << 27 },
		/* n 2, boundaries 40 and 40 */
		{ "equal boundaries", 2 | 1UL << 3 | (40UL | 40UL << 8) << 27 },
		/* n 1, boundary 0: a run of no granules */
		{ "boundary 0", 1 | 1UL << 3 },
		/* n 1, boundary 40 and a stray bit above it */
		{ "bits above the last", 1 | 1UL << 3 | (40UL | 1UL << 20) << 27 },
		/* n 5, rank C(255, 5) */
		{ "rank too large", 5 | 1UL << 3 | 8637487551UL << 27 },
	};
	u8 page[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	unsigned long v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		memset(page, 0, sizeof(page));
		set_runs(page, want[i].start, want[i].tag, want[i].k);
		if (!CHECK(!mtetag_runs_encode(page, &v) && v == want[i].value,
			   "%s: encoded %#lx, want %#lx", want[i].name, v,
			   want[i].value) ||
		    !CHECK(!mtetag_runs_decode(want[i].value, out) &&
			   !memcmp(out, page, sizeof(page)),
			   "%s: decode", want[i].name))
			goto out;
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!CHECK(mtetag_runs_decode(bad[i].value, out) == -EINVAL,
			   "%s (%#lx) accepted", bad[i].name, bad[i].value))
			goto out;
out:
	report("RUNS format: known values, and invalid ones refused");
}

/* Random inline values: decode fails, or RUNS re-encodes to the value. */
/*
 * RUNS's binomial tables against Pascal's triangle: the value layout is
 * defined by exact binomials, and a wrong entry would still round-trip.
 */
static void test_runs_binomials(void)
{
	unsigned long row[MTETAG_RUNS_MAX] = { 1 };	/* C(x, 0..5) */
	unsigned int x, k;

	for (x = 0; x < MTETAG_NR_TAGS; x++) {
		for (k = 0; k < MTETAG_RUNS_MAX; k++)
			if (!CHECK(runs_binom(x, k) == row[k],
				   "C(%u, %u): %lu, not %lu", x, k,
				   runs_binom(x, k), row[k]))
				goto out;
		for (k = MTETAG_RUNS_MAX - 1; k > 0; k--)
			row[k] += row[k - 1];
	}
	CHECK(runs_binom(255, 5) == 8637487551UL, "C(255, 5)");
out:
	report("RUNS binomial tables: C(x, k) for x < 256, k <= 5");
}

static void test_inline_garbage(void)
{
	u8 page[MTETAG_RAW_SIZE];
	unsigned long v, w;
	u64 seed = 7;
	unsigned int i, ok = 0;

	for (i = 0; i < 200000; i++) {
		v = corpus_rand(&seed);
		if (i & 1)	/* mostly plausible RUNS values */
			v &= GENMASK(60, 0) >> (i % 8);
		if (i % 4 == 2)
			v = (v & GENMASK(55, 0)) | (2UL << 61) |
			    ((unsigned long)(i % 8) << 56);
		if (mtetag_decode_inline(v, page)) {
			if (!CHECK(v > MTETAG_INLINE_MAX || v != 0, "zero refused") ||
			    !CHECK(!mtetag_inline_uniform(v),
				   "%#lx: uniform, but no value", v))
				break;
			continue;
		}
		if (mtetag_inline_uniform(v) &&
		    !CHECK(!memcmp(mtetag_inline_uniform(v), page,
				   MTETAG_RAW_SIZE), "%#lx: uniform differs", v))
			break;
		ok++;
		if (!CHECK(v <= MTETAG_INLINE_MAX, "%#lx accepted", v))
			break;
		if (mtetag_inline_codec(v) == MTETAG_CODEC_RUNS &&
		    !CHECK(!mtetag_runs_encode(page, &w) && w == v,
			   "%#lx decodes to a page encoded as %#lx", v, w))
			break;
	}
	CHECK(ok > 0, "nothing decoded");
	CHECK(mtetag_decode_inline(~0UL, page) == -EINVAL, "~0 accepted");
	CHECK(mtetag_decode_inline(1UL << 61, page) == -EINVAL, "fmt 01");
	CHECK(mtetag_inline_codec(0) == MTETAG_CODEC_ZERO, "zero codec");
	CHECK(mtetag_inline_codec(1UL << 61) == MTETAG_NR_CODECS, "fmt 01");
	report("random inline values: -EINVAL or canonical");
}

static void test_names(void)
{
	static const char * const want[] = {
		"zero", "runs", "compact", "raw", "zstd", "golomb", "auto",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++)
		CHECK(mtetag_codec_names[i] && !strcmp(mtetag_codec_names[i], want[i]),
		      "name %u", i);
	CHECK(!mtetag_codec_available(MTETAG_CODEC_ZERO), "zero selectable");
	CHECK(mtetag_codec_available(MTETAG_CODEC_AUTO), "auto");
	report("codec names and availability");
}

static void test_zstd_init(void)
{
	u8 page[MTETAG_RAW_SIZE];
	struct mtetag_enc enc;
	long fail;

	memset(page, 0x12, sizeof(page));
	CHECK(!mtetag_codec_available(MTETAG_CODEC_ZSTD), "ready before init");
	check_page(MTETAG_CODEC_ZSTD, page, &enc);
	CHECK(enc.codec == MTETAG_CODEC_RAW, "ZSTD before init: codec %d",
	      enc.codec);
	CHECK(mtetag_decode(MTETAG_CODEC_ZSTD, enc.buf, 10, page) == -EINVAL,
	      "decode before init");
	if (!IS_ENABLED(CONFIG_MTETAG_ZSTD)) {
		CHECK(mtetag_zstd_init() == -EOPNOTSUPP, "compiled out");
		report("zstd compiled out: never available, falls back to raw");
		return;
	}
	/* Fail each kvmalloc() of the init in turn: no leak, not ready. */
	for (fail = 1; fail <= 2 * SEAM_NR_CPUS; fail++) {
		seam_kvmalloc_calls = 0;
		seam_kvmalloc_fail_at = fail;
		CHECK(mtetag_zstd_init() == -ENOMEM, "fail at %ld", fail);
		CHECK(seam_allocs == 0, "leak %ld at %ld", seam_allocs, fail);
		CHECK(!mtetag_codec_available(MTETAG_CODEC_ZSTD), "ready");
	}
	seam_kvmalloc_fail_at = 0;
	CHECK(!mtetag_zstd_init(), "init");
	CHECK(!mtetag_zstd_init(), "init twice");
	CHECK(mtetag_codec_available(MTETAG_CODEC_ZSTD), "not ready");
	mtetag_zstd_exit();
	CHECK(seam_allocs == 0, "leak %ld after exit", seam_allocs);
	CHECK(!mtetag_codec_available(MTETAG_CODEC_ZSTD), "ready after exit");
	CHECK(!mtetag_zstd_init(), "re-init");
	report("zstd init: allocation failures, idempotence, exit");
}

struct class_stats {
	unsigned long size[NR_POLICIES];
	unsigned long payload[NR_POLICIES];
	unsigned int n[NR_POLICIES];
};

static void test_corpus(struct corpus_class *cls, unsigned int nr_cls)
{
	unsigned int c, p, i;
	char name[200];

	for (c = 0; c < nr_cls; c++) {
		struct class_stats st = { 0 };

		for (p = 0; p < cls[c].nr; p++) {
			const u8 *page = cls[c].pages + (size_t)p * CORPUS_PAGE;
			unsigned int sz[NR_POLICIES];
			struct mtetag_enc enc;
			unsigned long v;

			for (i = 0; i < NR_POLICIES; i++) {
				if (!check_page(policies[i], page, &enc))
					goto out;
				sz[i] = stored_size(&enc);
				st.size[i] += sz[i];
				if (enc.codec == policies[i] && !enc.is_inline) {
					st.payload[i] += enc.len;
					st.n[i]++;
				}
			}
			/*
			 * AUTO (the last policy, whose result @enc holds) is
			 * no larger than RUNS, GOLOMB and RAW, and keeps
			 * COMPACT only inline.
			 */
			if (!CHECK(sz[P_AUTO] <= sz[P_RUNS] &&
				   sz[P_AUTO] <= sz[P_GOLOMB] &&
				   sz[P_AUTO] <= sz[P_RAW], "auto %u > %u/%u/%u",
				   sz[P_AUTO], sz[P_RUNS], sz[P_GOLOMB],
				   sz[P_RAW]) ||
			    !CHECK(enc.is_inline ||
				   enc.codec != MTETAG_CODEC_COMPACT,
				   "auto kept a COMPACT blob") ||
			    !CHECK(corpus_nr_runs(page) > 6 ||
				   !mtetag_runs_encode(page, &v), "runs refused"))
				goto out;
		}
out:
		snprintf(name, sizeof(name),
			 "corpus %.60s: %u pages, all policies round trip (auto %.1f B/page)",
			 cls[c].name, cls[c].nr,
			 (double)st.size[P_AUTO] / (cls[c].nr ? cls[c].nr : 1));
		/* Both heap codecs' target on small-object heaps. */
		if (!strcmp(cls[c].name, "glibc-16-144"))
			for (i = P_COMPACT; i <= P_GOLOMB; i++)
				CHECK(st.n[i] >= cls[c].nr * 9 / 10 &&
				      st.payload[i] <= 64UL * st.n[i],
				      "%s %lu B over %u pages",
				      mtetag_codec_names[policies[i]],
				      st.payload[i], st.n[i]);
		report(name);
	}
}

/*
 * mtetag_encode_quick(), the swap-out half of deferred compression: when it
 * encodes, it gives exactly what mtetag_encode() gives (the same codec,
 * value and payload); it declines only pages that the full encoder stores
 * neither as zero nor as RUNS, so no page it could take cheaply is left
 * pending. Every policy, every corpus page.
 */
static void test_encode_quick(struct corpus_class *cls, unsigned int nr_cls)
{
	unsigned long took[NR_POLICIES] = { 0 }, pages = 0;
	unsigned int c, p, i;
	char name[200];

	for (c = 0; c < nr_cls; c++) {
		for (p = 0; p < cls[c].nr; p++) {
			const u8 *page = cls[c].pages + (size_t)p * CORPUS_PAGE;

			pages++;
			for (i = 0; i < NR_POLICIES; i++) {
				struct mtetag_enc quick, full;
				bool cheap;

				memset(&quick, 0, sizeof(quick));
				mtetag_encode(policies[i], page, &full);
				if (!mtetag_encode_quick(policies[i], page, &quick)) {
					cheap = full.is_inline &&
						(full.codec == MTETAG_CODEC_ZERO ||
						 full.codec == MTETAG_CODEC_RUNS);
					if (!CHECK(!cheap, "%s: declined a %s page",
						   mtetag_codec_names[policies[i]],
						   mtetag_codec_names[full.codec]))
						goto out;
					continue;
				}
				took[i]++;
				if (!CHECK(quick.codec == full.codec &&
					   quick.is_inline == full.is_inline &&
					   quick.value == full.value &&
					   quick.len == full.len &&
					   (full.is_inline ||
					    !memcmp(quick.buf, full.buf, full.len)),
					   "%s: quick %s differs from full %s",
					   mtetag_codec_names[policies[i]],
					   mtetag_codec_names[quick.codec],
					   mtetag_codec_names[full.codec]))
					goto out;
			}
		}
	}
	/* RAW and RUNS never defer; AUTO takes some pages, not all. */
	for (i = 0; i < NR_POLICIES; i++) {
		if (policies[i] == MTETAG_CODEC_RAW || policies[i] == MTETAG_CODEC_RUNS)
			CHECK(took[i] == pages, "%s deferred a page",
			      mtetag_codec_names[policies[i]]);
		if (policies[i] == MTETAG_CODEC_AUTO)
			CHECK(took[i] > 0 && took[i] < pages, "auto took %lu of %lu",
			      took[i], pages);
	}
out:
	snprintf(name, sizeof(name),
		 "encode_quick: as mtetag_encode() or declined for compression, %lu pages",
		 pages);
	report(name);
}

/* Truncate, corrupt and invent payloads: -EINVAL or a page, no crash. */
static void test_malformed(struct corpus_class *cls, unsigned int nr_cls)
{
	static const enum mtetag_codec blob_codecs[] = {
		MTETAG_CODEC_COMPACT, MTETAG_CODEC_ZSTD, MTETAG_CODEC_GOLOMB,
	};
	u8 out[MTETAG_RAW_SIZE], *copy;
	unsigned int c, p, i, len, n = 0;
	u64 seed = 99;

	for (c = 0; c < nr_cls; c++)
		for (p = 0; p < cls[c].nr; p += 10) {
			const u8 *page = cls[c].pages + (size_t)p * CORPUS_PAGE;

			for (i = 0; i < ARRAY_SIZE(blob_codecs); i++) {
				struct mtetag_enc enc;
				int ret;

				mtetag_encode(blob_codecs[i], page, &enc);
				if (enc.is_inline || enc.codec == MTETAG_CODEC_RAW)
					continue;
				for (len = 0; len <= enc.len + 4 &&
				     len <= MTETAG_RAW_SIZE; len++) {
					copy = malloc(len ? len : 1);
					memcpy(copy, enc.buf, len);
					if (len && corpus_rand(&seed) & 1)
						copy[corpus_rand(&seed) % len] ^=
							1 << (corpus_rand(&seed) % 8);
					ret = mtetag_decode(enc.codec, copy, len, out);
					free(copy);
					n++;
					if (!CHECK(ret == 0 || ret == -EINVAL,
						   "ret %d", ret))
						goto out;
				}
			}
		}
out:
	for (i = 0; i < 100000 && !fail_msg[0]; i++) {
		len = corpus_rand(&seed) % (MTETAG_RAW_SIZE + 2);
		copy = malloc(len ? len : 1);
		for (p = 0; p < len; p++)
			copy[p] = corpus_rand(&seed) >> (i % 3 ? 0 : 60);
		p = mtetag_decode(i % 7, copy, len, out);
		free(copy);
		if (!CHECK((int)p == 0 || (int)p == -EINVAL, "ret %d", (int)p))
			break;
		n++;
	}
	CHECK(mtetag_decode(MTETAG_CODEC_RAW, out, 127, out) == -EINVAL, "raw 127");
	CHECK(mtetag_decode(MTETAG_CODEC_RUNS, out, 8, out) == -EINVAL, "runs blob");
	CHECK(mtetag_decode(MTETAG_CODEC_AUTO, out, 8, out) == -EINVAL, "auto blob");
	CHECK(seam_preempt_count == 0, "preempt count %d", seam_preempt_count);
	printf("# %u malformed decodes\n", n);
	report("malformed, truncated and random payloads");
}

/* Random pages: never more than raw (the fallback works). */
static void test_incompressible(void)
{
	u8 page[MTETAG_RAW_SIZE];
	struct mtetag_enc enc;
	u64 seed = 5;
	unsigned int i, j;

	for (i = 0; i < 2000; i++) {
		for (j = 0; j < MTETAG_RAW_SIZE; j++)
			page[j] = corpus_rand(&seed);
		for (j = 0; j < NR_POLICIES; j++)
			if (!check_page(policies[j], page, &enc) ||
			    !CHECK(stored_size(&enc) <= MTETAG_RAW_SIZE + 2,
				   "size %u", stored_size(&enc)))
				goto out;
	}
	memset(page, 0, sizeof(page));
	mtetag_encode(MTETAG_CODEC_RAW, page, &enc);
	CHECK(enc.codec == MTETAG_CODEC_RAW && enc.len == MTETAG_RAW_SIZE,
	      "RAW policy elided a zero page");
	seam_warnings = 0;
	memset(page, 0x12, sizeof(page));
	mtetag_encode(MTETAG_NR_CODECS + 1, page, &enc);
	CHECK(enc.codec == MTETAG_CODEC_RAW && seam_warnings == 1,
	      "bad policy: codec %d, %lu warnings", enc.codec, seam_warnings);
out:
	report("random pages cost at most raw; RAW and bad policies");
}

/*
 * mtetag_run_len() compares 16 granules a step: from every granule of
 * every corpus page, at every alignment of the buffer, it must agree with
 * run lengths counted granule by granule (from the end of the page).
 */
static void test_run_len(struct corpus_class *cls, unsigned int nr_cls)
{
	u8 buf[MTETAG_RAW_SIZE + 8];
	unsigned int want[MTETAG_NR_TAGS];
	unsigned int c, j, i, off;

	for (c = 0; c < nr_cls; c++) {
		for (j = 0; j < cls[c].nr; j++) {
			const u8 *p = cls[c].pages + j * MTETAG_RAW_SIZE;

			want[MTETAG_NR_TAGS - 1] = 1;
			for (i = MTETAG_NR_TAGS - 1; i--; )
				want[i] = corpus_tag(p, i) == corpus_tag(p, i + 1) ?
					  want[i + 1] + 1 : 1;
			off = j % 8;
			memcpy(buf + off, p, MTETAG_RAW_SIZE);
			for (i = 0; i < MTETAG_NR_TAGS; i++)
				if (!CHECK(mtetag_run_len(buf + off, i) == want[i],
					   "%.40s page %u granule %u: run %u, want %u",
					   cls[c].name, j, i,
					   mtetag_run_len(buf + off, i), want[i]))
					goto out;
		}
	}
out:
	report("run lengths, 16 granules a step, as counted granule by granule");
}

/* Append a run of @len granules of @tag at *@pos, clipped to the page. */
static void put_run(u8 *page, unsigned int *pos, unsigned int len,
		    unsigned int tag)
{
	for (; len && *pos < MTETAG_NR_TAGS; len--, (*pos)++)
		corpus_set_tag(page, *pos, tag);
}

struct format_vector {
	const char *name;
	unsigned int len;
	const char *payload;
};

/*
 * Each page of @pages must encode to exactly its vector of @want, and each
 * vector decode to its page. Return: false (and a CHECK failure) if not.
 */
static bool check_vectors(int (*encode)(const u8 *, u8 *, unsigned int *),
			  int (*decode)(const u8 *, unsigned int, u8 *),
			  const u8 (*pages)[MTETAG_RAW_SIZE],
			  const struct format_vector *want, unsigned int n)
{
	u8 buf[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	unsigned int k, len;
	int ret;

	for (k = 0; k < n; k++) {
		ret = encode(pages[k], buf, &len);
		if (!CHECK(!ret && len == want[k].len &&
			   !memcmp(buf, want[k].payload, len),
			   "%s: ret %d, %u bytes, want %u", want[k].name, ret,
			   len, want[k].len))
			return false;
		ret = decode((const u8 *)want[k].payload, want[k].len, out);
		if (!CHECK(!ret && !memcmp(out, pages[k], MTETAG_RAW_SIZE),
			   "%s: known payload decodes wrong (%d)", want[k].name,
			   ret))
			return false;
	}
	return true;
}

/*
 * COMPACT's format is fixed: encoder and decoder share their code, so a
 * change to both still round trips, and only known outputs catch it. The
 * vectors and the digest are the output of COMPACT as of be19138, before
 * its decoder was tuned for speed; a deliberate change of format updates
 * them together with the sizes in the documentation.
 */
static void test_compact_format(void)
{
	static const struct format_vector want[] = {
		{ "glibc-like", 44,
		  "\xa1\x8f\x90\xb9\xfa\x97\x10\xfd\x68\x4a\x1d\x8f\x87\xbb\xf8"
		  "\xa8\x87\xb7\x9a\x69\x13\xe1\x8e\x0e\x27\x08\x68\xc4\xe4\x5b"
		  "\xfc\xf8\x19\x06\x26\x7c\x24\x2b\x08\x1e\x87\x73\xac\xd0" },
		{ "three long runs", 6, "\x4f\xc8\xbe\x91\x36\xa8" },
		{ "alternating parities", 51,
		  "\x04\xf9\xfe\x30\xc4\xe7\xf2\x2c\xcd\x5a\x01\xb6\x44\xda\x66"
		  "\x43\x6b\x69\x9e\xde\x64\xf6\x4c\xcc\x8b\x63\x5e\x10\x47\x93"
		  "\xa6\x9e\x24\xa9\x13\x0a\x0b\xa8\xb9\x7d\xb9\xd7\xfd\xbb\x10"
		  "\x88\xa3\x85\x8e\x3c\x28" },
	};
	u8 page[3][MTETAG_RAW_SIZE], buf[MTETAG_RAW_SIZE];
	struct corpus_class cls[16];
	unsigned int i, j, k, len, pos, nr_cls, pages = 0;
	u64 hash = 0xcbf29ce484222325ULL;	/* FNV-1a */
	int ret;

	memset(page, 0, sizeof(page));
	for (pos = 0, i = 0; pos < MTETAG_NR_TAGS; i++) {
		put_run(page[0], &pos, 1, 0);
		put_run(page[0], &pos, i * 5 % 9 + 1, i * 7 % 15 + 1);
	}
	pos = 0;
	put_run(page[1], &pos, 40, 3);
	put_run(page[1], &pos, 100, 0);
	put_run(page[1], &pos, 116, 5);
	for (pos = 0, i = 0; pos < MTETAG_NR_TAGS; i++)
		put_run(page[2], &pos, 2 + i % 4,
			i & 1 ? 1 + 2 * (i * 3 % 8) : 2 + 2 * (i * 5 % 7));

	if (!check_vectors(mtetag_compact_encode, mtetag_compact_decode,
			   (const u8 (*)[MTETAG_RAW_SIZE])page, want,
			   ARRAY_SIZE(want)))
		goto out;

	/* Every generated corpus page (no captured ones: they may grow). */
	nr_cls = corpus_load(cls, ARRAY_SIZE(cls), 2000, 1, NULL);
	for (i = 0; i < nr_cls; i++) {
		for (j = 0; j < cls[i].nr; j++) {
			ret = mtetag_compact_encode(cls[i].pages + j * MTETAG_RAW_SIZE,
						    buf, &len);
			hash = (hash ^ (unsigned int)ret) * 0x100000001b3ULL;
			if (ret)
				continue;
			pages++;
			for (k = 0; k < len; k++)
				hash = (hash ^ buf[k]) * 0x100000001b3ULL;
			hash = (hash ^ len) * 0x100000001b3ULL;
		}
	}
	corpus_free(cls, nr_cls);
	CHECK(pages == 14000 && hash == 0x5ceaddb902aa2d76ULL,
	      "generated corpus: %u pages coded, digest %#llx", pages,
	      (unsigned long long)hash);
out:
	report("COMPACT format: known payloads and corpus digest unchanged");
}

/*
 * GOLOMB's format, pinned by payloads worked out by hand from the format
 * comment in codec-golomb.c, not taken from the encoder: a header granule,
 * an object of 3 granules and a free rest (mode "zero after non-zero",
 * plain lengths), and four equal blocks (mode "non-zero after non-zero",
 * repeated lengths). Then one change at a time to one of them that the
 * decoder must refuse.
 */
static void test_golomb_format(void)
{
	static const struct format_vector want[] = {
		{ "header, object, free rest", 4, "\x02\x01\xb0\x0c" },
		{ "four equal blocks", 6, "\x03\x22\x01\x0c\xe4\x24" },
	}, bad[] = {
		{ "mode 3", 4, "\x02\x03\xb0\x0c" },
		{ "a byte too many", 5, "\x02\x01\xb0\x0c\x00" },
		{ "a byte too few", 3, "\x02\x01\xb0" },
		{ "padding bit set", 4, "\x02\x01\xb0\x4c" },
		{ "zero run after a zero run", 4, "\x02\x01\x10\x0c" },
		{ "256 runs in 4 bytes", 4, "\xff\x01\xb0\x0c" },
		{ "tag of the run before", 6, "\x03\x22\x01\x0c\xe2\x24" },
		{ "no payload", 0, "" },
		{ "repeat before any run of the kind", 5,
		  "\x03\x22\x51\x4e\x02" },
		{ "repeated length coded in full", 8,
		  "\x03\x22\x01\x0c\x04\x18\x4c\x02" },
	};
	u8 page[2][MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	unsigned int k, pos;
	int ret;

	memset(page, 0, sizeof(page));
	pos = 0;
	put_run(page[0], &pos, 1, 0);
	put_run(page[0], &pos, 3, 5);
	for (pos = 0, k = 1; k <= 4; k++)
		put_run(page[1], &pos, 64, k);

	if (!check_vectors(mtetag_golomb_encode, mtetag_golomb_decode,
			   (const u8 (*)[MTETAG_RAW_SIZE])page, want,
			   ARRAY_SIZE(want)))
		goto out;
	for (k = 0; k < ARRAY_SIZE(bad); k++) {
		ret = mtetag_golomb_decode((const u8 *)bad[k].payload,
					   bad[k].len, out);
		if (!CHECK(ret == -EINVAL, "%s: accepted (%d)", bad[k].name, ret))
			goto out;
	}
out:
	report("GOLOMB format: known payloads, and invalid ones refused");
}

/* A GOLOMB reader a bit at a time: bit i is bit i % 8 of byte i / 8. */
struct ref_bits {
	const u8 *p;
	unsigned int len, pos;
	bool past_end;
};

static unsigned int ref_read(struct ref_bits *r, unsigned int n)
{
	unsigned int v = 0, i;

	for (i = 0; i < n; i++, r->pos++) {
		if (r->pos >= 8 * r->len) {
			r->past_end = true;
			return 0;
		}
		v |= ((r->p[r->pos / 8] >> (r->pos % 8)) & 1) << i;
	}
	return v;
}

/*
 * GOLOMB's decoder as the format comment of codec-golomb.c describes it,
 * field by field and a bit at a time, with no regard for speed: what the
 * real decoder, tuned for speed, must agree with on every payload.
 */
static int ref_golomb_decode(const u8 *p, unsigned int len, u8 *tags)
{
	struct ref_bits r = { .p = p, .len = len };
	unsigned int nr, mode, rep[2], k[2], last[2] = { 0, 0 };
	unsigned int i, g = 0, prev = GOLOMB_NO_TAG, tag, kind, run, q, c;
	bool sent;

	if (len < 2 || len > MTETAG_BLOB_PAYLOAD_MAX)
		return -EINVAL;
	nr = ref_read(&r, 8) + 1;
	mode = ref_read(&r, 2);
	rep[0] = ref_read(&r, 1);
	k[0] = ref_read(&r, 2);
	rep[1] = ref_read(&r, 1);
	k[1] = ref_read(&r, 2);
	if (mode > GOLOMB_NEXT_NONZERO)
		return -EINVAL;
	for (i = 0; i < nr; i++, prev = tag) {
		/* The first run and a run after a zero run send their tag. */
		if (prev == GOLOMB_NO_TAG || prev == 0 ||
		    mode == GOLOMB_NEXT_NONZERO)
			sent = true;
		else if (mode == GOLOMB_NEXT_ZERO)
			sent = false;
		else
			sent = !ref_read(&r, 1);
		tag = sent ? ref_read(&r, 4) : 0;
		if (sent && (tag == prev || (!tag && prev != GOLOMB_NO_TAG)))
			return -EINVAL;
		kind = !!tag;	/* 0: zero runs */
		if (i == nr - 1) {
			run = MTETAG_NR_TAGS - g;
		} else {
			for (q = 0; !ref_read(&r, 1); q++)
				if (q == 8 || r.past_end)
					return -EINVAL;
			c = (1u << (q + k[kind])) + ref_read(&r, q + k[kind]) -
			    (1u << k[kind]);
			if (!rep[kind])
				run = c + 1;
			else
				run = c ? c : last[kind];
			/* With r, a length coded in full is not the last one. */
			if (rep[kind] && c && c == last[kind])
				return -EINVAL;
			if (!run || g + run >= MTETAG_NR_TAGS)
				return -EINVAL;
			last[kind] = run;
		}
		if (r.past_end)
			return -EINVAL;
		for (; run; run--)
			corpus_set_tag(tags, g++, tag);
	}
	/* The payload ends in its last byte, with zero padding bits. */
	if ((r.pos + 7) / 8 != len)
		return -EINVAL;
	while (r.pos % 8)
		if (ref_read(&r, 1))
			return -EINVAL;
	return 0;
}

/* Compare the decoders on @p[0..@len); count what was checked. */
static bool golomb_agree(const u8 *p, unsigned int len, unsigned int *n,
			 unsigned int *accepted)
{
	u8 want[MTETAG_RAW_SIZE], got[MTETAG_RAW_SIZE];
	int rw = ref_golomb_decode(p, len, want);
	int rg = mtetag_golomb_decode(p, len, got);

	(*n)++;
	*accepted += !rw;
	return CHECK(rw == rg && (rw || !memcmp(want, got, sizeof(got))),
		     "payload %u (%u bytes): decoder %d, reference %d%s", *n,
		     len, rg, rw, rw == rg ? ", tags differ" : "");
}

/*
 * GOLOMB's decoder against the reference above: every corpus class's
 * payloads, each with every bit flipped, cut by a byte and grown by one,
 * plus random payloads with a valid mode. The known bad payloads of
 * test_golomb_format() pin a few rules; this pins all of them.
 */
static void test_golomb_reference(struct corpus_class *cls,
				  unsigned int nr_cls)
{
	u8 buf[MTETAG_RAW_SIZE + 1];
	unsigned int c, j, i, len, n = 0, accepted = 0;
	u64 seed = 7;

	for (c = 0; c < nr_cls; c++)
		for (j = 0; j < cls[c].nr; j += 8) {
			if (mtetag_golomb_encode(cls[c].pages +
						 (size_t)j * CORPUS_PAGE,
						 buf, &len))
				continue;
			if (!golomb_agree(buf, len, &n, &accepted) ||
			    !golomb_agree(buf, len - 1, &n, &accepted))
				goto out;
			buf[len] = corpus_rand(&seed) & 1 ? corpus_rand(&seed) : 0;
			if (!golomb_agree(buf, len + 1, &n, &accepted))
				goto out;
			for (i = 0; i < 8 * len; i++) {
				buf[i / 8] ^= 1 << (i % 8);
				if (!golomb_agree(buf, len, &n, &accepted))
					goto out;
				buf[i / 8] ^= 1 << (i % 8);
			}
		}
	for (i = 0; i < 200000; i++) {
		len = 2 + corpus_rand(&seed) % 40;
		for (j = 0; j < len; j++)
			buf[j] = corpus_rand(&seed);
		buf[0] &= 7;	/* a few runs: some payloads are valid */
		buf[1] = (buf[1] & ~3) | (corpus_rand(&seed) % 3);
		if (!golomb_agree(buf, len, &n, &accepted))
			goto out;
	}
out:
	printf("# %u payloads, %u of them valid\n", n, accepted);
	CHECK(accepted > n / 10, "only %u of %u payloads valid", accepted, n);
	report("GOLOMB decoder agrees with a bit-by-bit reference, malformed payloads included");
}

/*
 * AUTO's shortcut: pages of MTETAG_AUTO_RAW_RUNS runs or more and few zero
 * tags are stored RAW, other pages still get GOLOMB's chance. The shortcut
 * must never cost size on the corpus, captured pages included: glibc's
 * smallest chunks give pages of about 250 runs that both heap codecs code
 * below raw.
 */
static void test_auto_raw_runs(struct corpus_class *cls, unsigned int nr_cls)
{
	u8 page[MTETAG_RAW_SIZE];
	struct mtetag_enc enc;
	unsigned int i, j, runs, pos, tag;
	u64 seed = 1;

	/* alternating tags, 1-granule runs: COMPACT codes it below raw */
	for (j = 0; j < MTETAG_RAW_SIZE; j++)
		page[j] = 0x21;
	mtetag_encode(MTETAG_CODEC_COMPACT, page, &enc);
	if (!CHECK(enc.codec == MTETAG_CODEC_COMPACT && stored_size(&enc) < 100,
		   "alternating page: codec %d size %u", enc.codec, stored_size(&enc)))
		goto out;
	mtetag_encode(MTETAG_CODEC_AUTO, page, &enc);
	if (!CHECK(enc.codec == MTETAG_CODEC_RAW && mtetag_looks_random(page),
		   "AUTO did not take the shortcut"))
		goto out;
	/*
	 * One run fewer than the cutoff: no shortcut. (GOLOMB, four bits a
	 * non-zero tag, cannot code such a page below raw: AUTO's result
	 * is RAW either way, so the cutoff is checked directly.)
	 */
	for (j = 0; j < (MTETAG_NR_TAGS - MTETAG_AUTO_RAW_RUNS + 2) / 2; j++)
		page[j] = 0x11;
	if (!CHECK(!mtetag_looks_random(page), "shortcut at %d runs",
		   (int)MTETAG_AUTO_RAW_RUNS - 1))
		goto out;
	/*
	 * Regression, from pages captured from busybox sort: 32-byte glibc
	 * chunks, a tag-0 header granule then one granule of a random
	 * non-zero tag, 256 runs. AUTO stored them raw (128 bytes).
	 */
	for (j = 0; j < MTETAG_RAW_SIZE; j++) {
		tag = 1 + corpus_rand(&seed) % 15;
		page[j] = tag << 4;
	}
	mtetag_encode(MTETAG_CODEC_AUTO, page, &enc);
	if (!CHECK(enc.codec == MTETAG_CODEC_GOLOMB &&
		   stored_size(&enc) < MTETAG_RAW_SIZE,
		   "smallest glibc chunks: codec %d size %u", enc.codec,
		   stored_size(&enc)))
		goto out;
	/* on the corpus, every page the shortcut stores raw is incompressible */
	for (i = 0; i < nr_cls; i++) {
		unsigned int many = 0, taken = 0;

		for (j = 0; j < cls[i].nr; j++) {
			const u8 *p = cls[i].pages + j * MTETAG_RAW_SIZE;

			unsigned int zeros = 0;
			bool want;

			for (runs = 0, pos = 0; pos < MTETAG_NR_TAGS; runs++)
				pos += mtetag_run_len(p, pos);
			for (pos = 0; pos < MTETAG_NR_TAGS; pos++)
				zeros += !mtetag_get_tag(p, pos);
			many += runs >= MTETAG_AUTO_RAW_RUNS;
			/* the word-at-a-time counts agree with granule loops */
			want = runs >= MTETAG_AUTO_RAW_RUNS && zeros < MTETAG_AUTO_MIN_ZERO;
			if (!CHECK(mtetag_looks_random(p) == want,
				   "%.40s page %u: %u runs, %u zero tags, looks random %d",
				   cls[i].name, j, runs, zeros, !want))
				goto out;
			if (!want)
				continue;
			taken++;
			mtetag_encode(MTETAG_CODEC_COMPACT, p, &enc);
			if (!CHECK(stored_size(&enc) >= MTETAG_RAW_SIZE,
				   "%.40s page %u: shortcut to raw, COMPACT %u bytes",
				   cls[i].name, j, stored_size(&enc)))
				goto out;
			mtetag_encode(MTETAG_CODEC_GOLOMB, p, &enc);
			if (!CHECK(stored_size(&enc) >= MTETAG_RAW_SIZE,
				   "%.40s page %u: shortcut to raw, GOLOMB %u bytes",
				   cls[i].name, j, stored_size(&enc)))
				goto out;
		}
		printf("# %s: %u pages of %d runs or more, %u stored raw by the shortcut\n",
		       cls[i].name, many, (int)MTETAG_AUTO_RAW_RUNS, taken);
	}
out:
	report("AUTO stores random-looking pages of very many runs raw, and only those");
}

int main(int argc, char **argv)
{
	struct corpus_class cls[64];
	const char *captured = argc > 1 ? argv[1] : "corpus/captured";
	unsigned int nr_cls;

	printf("TAP version 13\n");
	test_names();
	test_zstd_init();
	test_single_runs();
	test_two_runs();
	test_three_runs();
	test_run_shapes();
	test_runs_binomials();
	test_runs_format();
	test_inline_garbage();
	test_incompressible();
	test_compact_format();
	test_golomb_format();
	nr_cls = corpus_load(cls, ARRAY_SIZE(cls), 2000, 1, captured);
	test_corpus(cls, nr_cls);
	test_run_len(cls, nr_cls);
	test_auto_raw_runs(cls, nr_cls);
	test_encode_quick(cls, nr_cls);
	test_malformed(cls, nr_cls);
	test_golomb_reference(cls, nr_cls);
	corpus_free(cls, nr_cls);
	mtetag_zstd_exit();
	CHECK(seam_allocs == 0, "%ld allocations leaked", seam_allocs);
	CHECK(seam_preempt_count == 0, "preempt count %d", seam_preempt_count);
	report("no leaks, preemption balanced");
	printf("%u passed, %u failed\n", nr_tests - nr_failed, nr_failed);
	return nr_failed ? 1 : 0;
}
