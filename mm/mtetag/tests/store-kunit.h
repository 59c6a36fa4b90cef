/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit tests of the mtetag store, included at the bottom of store.c so
 * that they can use its internal functions.
 *
 * They run on a private swap type (MTETAG_TEST_TYPE) whose counters do not
 * add to the global ones, so real swap is not disturbed. Tests that need
 * tag hardware (to write and read the tags of real pages) skip without it.
 */

#ifndef _MTETAG_STORE_KUNIT_H
#define _MTETAG_STORE_KUNIT_H

#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/random.h>

#define MTETAG_TEST_TYPE	(MAX_SWAPFILES - 1)
#define MTETAG_TEST_SHARDS	3
#define MTETAG_TEST_PAGES	(MTETAG_TEST_SHARDS * SWAP_ADDRESS_SPACE_PAGES)

/* Tags made of @nr runs of equal length, run i tagged (i % 15) + 1. */
static void mtetag_test_runs(u8 *tags, unsigned int nr)
{
	unsigned int i, len = MTETAG_NR_TAGS / nr;

	memset(tags, 0, MTETAG_RAW_SIZE);
	for (i = 0; i < nr; i++)
		mtetag_fill_run(tags, i * len,
				i == nr - 1 ? MTETAG_NR_TAGS - i * len : len,
				(i % 15) + 1);
}

static void mtetag_test_random(u8 *tags)
{
	get_random_bytes(tags, MTETAG_RAW_SIZE);
}

/* The counters of @t, as sysfs and debugfs read them. */
static void mtetag_test_snap(struct mtetag_type *t,
			     struct mtetag_stats_snapshot *snap)
{
	WARN_ON(mtetag_stats_read(t - mtetag_types, snap));
}

static long mtetag_test_stat(struct mtetag_type *t, enum mtetag_stat_item item)
{
	struct mtetag_stats_snapshot snap;

	mtetag_test_snap(t, &snap);
	return snap.item[item];
}

/* Look an entry up and decode it; returns -ENOENT if the slot is empty. */
static int mtetag_test_load(struct mtetag_type *t, pgoff_t offset, u8 *tags,
			    struct mtetag_cost *cost)
{
	XA_STATE(xas, mtetag_tree(t, offset), offset);
	void *entry;
	int err = 0;

	xas_lock(&xas);
	entry = xas_load(&xas);
	if (!entry) {
		xas_unlock(&xas);
		return -ENOENT;
	}
	if (cost)
		mtetag_entry_cost(entry, mtetag_pending(&xas, entry), cost);
	/* Under the lock: the worker may replace a pending entry. */
	if (mtetag_entry_raw(entry))
		memcpy(tags, mtetag_raw_tags(entry), MTETAG_RAW_SIZE);
	else
		err = mtetag_decode_entry(entry, tags);
	xas_unlock(&xas);
	return err;
}

static int mtetag_test_store(struct kunit *test, pgoff_t offset,
			     const u8 *tags, enum mtetag_codec policy)
{
	struct mtetag_type *t = test->priv;
	enum mtetag_fail_reason reason;

	return mtetag_store(t, MTETAG_TEST_TYPE, offset, tags, policy, false,
			    NULL, &reason);
}

/* Store with deferred compression, as a save with a compress delay does. */
static int mtetag_test_store_deferred(struct kunit *test, pgoff_t offset,
				      const u8 *tags)
{
	struct mtetag_type *t = test->priv;
	enum mtetag_fail_reason reason;

	return mtetag_store(t, MTETAG_TEST_TYPE, offset, tags,
			    MTETAG_CODEC_AUTO, true, NULL, &reason);
}

/*
 * Store one page of each kind (zero, 3 runs, 40 runs, random tags) at
 * slots @base.., under AUTO, with compression at once or deferred.
 */
static void mtetag_test_store_four(struct kunit *test,
				   u8 in[4][MTETAG_RAW_SIZE], pgoff_t base,
				   bool deferred)
{
	unsigned int i;

	memset(in[0], 0, MTETAG_RAW_SIZE);
	mtetag_test_runs(in[1], 3);
	mtetag_test_runs(in[2], 40);
	mtetag_test_random(in[3]);
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, deferred ?
				mtetag_test_store_deferred(test, base + i, in[i]) :
				mtetag_test_store(test, base + i, in[i],
						  MTETAG_CODEC_AUTO), 0);
}

static void mtetag_test_expect_empty(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	struct mtetag_stats_snapshot snap;
	unsigned int i;

	mtetag_test_snap(t, &snap);
	for (i = 0; i < MTETAG_NR_GAUGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, snap.item[i], 0,
				    "%s", mtetag_stat_names[i]);
	for (i = 0; i < MTETAG_NR_HIST; i++)
		KUNIT_EXPECT_EQ(test, snap.hist[i], 0);
	for (i = 0; i < MTETAG_NR_CODECS; i++) {
		KUNIT_EXPECT_EQ(test, snap.codec_pages[i], 0);
		KUNIT_EXPECT_EQ(test, snap.codec_bytes[i], 0);
	}
}

static void mtetag_test_insert_lookup(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[4][MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	struct mtetag_cost cost;
	unsigned int i;

	mtetag_test_store_four(test, in, 10, false);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_PAGES), 4);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ZERO_PAGES), 1);
	KUNIT_EXPECT_GE(test, mtetag_test_stat(t, MTETAG_INLINE_PAGES), 2);

	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 10 + i, out, &cost), 0);
		KUNIT_EXPECT_MEMEQ(test, out, in[i], MTETAG_RAW_SIZE);
	}
	/* the zero page is the inline value 0; a few runs are inline too */
	mtetag_test_load(t, 10, out, &cost);
	KUNIT_EXPECT_TRUE(test, cost.is_inline);
	KUNIT_EXPECT_EQ(test, cost.codec, MTETAG_CODEC_ZERO);
	mtetag_test_load(t, 11, out, &cost);
	KUNIT_EXPECT_TRUE(test, cost.is_inline);
	KUNIT_EXPECT_EQ(test, cost.stored, 0);

	/* neighbours and other shards are empty */
	KUNIT_EXPECT_EQ(test, mtetag_test_load(t, 9, out, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, mtetag_test_load(t, 14, out, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, mtetag_test_load(t, SWAP_ADDRESS_SPACE_PAGES + 10,
					       out, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, mtetag_shard_pages(MTETAG_TEST_TYPE, 0), 4);
	KUNIT_EXPECT_EQ(test, mtetag_shard_pages(MTETAG_TEST_TYPE, 1), 0);
}

static void mtetag_test_replace(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];

	mtetag_test_random(in);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 7, in, MTETAG_CODEC_AUTO), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 1);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ALLOC_BYTES),
			MTETAG_RAW_SIZE);

	/* same slot, now zero tags: the raw blob goes, nothing is allocated */
	memset(in, 0, sizeof(in));
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 7, in, MTETAG_CODEC_AUTO), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_PAGES), 1);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_REPLACES), 1);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ZERO_PAGES), 1);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_BYTES), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ALLOC_BYTES), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 7, out, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, MTETAG_RAW_SIZE);

	/* and back to a blob: the raw mark must follow the entry */
	mtetag_test_random(in);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 7, in, MTETAG_CODEC_RAW), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_REPLACES), 2);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ZERO_PAGES), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 1);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 7, out, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, MTETAG_RAW_SIZE);
}

static void mtetag_test_erase(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];

	mtetag_test_runs(in, 100);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 5, in, MTETAG_CODEC_AUTO), 0);
	mtetag_test_random(in);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 6, in, MTETAG_CODEC_AUTO), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_PAGES), 2);

	/* the swap hook frees exactly its slot */
	__mtetag_invalidate(MTETAG_TEST_TYPE, 5);
	KUNIT_EXPECT_EQ(test, mtetag_test_load(t, 5, out, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, mtetag_test_load(t, 6, out, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, MTETAG_RAW_SIZE);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_INVALIDATES), 1);

	/* freeing an empty slot is a no-op */
	__mtetag_invalidate(MTETAG_TEST_TYPE, 5);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_INVALIDATES), 1);

	KUNIT_EXPECT_EQ(test, mtetag_erase(t, 6), MTETAG_RAW_SIZE);
	KUNIT_EXPECT_EQ(test, mtetag_erase(t, 6), -ENOENT);
	/* and so is freeing a slot of a tree that holds nothing */
	KUNIT_EXPECT_TRUE(test, xa_empty(mtetag_tree(t, 6)));
	__mtetag_invalidate(MTETAG_TEST_TYPE, 6);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_INVALIDATES), 1);
	mtetag_test_expect_empty(test);
}

/*
 * A store into an empty slot sets the marks it needs and clears none
 * (storing NULL cleared them): a slot freed while raw and pending, then
 * saved again inline, must not come back raw or pending.
 */
static void mtetag_test_reuse_marks(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	struct mtetag_cost cost;

	mtetag_test_runs(in, 40);
	KUNIT_ASSERT_EQ(test, mtetag_test_store_deferred(test, 9, in), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 9, out, &cost), 0);
	KUNIT_ASSERT_TRUE(test, cost.raw && cost.pending);
	__mtetag_invalidate(MTETAG_TEST_TYPE, 9);

	mtetag_test_runs(in, 3);
	KUNIT_ASSERT_EQ(test, mtetag_test_store_deferred(test, 9, in), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 9, out, &cost), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, MTETAG_RAW_SIZE);
	KUNIT_EXPECT_TRUE(test, cost.is_inline);
	KUNIT_EXPECT_FALSE(test, cost.raw);
	KUNIT_EXPECT_FALSE(test, cost.pending);
	KUNIT_EXPECT_FALSE(test, xa_get_mark(mtetag_tree(t, 9), 9, MTETAG_MARK_PENDING));
	KUNIT_EXPECT_FALSE(test, xa_get_mark(mtetag_tree(t, 9), 9, MTETAG_MARK_YOUNG));
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_PENDING_PAGES), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 0);
	/* and the worker finds nothing to do there */
	KUNIT_EXPECT_EQ(test, mtetag_compress_tree(t, MTETAG_TEST_TYPE, 0, true), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_COMPRESSIONS), 0);
	KUNIT_EXPECT_GE(test, mtetag_erase(t, 9), 0);
	mtetag_test_expect_empty(test);
}

static void mtetag_test_sweep_shards(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	pgoff_t offsets[16];
	unsigned int i, k, n = 0;

	offsets[n++] = 0;
	for (k = 1; k < MTETAG_TEST_SHARDS; k++) {
		offsets[n++] = k * SWAP_ADDRESS_SPACE_PAGES - 1;
		offsets[n++] = k * SWAP_ADDRESS_SPACE_PAGES;
		offsets[n++] = k * SWAP_ADDRESS_SPACE_PAGES + 1;
	}
	offsets[n++] = MTETAG_TEST_PAGES - 1;

	for (i = 0; i < n; i++) {
		if (i % 3 == 0)
			mtetag_test_random(in);
		else
			mtetag_test_runs(in, 1 + 20 * i);
		KUNIT_ASSERT_EQ(test, mtetag_test_store(test, offsets[i], in,
							MTETAG_CODEC_AUTO), 0);
		KUNIT_ASSERT_EQ(test, mtetag_test_load(t, offsets[i], out, NULL), 0);
		KUNIT_EXPECT_MEMEQ(test, out, in, MTETAG_RAW_SIZE);
	}
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_PAGES), n);
	/* 0 and k * SASP - 1 in shard 0; k * SASP and k * SASP + 1 in shard k */
	KUNIT_EXPECT_EQ(test, mtetag_shard_pages(MTETAG_TEST_TYPE, 0), 2);
	KUNIT_EXPECT_EQ(test, mtetag_shard_pages(MTETAG_TEST_TYPE, 1), 3);
	KUNIT_EXPECT_EQ(test, mtetag_shard_pages(MTETAG_TEST_TYPE, 2), 3);
	KUNIT_EXPECT_GT(test, mtetag_xa_node_bytes(MTETAG_TEST_TYPE), 0);

	mutex_lock(&mtetag_types_lock);
	KUNIT_EXPECT_EQ(test, mtetag_sweep(t), n);
	mutex_unlock(&mtetag_types_lock);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, mtetag_test_load(t, offsets[i], out, NULL),
				-ENOENT);
	mtetag_test_expect_empty(test);
	for (k = 0; k < MTETAG_TEST_SHARDS; k++)
		KUNIT_EXPECT_EQ(test, mtetag_shard_pages(MTETAG_TEST_TYPE, k), 0);
}

static void mtetag_test_raw_cost(struct kunit *test)
{
	struct mtetag_stats_snapshot snap;
	struct mtetag_type *t = test->priv;
	u8 in[MTETAG_RAW_SIZE];

	KUNIT_EXPECT_EQ(test, kmem_cache_size(mtetag_raw_cache), MTETAG_RAW_SIZE);

	/* upstream's format, byte for byte: zero pages too */
	memset(in, 0, sizeof(in));
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 1, in, MTETAG_CODEC_RAW), 0);
	mtetag_test_runs(in, 2);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 2, in, MTETAG_CODEC_RAW), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 2);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_BYTES),
			2 * MTETAG_RAW_SIZE);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ALLOC_BYTES),
			2 * MTETAG_RAW_SIZE);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ROUNDING_BYTES), 0);
	mtetag_test_snap(t, &snap);
	KUNIT_EXPECT_EQ(test, snap.hist[MTETAG_HIST_RAW], 2);
	KUNIT_EXPECT_EQ(test, mtetag_hist_bucket_bytes(MTETAG_HIST_RAW),
			MTETAG_RAW_SIZE);
}

/*
 * A raw blob's entry is its address with MTETAG_ENTRY_RAW set: the xarray
 * must take it as a plain pointer, no value entry (of any low bits) nor a
 * compressed blob may read as raw, and the entry must give the blob back.
 */
static void mtetag_test_raw_entry(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	unsigned long v;
	void *entry;

	mtetag_test_random(in);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 3, in, MTETAG_CODEC_RAW), 0);
	entry = xa_load(mtetag_tree(t, 3), 3);
	KUNIT_ASSERT_NOT_NULL(test, entry);
	KUNIT_EXPECT_FALSE(test, xa_is_value(entry));
	KUNIT_EXPECT_FALSE(test, xa_is_internal(entry));
	KUNIT_EXPECT_TRUE(test, mtetag_entry_raw(entry));
	KUNIT_EXPECT_EQ(test, mtetag_entry_codec(entry), MTETAG_CODEC_RAW);
	KUNIT_EXPECT_EQ(test, (unsigned long)mtetag_raw_tags(entry) % 8, 0);
	KUNIT_EXPECT_MEMEQ(test, mtetag_raw_tags(entry), in, MTETAG_RAW_SIZE);

	for (v = 0; v < 16; v++)
		KUNIT_EXPECT_FALSE(test, mtetag_entry_raw(xa_mk_value(v)));
	mtetag_test_runs(in, 40);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 4, in, MTETAG_CODEC_AUTO), 0);
	entry = xa_load(mtetag_tree(t, 4), 4);
	KUNIT_ASSERT_NOT_NULL(test, entry);
	KUNIT_ASSERT_FALSE(test, xa_is_value(entry));
	KUNIT_EXPECT_FALSE(test, mtetag_entry_raw(entry));
	KUNIT_EXPECT_NE(test, mtetag_entry_codec(entry), MTETAG_CODEC_RAW);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 4, out, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in, MTETAG_RAW_SIZE);
}

static void mtetag_test_rounding(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	struct mtetag_cost cost;
	unsigned int nr, i;
	long alloc, stored;

	for (nr = 7; nr <= 120; nr += 7) {
		mtetag_test_runs(in, nr);
		for (i = 0; i < nr; i += 3)
			in[i] ^= 0x50;	/* less regular */
		KUNIT_ASSERT_EQ(test, mtetag_test_store(test, nr, in,
							MTETAG_CODEC_COMPACT), 0);
		KUNIT_ASSERT_EQ(test, mtetag_test_load(t, nr, out, &cost), 0);
		KUNIT_EXPECT_MEMEQ(test, out, in, MTETAG_RAW_SIZE);
		KUNIT_EXPECT_LE(test, cost.stored, cost.alloc);
		KUNIT_EXPECT_LT(test, cost.alloc - cost.stored, MTETAG_SIZE_STEP);
		KUNIT_EXPECT_LE(test, cost.alloc, MTETAG_RAW_SIZE);
	}
	alloc = mtetag_test_stat(t, MTETAG_ALLOC_BYTES);
	stored = mtetag_test_stat(t, MTETAG_STORED_BYTES);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_ROUNDING_BYTES),
			alloc - stored);
	KUNIT_EXPECT_LT(test, alloc - stored,
			mtetag_test_stat(t, MTETAG_STORED_PAGES) * MTETAG_SIZE_STEP);
}

static void mtetag_test_policy_switch(struct kunit *test)
{
	static const enum mtetag_codec policies[] = {
		MTETAG_CODEC_RAW, MTETAG_CODEC_RUNS, MTETAG_CODEC_COMPACT,
		MTETAG_CODEC_ZSTD, MTETAG_CODEC_GOLOMB, MTETAG_CODEC_AUTO,
	};
	enum mtetag_codec old = mtetag_get_policy();
	struct mtetag_type *t = test->priv;
	u8 in[3][MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	unsigned int p, i;
	pgoff_t offset;

	mtetag_test_runs(in[0], 4);
	mtetag_test_runs(in[1], 50);
	mtetag_test_random(in[2]);

	KUNIT_EXPECT_EQ(test, mtetag_set_policy(MTETAG_CODEC_ZERO), -EINVAL);
	KUNIT_EXPECT_EQ(test, mtetag_set_policy(MTETAG_CODEC_AUTO + 1), -EINVAL);

	for (p = 0; p < ARRAY_SIZE(policies); p++) {
		if (mtetag_set_policy(policies[p]))
			continue;	/* zstd compiled out or not ready */
		for (i = 0; i < 3; i++) {
			offset = 100 * p + i;
			KUNIT_ASSERT_EQ(test, mtetag_test_store(test, offset, in[i],
								mtetag_get_policy()), 0);
		}
	}
	mtetag_set_policy(old);

	/* whatever wrote them, all entries read back */
	for (p = 0; p < ARRAY_SIZE(policies); p++) {
		for (i = 0; i < 3; i++) {
			offset = 100 * p + i;
			if (mtetag_test_load(t, offset, out, NULL) == -ENOENT)
				continue;
			KUNIT_EXPECT_MEMEQ(test, out, in[i], MTETAG_RAW_SIZE);
		}
	}
	KUNIT_EXPECT_GE(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 3);
	KUNIT_EXPECT_GE(test, mtetag_test_stat(t, MTETAG_INLINE_PAGES), 1);
}

/*
 * Blobs carry no per-object cgroup (slab's vector would cost 8 bytes a
 * blob): the charge follows the slot's swap cgroup record, which the KUnit
 * type, like the root's slots, does not have, so nothing is charged here.
 * The charges of real cgroups are checked in the guest
 * (selftests/mtetag/swap_memcg_charge).
 */
static void mtetag_test_memcg_root(struct kunit *test)
{
#ifdef CONFIG_MEMCG
	struct mtetag_type *t = test->priv;
	enum mtetag_fail_reason reason;
	u8 in[MTETAG_RAW_SIZE];
	unsigned int i;
	void *entry;

	for (i = 0; i < 3; i++) {
		if (i == 1)
			mtetag_test_runs(in, 40);	/* a compressed blob */
		else
			mtetag_test_random(in);		/* raw */
		KUNIT_ASSERT_EQ(test, mtetag_store(t, MTETAG_TEST_TYPE, 40 + i, in,
						   MTETAG_CODEC_AUTO, false,
						   NULL, &reason), 0);
		entry = xa_load(mtetag_tree(t, 40 + i), 40 + i);
		KUNIT_ASSERT_NOT_NULL(test, entry);
		KUNIT_EXPECT_FALSE(test, xa_is_value(entry));
		rcu_read_lock();
		KUNIT_EXPECT_NULL(test, mem_cgroup_from_slab_obj(entry));
		KUNIT_EXPECT_NULL(test, mtetag_slot_objcg(t, 40 + i));
		rcu_read_unlock();
	}
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_FAIL_CGROUP), 0);
	KUNIT_EXPECT_EQ(test, kmem_cache_size(mtetag_raw_cache), MTETAG_RAW_SIZE);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_GT(test, mtetag_erase(t, 40 + i), 0);
	mtetag_test_expect_empty(test);
#else
	kunit_skip(test, "no memory cgroups");
#endif
}

/* Tests on real pages need tag hardware. */
static void mtetag_test_need_tags(struct kunit *test)
{
	if (!arch_mtetag_supported())
		kunit_skip(test, "no tag hardware");
}

static void mtetag_test_tag_page(struct page *page, const u8 *tags)
{
	if (arch_mtetag_try_claim_page(page))
		arch_mtetag_write_page(page, tags);
}

static void mtetag_test_folio_rollback(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	const unsigned int order = 2, nr = 1 << order;
	u8 in[1 << 2][MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	const pgoff_t base = SWAP_ADDRESS_SPACE_PAGES - 2; /* spans 2 shards */
	struct folio *folio;
	unsigned int i, k;

	mtetag_test_need_tags(test);
	folio = folio_alloc(GFP_KERNEL, order);
	KUNIT_ASSERT_NOT_NULL(test, folio);
	for (i = 0; i < nr; i++) {
		mtetag_test_random(in[i]);	/* every page needs a blob */
		mtetag_test_tag_page(folio_page(folio, i), in[i]);
	}

	for (k = 0; k < nr; k++) {
		t->fail_save_after = k;	/* pages 0..k-1 succeed, k fails */
		KUNIT_EXPECT_EQ(test, mtetag_save_pages(t, MTETAG_TEST_TYPE, base,
							folio), -ENOMEM);
		KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_FAIL_NOMEM), k + 1);
		for (i = 0; i < nr; i++)
			KUNIT_EXPECT_EQ(test, mtetag_test_load(t, base + i, out, NULL),
					-ENOENT);
		mtetag_test_expect_empty(test);
	}
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_SAVES), 0);

	t->fail_save_after = -1;
	KUNIT_EXPECT_EQ(test, mtetag_save_pages(t, MTETAG_TEST_TYPE, base, folio), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_SAVES), nr);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_PAGES), nr);
	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_EQ(test, mtetag_test_load(t, base + i, out, NULL), 0);
		KUNIT_EXPECT_MEMEQ(test, out, in[i], MTETAG_RAW_SIZE);
	}
	folio_put(folio);
}

static void mtetag_test_skip_untagged(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	struct folio *folio;

	mtetag_test_need_tags(test);
	folio = folio_alloc(GFP_KERNEL, 0);
	KUNIT_ASSERT_NOT_NULL(test, folio);
	KUNIT_EXPECT_FALSE(test, arch_mtetag_page_tagged(folio_page(folio, 0)));
	KUNIT_EXPECT_EQ(test, mtetag_save_pages(t, MTETAG_TEST_TYPE, 3, folio), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_PAGES), 0);
	folio_put(folio);
}

/*
 * Restore writes the stored tags into every fresh page, leaves a tagged
 * page alone and keeps the entry: for an inline entry, raw pending ones of
 * random and of compressible tags (written from the blob under RCU) and a
 * compressed blob (decoded without the tree lock).
 */
static void mtetag_test_restore_idempotent(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[6][MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	struct mtetag_stats_snapshot *before, *after;
	struct mtetag_cost cost;
	struct page *src, *dst[3];
	unsigned int i, j;

	mtetag_test_need_tags(test);
	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);

	mtetag_test_runs(in[0], 5);
	mtetag_test_random(in[1]);
	mtetag_test_runs(in[2], 40);
	mtetag_test_runs(in[3], 40);
	/* entries of one tag, zero or not, restored without a decode */
	memset(in[4], 0, MTETAG_RAW_SIZE);
	memset(in[5], 0xbb, MTETAG_RAW_SIZE);
	for (j = 0; j < 2; j++) {
		src = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, src);
		mtetag_test_tag_page(src, in[j]);
		KUNIT_EXPECT_EQ(test, mtetag_save_pages(t, MTETAG_TEST_TYPE, 20 + j,
							page_folio(src)), 0);
		__free_page(src);
	}
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 22, in[2], MTETAG_CODEC_AUTO), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_store_deferred(test, 23, in[3]), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 24, in[4], MTETAG_CODEC_AUTO), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 25, in[5], MTETAG_CODEC_AUTO), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 24, out, &cost), 0);
	KUNIT_EXPECT_EQ(test, cost.codec, MTETAG_CODEC_ZERO);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 25, out, &cost), 0);
	KUNIT_EXPECT_EQ(test, cost.codec, MTETAG_CODEC_RUNS);
	KUNIT_EXPECT_TRUE(test, cost.is_inline);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 22, out, &cost), 0);
	KUNIT_EXPECT_EQ(test, cost.codec, MTETAG_CODEC_GOLOMB);
	KUNIT_EXPECT_FALSE(test, cost.is_inline);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 23, out, &cost), 0);
	KUNIT_EXPECT_TRUE(test, cost.raw && cost.pending);
	mtetag_stats_read(MTETAG_TEST_TYPE, before);

	for (j = 0; j < ARRAY_SIZE(in); j++) {
		for (i = 0; i < ARRAY_SIZE(dst); i++) {
			dst[i] = alloc_page(GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, dst[i]);
			KUNIT_EXPECT_FALSE(test, arch_mtetag_page_tagged(dst[i]));
		}
		/* two fresh pages from one entry, then one page twice */
		mtetag_restore_page(t, MTETAG_TEST_TYPE, 20 + j, dst[0]);
		mtetag_restore_page(t, MTETAG_TEST_TYPE, 20 + j, dst[1]);
		mtetag_restore_page(t, MTETAG_TEST_TYPE, 20 + j, dst[1]);
		for (i = 0; i < 2; i++) {
			KUNIT_EXPECT_TRUE(test, arch_mtetag_page_tagged(dst[i]));
			arch_mtetag_read_page(dst[i], out);
			KUNIT_EXPECT_MEMEQ(test, out, in[j], MTETAG_RAW_SIZE);
		}
		/* a slot without entry leaves the page alone */
		mtetag_restore_page(t, MTETAG_TEST_TYPE, 30 + j, dst[2]);
		KUNIT_EXPECT_FALSE(test, arch_mtetag_page_tagged(dst[2]));
		for (i = 0; i < ARRAY_SIZE(dst); i++)
			__free_page(dst[i]);
	}

	mtetag_stats_read(MTETAG_TEST_TYPE, after);
	for (i = 0; i < MTETAG_NR_GAUGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, after->item[i], before->item[i], "%s",
				    mtetag_stat_names[i]);
	KUNIT_EXPECT_EQ(test, after->item[MTETAG_RESTORES],
			before->item[MTETAG_RESTORES] + 2 * ARRAY_SIZE(in));
	KUNIT_EXPECT_EQ(test, after->item[MTETAG_RESTORES_TAGGED],
			before->item[MTETAG_RESTORES_TAGGED] + ARRAY_SIZE(in));
	KUNIT_EXPECT_EQ(test, after->item[MTETAG_DECODE_ERRORS], 0);
	for (j = 0; j < ARRAY_SIZE(in); j++) {
		KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 20 + j, out, NULL), 0);
		KUNIT_EXPECT_MEMEQ(test, out, in[j], MTETAG_RAW_SIZE);
	}
}

/*
 * Deferred compression: swap-out stores heap-like pages raw and pending,
 * zero and few-run pages inline at once; the first pass only ages the
 * pending entries, the second compresses them, and the tags never change.
 * Random tags stay raw but stop being pending.
 */
static void mtetag_test_deferred(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 in[4][MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	struct mtetag_cost cost;
	unsigned int i;

	mtetag_test_store_four(test, in, 20, true);

	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_INLINE_PAGES), 2);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 2);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_PENDING_PAGES), 2);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_BYTES),
			2 * MTETAG_RAW_SIZE);
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 20 + i, out, &cost), 0);
		KUNIT_EXPECT_MEMEQ(test, out, in[i], MTETAG_RAW_SIZE);
		KUNIT_EXPECT_EQ(test, cost.pending, i >= 2);
	}

	/* First pass: saved since the last one, so only aged. */
	KUNIT_EXPECT_EQ(test, mtetag_compress_tree(t, MTETAG_TEST_TYPE, 0, false), 2);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_PENDING_PAGES), 2);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_COMPRESSIONS), 0);

	KUNIT_EXPECT_EQ(test, mtetag_compress_tree(t, MTETAG_TEST_TYPE, 0, false), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_PENDING_PAGES), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_COMPRESSIONS), 1);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_RAW_PAGES), 1);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_PAGES), 4);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 22, out, &cost), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in[2], MTETAG_RAW_SIZE);
	KUNIT_EXPECT_EQ(test, cost.codec, MTETAG_CODEC_GOLOMB);
	KUNIT_EXPECT_LT(test, cost.stored, MTETAG_RAW_SIZE);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_STORED_BYTES),
			MTETAG_RAW_SIZE + cost.stored);
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 23, out, &cost), 0);
	KUNIT_EXPECT_MEMEQ(test, out, in[3], MTETAG_RAW_SIZE);
	KUNIT_EXPECT_TRUE(test, cost.raw);
	KUNIT_EXPECT_FALSE(test, cost.pending);

	/* A pass with everything done finds nothing; @all skips ageing. */
	KUNIT_ASSERT_EQ(test, mtetag_test_store_deferred(test, 30, in[2]), 0);
	KUNIT_EXPECT_EQ(test, mtetag_compress_tree(t, MTETAG_TEST_TYPE, 0, true), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_COMPRESSIONS), 2);

	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_GE(test, mtetag_erase(t, 20 + i), 0);
	KUNIT_EXPECT_GE(test, mtetag_erase(t, 30), 0);
	mtetag_test_expect_empty(test);
}

/*
 * The worker compresses a copy made under the tree lock and stores the
 * result only if the slot still holds that pending entry with those tags:
 * a slot freed meanwhile, or freed and saved again with other tags (maybe
 * at the same address), keeps what it holds.
 */
static void mtetag_test_deferred_race(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	u8 a[MTETAG_RAW_SIZE], b[MTETAG_RAW_SIZE], out[MTETAG_RAW_SIZE];
	struct mtetag_cost cost;
	void *old;

	mtetag_test_runs(a, 40);
	mtetag_test_runs(b, 41);

	/* Freed meanwhile: nothing stored, nothing leaked. */
	KUNIT_ASSERT_EQ(test, mtetag_test_store_deferred(test, 50, a), 0);
	old = xa_load(mtetag_tree(t, 50), 50);
	KUNIT_EXPECT_GE(test, mtetag_erase(t, 50), 0);
	KUNIT_EXPECT_TRUE(test, mtetag_compress_entry(t, MTETAG_TEST_TYPE, 50,
						      old, a));
	KUNIT_EXPECT_EQ(test, mtetag_test_load(t, 50, out, NULL), -ENOENT);
	mtetag_test_expect_empty(test);

	/* Saved again with other tags: B stays, pending. */
	KUNIT_ASSERT_EQ(test, mtetag_test_store_deferred(test, 50, a), 0);
	old = xa_load(mtetag_tree(t, 50), 50);
	KUNIT_EXPECT_GE(test, mtetag_erase(t, 50), 0);
	KUNIT_ASSERT_EQ(test, mtetag_test_store_deferred(test, 50, b), 0);
	KUNIT_EXPECT_TRUE(test, mtetag_compress_entry(t, MTETAG_TEST_TYPE, 50,
						      old, a));
	KUNIT_ASSERT_EQ(test, mtetag_test_load(t, 50, out, &cost), 0);
	KUNIT_EXPECT_MEMEQ(test, out, b, MTETAG_RAW_SIZE);
	KUNIT_EXPECT_TRUE(test, cost.pending);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_COMPRESSIONS), 0);

	/* Replaced by a save (not pending now): left alone too. */
	old = xa_load(mtetag_tree(t, 50), 50);
	KUNIT_ASSERT_EQ(test, mtetag_test_store(test, 50, b, MTETAG_CODEC_AUTO), 0);
	KUNIT_EXPECT_TRUE(test, mtetag_compress_entry(t, MTETAG_TEST_TYPE, 50,
						      old, b));
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_COMPRESSIONS), 0);
	KUNIT_EXPECT_EQ(test, mtetag_test_stat(t, MTETAG_PENDING_PAGES), 0);
	KUNIT_EXPECT_GE(test, mtetag_erase(t, 50), 0);
	mtetag_test_expect_empty(test);
}

struct mtetag_test_on_cpu {
	struct mtetag_type *t;
	u8 (*in)[MTETAG_RAW_SIZE];
	bool erase;
	int err;
};

/* Store (or erase) slots 0..3 on the CPU work_on_cpu() runs this on. */
static long mtetag_test_on_cpu_fn(void *arg)
{
	struct mtetag_test_on_cpu *op = arg;
	enum mtetag_fail_reason reason;
	pgoff_t i;

	for (i = 0; i < 4 && !op->err; i++) {
		if (op->erase)
			op->err = mtetag_erase(op->t, i) < 0 ? -ENOENT : 0;
		else
			op->err = mtetag_store(op->t, MTETAG_TEST_TYPE, i,
					       op->in[i], MTETAG_CODEC_AUTO,
					       false, NULL, &reason);
	}
	return 0;
}

static long mtetag_test_cpu_entries(struct mtetag_type *t, int cpu)
{
	const struct mtetag_stats *s = per_cpu_ptr(t->stats, cpu);
	long n = 0;
	int i;

	for (i = 0; i < MTETAG_NR_HIST; i++)
		n += s->hist[i];
	return n;
}

/*
 * The counters are per CPU: entries stored on one CPU and freed on another
 * leave one CPU's count positive and the other's negative, and the sums
 * are right at each step.
 */
static void mtetag_test_stats_cpus(struct kunit *test)
{
	struct mtetag_type *t = test->priv;
	struct mtetag_test_on_cpu op = { .t = t };
	struct mtetag_stats_snapshot snap;
	u8 in[4][MTETAG_RAW_SIZE];
	unsigned int cpu0, cpu1;

	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);
	if (cpu1 >= nr_cpu_ids)
		kunit_skip(test, "needs two CPUs");

	memset(in[0], 0, MTETAG_RAW_SIZE);
	mtetag_test_runs(in[1], 3);
	mtetag_test_runs(in[2], 40);
	mtetag_test_random(in[3]);
	op.in = in;
	work_on_cpu(cpu0, mtetag_test_on_cpu_fn, &op);
	KUNIT_ASSERT_EQ(test, op.err, 0);

	mtetag_test_snap(t, &snap);
	KUNIT_EXPECT_EQ(test, snap.item[MTETAG_STORED_PAGES], 4);
	KUNIT_EXPECT_EQ(test, snap.item[MTETAG_ZERO_PAGES], 1);
	KUNIT_EXPECT_EQ(test, snap.item[MTETAG_RAW_PAGES], 1);
	KUNIT_EXPECT_EQ(test, snap.item[MTETAG_STORED_BYTES],
			snap.item[MTETAG_ALLOC_BYTES] -
			snap.item[MTETAG_ROUNDING_BYTES]);
	KUNIT_EXPECT_GE(test, snap.item[MTETAG_ALLOC_BYTES],
			MTETAG_RAW_SIZE + MTETAG_SIZE_STEP);

	op.erase = true;
	work_on_cpu(cpu1, mtetag_test_on_cpu_fn, &op);
	KUNIT_ASSERT_EQ(test, op.err, 0);
	mtetag_test_expect_empty(test);
	KUNIT_EXPECT_EQ(test, mtetag_test_cpu_entries(t, cpu0), 4);
	KUNIT_EXPECT_EQ(test, mtetag_test_cpu_entries(t, cpu1), -4);
}

/*
 * A swapon folds the counters of the type's last life into the global
 * sums: every CPU's, every array of struct mtetag_stats, and zeroes them.
 */
static void mtetag_test_stats_fold(struct kunit *test)
{
	struct mtetag_stats __percpu *from, *to;
	struct mtetag_stats_snapshot a, b;
	struct mtetag_stats *s;
	int cpu;

	from = alloc_percpu(struct mtetag_stats);
	to = alloc_percpu(struct mtetag_stats);
	if (!from || !to) {
		free_percpu(from);
		free_percpu(to);
		kunit_skip(test, "no memory");
	}
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(from, cpu);
		s->item[MTETAG_SAVES] = cpu + 1;
		s->codec_pages[MTETAG_CODEC_RAW] = 2;
		s->codec_bytes[MTETAG_CODEC_RUNS] = -3;
		s->hist[MTETAG_HIST_RAW] = 5;
		s = per_cpu_ptr(to, cpu);
		s->item[MTETAG_SAVES] = 10;
		/* the last long of the struct */
		s->hist[MTETAG_HIST_RAW] = 1;
	}
	mtetag_stats_fold(from, to);

	memset(&a, 0, sizeof(a));
	mtetag_stats_sum(to, &a);
	KUNIT_EXPECT_EQ(test, a.item[MTETAG_SAVES],
			num_possible_cpus() * 10 +
			num_possible_cpus() * (num_possible_cpus() + 1) / 2);
	KUNIT_EXPECT_EQ(test, a.codec_pages[MTETAG_CODEC_RAW],
			2 * num_possible_cpus());
	KUNIT_EXPECT_EQ(test, (long)a.codec_bytes[MTETAG_CODEC_RUNS],
			-3L * num_possible_cpus());
	KUNIT_EXPECT_EQ(test, a.hist[MTETAG_HIST_RAW], 6 * num_possible_cpus());

	memset(&b, 0, sizeof(b));
	mtetag_stats_sum(from, &b);
	memset(&a, 0, sizeof(a));
	KUNIT_EXPECT_EQ(test, memcmp(&a, &b, sizeof(a)), 0);

	/* Without a target: zeroed only. */
	per_cpu_ptr(from, cpumask_first(cpu_possible_mask))->item[MTETAG_SAVES] = 7;
	mtetag_stats_fold(from, NULL);
	memset(&b, 0, sizeof(b));
	mtetag_stats_sum(from, &b);
	KUNIT_EXPECT_EQ(test, b.item[MTETAG_SAVES], 0);
	free_percpu(from);
	free_percpu(to);
}

static int mtetag_test_init(struct kunit *test)
{
	int err;

	if (READ_ONCE(mtetag_types[MTETAG_TEST_TYPE].trees))
		kunit_skip(test, "swap type %d in use", MTETAG_TEST_TYPE);
	err = mtetag_type_create(MTETAG_TEST_TYPE, MTETAG_TEST_PAGES,
				 "(kunit)", false);
	if (err)
		return err;
	test->priv = &mtetag_types[MTETAG_TEST_TYPE];
	return 0;
}

static void mtetag_test_exit(struct kunit *test)
{
	if (test->priv)
		mtetag_type_destroy(MTETAG_TEST_TYPE);
}

static struct kunit_case mtetag_store_test_cases[] = {
	KUNIT_CASE(mtetag_test_insert_lookup),
	KUNIT_CASE(mtetag_test_replace),
	KUNIT_CASE(mtetag_test_erase),
	KUNIT_CASE(mtetag_test_reuse_marks),
	KUNIT_CASE(mtetag_test_sweep_shards),
	KUNIT_CASE(mtetag_test_raw_cost),
	KUNIT_CASE(mtetag_test_raw_entry),
	KUNIT_CASE(mtetag_test_rounding),
	KUNIT_CASE(mtetag_test_policy_switch),
	KUNIT_CASE(mtetag_test_memcg_root),
	KUNIT_CASE(mtetag_test_folio_rollback),
	KUNIT_CASE(mtetag_test_skip_untagged),
	KUNIT_CASE(mtetag_test_restore_idempotent),
	KUNIT_CASE(mtetag_test_deferred),
	KUNIT_CASE(mtetag_test_deferred_race),
	KUNIT_CASE(mtetag_test_stats_cpus),
	KUNIT_CASE(mtetag_test_stats_fold),
	{},
};

static struct kunit_suite mtetag_store_test_suite = {
	.name = "mtetag_store",
	.init = mtetag_test_init,
	.exit = mtetag_test_exit,
	.test_cases = mtetag_store_test_cases,
};

kunit_test_suite(mtetag_store_test_suite);

#endif /* _MTETAG_STORE_KUNIT_H */
