// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag debugfs interface: details of the store for developers, in
 * /sys/kernel/debug/mtetag/. Unlike sysfs these files are no ABI: their
 * contents may change with the implementation.
 *
 *   blob_sizes  "<bytes> <entries>" per allocation size holding entries;
 *               inline entries show as size 0
 *   codecs      "<codec> <entries> <bytes>" per codec format
 *   shards      "<type> <shard> <entries>" per xarray of each swap type
 *   stats       "<counter> <value>" for the counters sysfs does not show
 *   fail_save/  fault injection of blob allocations (with
 *               CONFIG_MTETAG_FAULT_INJECTION)
 *
 * Every figure is global unless the line names a swap type.
 */

#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/mtetag.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/swap.h>

#include "codec.h"
#include "internal.h"

static int mtetag_blob_sizes_show(struct seq_file *m, void *v)
{
	struct mtetag_stats_snapshot snap;
	unsigned int b, size, prev = 0;
	unsigned long count = 0;
	int err;

	err = mtetag_stats_read(MTETAG_ALL_TYPES, &snap);
	if (err)
		return err;
	/*
	 * Bucket sizes never decrease. With 4K pages the largest size class
	 * and raw blobs both take 128 bytes: one line per size, so that
	 * sizes are unique; the codecs file tells raw apart.
	 */
	for (b = 0; b < MTETAG_NR_HIST; b++) {
		if (!snap.hist[b])
			continue;
		size = mtetag_hist_bucket_bytes(b);
		if (count && size != prev)
			seq_printf(m, "%u %lu\n", prev, count);
		if (size != prev)
			count = 0;
		count += snap.hist[b];
		prev = size;
	}
	if (count)
		seq_printf(m, "%u %lu\n", prev, count);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mtetag_blob_sizes);

static int mtetag_codecs_show(struct seq_file *m, void *v)
{
	struct mtetag_stats_snapshot snap;
	int c, err;

	err = mtetag_stats_read(MTETAG_ALL_TYPES, &snap);
	if (err)
		return err;
	for (c = 0; c < MTETAG_NR_CODECS; c++) {
		/* A codec this kernel cannot use (zstd compiled out) has no line. */
		if (c != MTETAG_CODEC_ZERO && !mtetag_codec_available(c) &&
		    !snap.codec_pages[c])
			continue;
		seq_printf(m, "%s %lu %lu\n", mtetag_codec_names[c],
			   snap.codec_pages[c], snap.codec_bytes[c]);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mtetag_codecs);

/* Walks every tree: O(entries stored), for debugging only. */
static int mtetag_shards_show(struct seq_file *m, void *v)
{
	unsigned int shard, nr;
	long entries;
	int type;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		if (!mtetag_type_active(type))
			continue;
		nr = mtetag_type_nr_shards(type);
		for (shard = 0; shard < nr; shard++) {
			entries = mtetag_shard_pages(type, shard);
			/* The type went away meanwhile. */
			if (entries < 0)
				break;
			seq_printf(m, "%d %u %ld\n", type, shard, entries);
			cond_resched();
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mtetag_shards);

/* Counters of enum mtetag_stat_item that sysfs does not show. */
static const enum mtetag_stat_item mtetag_debug_items[] = {
	MTETAG_ALLOC_BYTES,
	MTETAG_ROUNDING_BYTES,
	MTETAG_RAW_PAGES,
	MTETAG_PENDING_PAGES,
	MTETAG_REPLACES,
	MTETAG_COMPRESSIONS,
	MTETAG_RESTORES_TAGGED,
	MTETAG_DECODE_ERRORS,
	MTETAG_VERIFY_ERRORS,
	MTETAG_SWAPOFF_LEFTOVERS,
};

static int mtetag_stats_show(struct seq_file *m, void *v)
{
	struct mtetag_stats_snapshot snap;
	unsigned int i;
	int err;

	err = mtetag_stats_read(MTETAG_ALL_TYPES, &snap);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(mtetag_debug_items); i++)
		seq_printf(m, "%s %lu\n", mtetag_stat_names[mtetag_debug_items[i]],
			   snap.item[mtetag_debug_items[i]]);
	seq_printf(m, "xa_node_bytes %lu\n",
		   mtetag_xa_node_bytes(MTETAG_ALL_TYPES));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mtetag_stats);

static int __init mtetag_debugfs_init(void)
{
	struct dentry *dir;

	/* Like sysfs: nothing at all when mtetag is not active. */
	if (!static_key_enabled(&mtetag_enabled))
		return 0;

	/* debugfs calls take an error dentry: nothing to check here. */
	dir = debugfs_create_dir("mtetag", NULL);
	debugfs_create_file("blob_sizes", 0444, dir, NULL,
			    &mtetag_blob_sizes_fops);
	debugfs_create_file("codecs", 0444, dir, NULL, &mtetag_codecs_fops);
	debugfs_create_file("shards", 0444, dir, NULL, &mtetag_shards_fops);
	debugfs_create_file("stats", 0444, dir, NULL, &mtetag_stats_fops);
#ifdef CONFIG_MTETAG_FAULT_INJECTION
	fault_create_debugfs_attr("fail_save", dir, &mtetag_fail_save);
#endif
	return 0;
}

/* After the store's subsys_initcall has decided whether mtetag is on. */
late_initcall(mtetag_debugfs_init);
