// SPDX-License-Identifier: GPL-2.0
/*
 * Threads fault the same swapped-out pages at the same moment. Restore
 * runs once per page and sets PG_mte_tagged when the tags are in; another
 * CPU that maps the page meanwhile must wait for that (the PG_mte_lock
 * protocol), not see the page with tags still zero (the race discussed on
 * kvmarm when the tags became restored from set_pte_at()).
 *
 * Every iteration tags the pages afresh, swaps them out and out of the swap
 * cache, and releases all threads at once on the same pages in the same
 * order. A thread faults a page with ldg (or, every other thread, with a
 * store of the byte that is already there) and at once reads all the tags of
 * the page with ldg: any difference from the expected tags is counted, and
 * so are stale-zero granules separately. Data is checked after the threads.
 *
 * Usage: swap_race [-n PAGES] [-i ITERATIONS] [-t THREADS] [-s SEED]
 */
#include "mte_test.h"

#include <pthread.h>

/* A store the compiler must emit: it is the fault. */
#define WRITE_ONCE_U8(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELAXED)

struct race {
	pthread_barrier_t start, done;
	char *buf;
	unsigned long npages;
	uint64_t seed;
	unsigned long iters;
	bool stop;
};

struct worker {
	struct race *r;
	unsigned int id;
	unsigned long tag_errors, zero_errors;
};

/* Fault page @p in and check its tags at once. */
static void fault_and_check(struct worker *w, unsigned long p)
{
	unsigned long ps = mte_page_size(), g, n = mte_granules_per_page();
	char *page = w->r->buf + p * ps;
	uint8_t tags[n];

	mte_pattern_tags(PAT_RANDOM, w->r->seed, p, tags);
	if (w->id & 1) {
		/* a write fault: store the byte that is there, tagged as expected */
		uint8_t *d = mte_tag_ptr(page, tags[0]);

		WRITE_ONCE_U8(d, mte_pattern_byte(w->r->seed, p, 0));
	} else {
		(void)mte_get_tag(page);
	}
	for (g = 0; g < n; g++) {
		unsigned int have = mte_get_tag(page + g * MTE_GRANULE);

		if (have != tags[g]) {
			w->tag_errors++;
			if (!have)
				w->zero_errors++;
		}
	}
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct race *r = w->r;
	unsigned long p;

	/*
	 * A write through a wrongly tagged pointer must not kill the test: the
	 * ldg checks count the error instead.
	 */
	mte_enable(PR_MTE_TCF_NONE);
	for (;;) {
		pthread_barrier_wait(&r->start);
		if (r->stop)
			break;
		for (p = 0; p < r->npages; p++)
			fault_and_check(w, p);
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 32, .seed = 1, .iters = 100, .threads = 2 };
	unsigned long it, tag_errors = 0, zero_errors = 0, not_out = 0, bad = 0, data = 0;
	unsigned long t, evicted_total = 0;
	struct worker *w;
	pthread_t *tid;
	struct race r;

	mte_test_start(argc, argv, &o, 1);
	if (o.threads < 2)
		o.threads = 2;
	memset(&r, 0, sizeof(r));
	r.npages = o.npages;
	r.buf = mte_map_anon(o.npages);
	w = calloc(o.threads, sizeof(*w));
	tid = calloc(o.threads, sizeof(*tid));
	if (!r.buf || !w || !tid)
		ksft_exit_fail_msg("allocation: %s\n", strerror(errno));
	pthread_barrier_init(&r.start, NULL, o.threads + 1);
	pthread_barrier_init(&r.done, NULL, o.threads + 1);
	for (t = 0; t < o.threads; t++) {
		w[t].r = &r;
		w[t].id = t;
		if (pthread_create(&tid[t], NULL, worker_fn, &w[t]))
			ksft_exit_fail_msg("pthread_create failed\n");
	}

	for (it = 0; it < o.iters; it++) {
		struct mte_check c;
		long evicted;

		r.seed = o.seed + it;
		mte_fill(r.buf, o.npages, PAT_RANDOM, r.seed);
		if (!mte_swap_out_enough("race", r.buf, o.npages, &evicted))
			not_out++;
		evicted_total += evicted;
		pthread_barrier_wait(&r.start);
		pthread_barrier_wait(&r.done);
		mte_verify(r.buf, o.npages, PAT_RANDOM, r.seed, &c);
		bad += c.bad_pages;
		data += c.data_errors + c.tag_errors;
		if (c.bad_pages)
			mte_report("race data", o.npages, evicted, &c);
	}
	r.stop = true;
	pthread_barrier_wait(&r.start);
	for (t = 0; t < o.threads; t++) {
		pthread_join(tid[t], NULL);
		tag_errors += w[t].tag_errors;
		zero_errors += w[t].zero_errors;
	}

	ksft_print_msg("%lu iterations x %lu threads x %lu pages: %lu iterations not out\n",
		       o.iters, o.threads, o.npages, not_out);
	ksft_print_msg("race: %lu pages, %lu evicted, %lu bad pages, %lu tag and %lu data errors\n",
		       o.iters * o.npages, evicted_total, bad, tag_errors, data);
	ksft_print_msg("race: %lu tags read as zero right after the fault\n", zero_errors);
	ksft_test_result(!tag_errors && !bad && not_out * 10 <= o.iters,
			 "threads faulting the same swapped pages all see the restored tags\n");
	ksft_finished();
}
