// SPDX-License-Identifier: GPL-2.0
/*
 * Tags of swapped pages shared by fork(): the parent tags pages, swaps them
 * out and forks, so parent and child hold the same swap entries. Then, in
 * turn (the "first" process is the parent or, in the second variant, the
 * child):
 *  1. first faults the pages in (restore from the store) and checks them,
 *     then swaps its mapping out again: the slots stay, the child's or
 *     parent's page tables still name them;
 *  2. second checks its pages are out, faults them in (restore of the same
 *     slots again: restore must not consume the stored tags) and checks;
 *     then writes new tags and data everywhere (copy-on-write) and swaps out;
 *  3. first checks it still has the old tags (the copy kept them; the old
 *     folio may still be in the swap cache here), writes tags of its own
 *     and swaps out;
 *  4. second checks its new tags, first checks its own.
 *
 * Usage: swap_fork [-n PAGES] [-s SEED]
 */
#include "mte_test.h"

/* Results of the steps, in the order the parent reports them. */
enum {
	R_FIRST_RESTORE,
	R_SECOND_RESTORE,
	R_FIRST_COW,
	R_SECOND_COW,
	R_NR,
};

static const char * const step_names[R_NR] = {
	"first faults the shared swapped pages",
	"second faults the same slots afterwards",
	"first keeps its tags after second's COW writes",
	"second keeps its own tags after COW",
};

struct side {
	int rd, wr;		/* pipe ends: wait for, signal the other side */
	const char *who;
	void *buf;
	unsigned long npages;
};

static void signal_other(struct side *s)
{
	char c = 1;

	if (write(s->wr, &c, 1) != 1)
		ksft_print_msg("%s: pipe write: %s\n", s->who, strerror(errno));
}

static void wait_other(struct side *s)
{
	char c;

	if (read(s->rd, &c, 1) != 1)
		ksft_print_msg("%s: pipe read: %s\n", s->who, strerror(errno));
}

/*
 * Check that the pages are out, fault them in, check tags and data. The
 * pages are out of this process's page tables already; reclaim makes sure
 * they are out of the swap cache too, so the fault really reads the slot and
 * restores its tags. After the other side's COW, the old shared folio can
 * stay in the swap cache, unmapped, through every reclaim round (seen on
 * 6.12 under TCG about every other run): @must_leave false then accepts
 * that, since what is checked there is that the copy left our tags alone.
 */
static bool check_out_then_verify(struct side *s, const char *step,
				  uint64_t seed, bool must_leave)
{
	struct mte_check c;
	char name[128];
	long evicted;

	snprintf(name, sizeof(name), "%s: %s", s->who, step);
	if (!mte_swap_out_enough(name, s->buf, s->npages, &evicted) && must_leave)
		return false;
	mte_verify(s->buf, s->npages, PAT_RANDOM, seed, &c);
	mte_report(name, s->npages, evicted, &c);
	return !c.bad_pages;
}

static bool swap_out(struct side *s)
{
	long evicted;

	return mte_swap_out_enough(s->who, s->buf, s->npages, &evicted);
}

/*
 * The steps of one side; returns a bit mask of failed results. The other
 * side's results are its own.
 */
static unsigned int run_first(struct side *s, uint64_t seed)
{
	unsigned int fail = 0;

	if (!check_out_then_verify(s, "restore", seed, true))
		fail |= 1 << R_FIRST_RESTORE;
	if (!swap_out(s))
		fail |= 1 << R_FIRST_RESTORE;
	signal_other(s);
	wait_other(s);		/* second restored and wrote new tags */
	if (!check_out_then_verify(s, "after COW", seed, false))
		fail |= 1 << R_FIRST_COW;
	mte_fill(s->buf, s->npages, PAT_RANDOM, seed + 1000);
	if (!swap_out(s))
		fail |= 1 << R_FIRST_COW;
	signal_other(s);
	wait_other(s);		/* second checked its own */
	if (!check_out_then_verify(s, "own new tags", seed + 1000, true))
		fail |= 1 << R_FIRST_COW;
	return fail;
}

static unsigned int run_second(struct side *s, uint64_t seed)
{
	unsigned int fail = 0;

	wait_other(s);
	if (!check_out_then_verify(s, "restore", seed, true))
		fail |= 1 << R_SECOND_RESTORE;
	mte_fill(s->buf, s->npages, PAT_RANDOM, seed + 2000);
	if (!swap_out(s))
		fail |= 1 << R_SECOND_COW;
	signal_other(s);
	wait_other(s);
	if (!check_out_then_verify(s, "own new tags", seed + 2000, true))
		fail |= 1 << R_SECOND_COW;
	signal_other(s);
	return fail;
}

static void test_variant(bool child_first, const struct mte_opts *o)
{
	const char *variant = child_first ? "child first" : "parent first";
	int to_child[2], to_parent[2], status, i;
	unsigned int fail = 0, child_fail;
	struct side s = { .npages = o->npages };
	long evicted;
	pid_t pid;

	s.buf = mte_map_anon(o->npages);
	if (!s.buf || pipe(to_child) || pipe(to_parent)) {
		ksft_print_msg("%s: setup: %s\n", variant, strerror(errno));
		for (i = 0; i < R_NR; i++)
			ksft_test_result_fail("%s: %s\n", variant, step_names[i]);
		return;
	}
	mte_fill(s.buf, o->npages, PAT_RANDOM, o->seed);
	if (!mte_swap_out_enough(variant, s.buf, o->npages, &evicted)) {
		for (i = 0; i < R_NR; i++)
			ksft_test_result_fail("%s: %s: pages did not leave memory\n",
					      variant, step_names[i]);
		goto out;
	}

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		s.rd = to_child[0];
		s.wr = to_parent[1];
		s.who = child_first ? "child (first)" : "child (second)";
		child_fail = child_first ? run_first(&s, o->seed) :
					   run_second(&s, o->seed);
		fflush(stdout);
		_exit(child_fail);
	}
	s.rd = to_parent[0];
	s.wr = to_child[1];
	s.who = child_first ? "parent (second)" : "parent (first)";
	fail = child_first ? run_second(&s, o->seed) : run_first(&s, o->seed);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		ksft_print_msg("%s: child died (status %#x)\n", variant, status);
		child_fail = (1 << R_NR) - 1;
	} else {
		child_fail = WEXITSTATUS(status);
	}
	fail |= child_fail;
	for (i = 0; i < R_NR; i++)
		ksft_test_result(!(fail & (1 << i)), "%s: %s\n", variant, step_names[i]);
out:
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	munmap(s.buf, o->npages * mte_page_size());
}

int main(int argc, char **argv)
{
	struct mte_opts o = { .npages = 512, .seed = 1 };

	mte_test_start(argc, argv, &o, 2 * R_NR);
	test_variant(false, &o);
	test_variant(true, &o);
	ksft_finished();
}
