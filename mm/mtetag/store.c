// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag store: the memory tags of swapped-out pages, compressed.
 *
 * Swap writes a page's data but not its memory tags (arm64 MTE: 4 bits per
 * 16 bytes, 128 bytes per 4K page). mtetag_save_folio() reads them when a
 * folio is written to swap and keeps them here, mtetag_restore_folio() puts
 * them back when the page is read in, mtetag_invalidate_range() frees them
 * with the swap slot and mtetag_swapoff() frees what a swap device leaves.
 *
 * Per swap type, an array of xarrays, one per SWAP_ADDRESS_SPACE_PAGES of
 * the device like the swap cache and zswap, holds one entry per tagged page,
 * indexed by swap offset:
 *
 * - an inline value, xa_mk_value(): pages whose tags are all zero (value
 *   0) or that a codec packs into 63 bits; no allocation at all;
 * - a struct mtetag_blob (2-byte header and codec payload) from a kmem
 *   cache of the next 8-byte size class: compressed pages;
 * - MTETAG_RAW_SIZE bytes of raw tags, no header, stored as their address
 *   with MTETAG_ENTRY_RAW set: incompressible pages, or the "raw" policy;
 *   this costs exactly what the plain scheme's kmalloc(128) did.
 *
 * Blobs are charged to the memory cgroup of the swapped page, as zswap
 * charges its pool (see "Memory cgroup charging" below); inline entries
 * cost nothing and are not charged.
 *
 * The codec policy (enum mtetag_codec, default AUTO, see codec.c) only
 * decides how new entries are written: every entry says how to read
 * it, so a policy change leaves old entries readable.
 *
 * Deferred compression: compressing a page of many runs costs several
 * times what the rest of its swap-out does, and a page that thrashes comes
 * back soon. So with a compress delay set (the default), swap-out stores
 * only what is free to store (zero and RUNS pages inline) and keeps other
 * pages raw, marked MTETAG_MARK_PENDING, as 6.12 kept every page. A worker
 * compresses the pending entries that stayed out one to two delays
 * (MTETAG_MARK_YOUNG ages them by one pass), and replaces them if the
 * result is smaller. A delay of 0 compresses at swap-out.
 *
 * Concurrency: an entry is written (save) and read (restore) only with the
 * folio of its swap slot locked, so the two never race on one slot; the
 * slot is freed (invalidate) only when no PTE and no swap cache folio refer
 * to it any more, so a blob replaced or freed by those paths is freed at
 * once. The compression worker races with all three: it copies a pending
 * entry under the tree's lock, compresses the copy unlocked, and replaces
 * the entry only if, under the lock again, the slot still holds a pending
 * entry of the same tags. Restore reads entries under RCU alone, so the
 * worker frees a raw blob it replaced after a grace period. The xarray
 * lock serialises stores and erases within a tree.
 */

#define pr_fmt(fmt) "mtetag: " fmt

#include <linux/bug.h>
#include <linux/cgroup.h>
#include <linux/dcache.h>
#include <linux/fault-inject.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/limits.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mtetag.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/prio.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/swap_cgroup.h>
#include <linux/swapops.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "../swap.h"
#include "codec.h"
#include "internal.h"

#define CREATE_TRACE_POINTS
#include <trace/events/mtetag.h>

DEFINE_STATIC_KEY_FALSE(mtetag_enabled);

/*
 * A raw blob's entry is its address with bit 2 set: blobs are 8-byte
 * aligned, and the xarray looks at bits 0-1 only (bit 0 tells a value).
 * That the entry says it, where a slot mark did, spares the swap paths a
 * walk of the tree's marks at every save, restore and free.
 */
#define MTETAG_ENTRY_RAW	4UL

/* Slot marks: raw blobs waiting to be compressed. */
#define MTETAG_MARK_PENDING	XA_MARK_0
/* A pending entry the compression worker has not passed over yet. */
#define MTETAG_MARK_YOUNG	XA_MARK_2

/* Why a save failed; numbers as in include/trace/events/mtetag.h. */
enum mtetag_fail_reason {
	MTETAG_FAIL_REASON_NOMEM,
	MTETAG_FAIL_REASON_XARRAY,
	MTETAG_FAIL_REASON_CGROUP,
};

/* Codec policy for new entries: written by sysfs, read at every save. */
static enum mtetag_codec mtetag_policy = MTETAG_CODEC_AUTO;

/* Deferred compression: delay in ms (0: at swap-out), its worker. */
static unsigned int mtetag_compress_delay_ms = 1000;
static struct workqueue_struct *mtetag_wq;
static void mtetag_compress_workfn(struct work_struct *work);
static DECLARE_DELAYED_WORK(mtetag_compress_work, mtetag_compress_workfn);

/*
 * Run the compression worker in @ms, unless it is due sooner. Every save
 * of a pending entry calls this: a plain test of the pending bit spares
 * all but the first of a burst the atomic in queue_delayed_work().
 */
static void mtetag_compress_kick(unsigned int ms)
{
	if (!mtetag_wq)
		return;
	/*
	 * Order the caller's store of the entry before the test, as
	 * test_and_set_bit() would. Pairs with the smp_mb() with which the
	 * workqueue clears the bit before it runs the worker: a set bit
	 * means the worker's scan will find the entry.
	 */
	smp_mb();
	if (!delayed_work_pending(&mtetag_compress_work))
		queue_delayed_work(mtetag_wq, &mtetag_compress_work,
				   msecs_to_jiffies(ms));
}

/**
 * struct mtetag_type - the tag store of one swap type
 * @trees: @nr_trees xarrays, one per SWAP_ADDRESS_SPACE_PAGES slots; NULL
 *	while the type is off
 * @nr_trees: number of @trees
 * @devname: path of the swap device or file, for the statistics
 * @stats: counters since the swapon of the type, per CPU; allocated at the
 *	first swapon of the type and kept, to be read after swapoff
 * @global: whether @stats count in the global sums (false for the private
 *	type of the KUnit tests)
 * @fail_save_after: KUnit only: fail the blob allocation after this many
 *	more successes (negative: never)
 *
 * @trees, @nr_trees and @devname change only under mtetag_types_lock, at
 * swapon and swapoff, when no swap I/O can reach the type; the swap paths
 * read them without lock.
 */
struct mtetag_type {
	struct xarray *trees;
	unsigned int nr_trees;
	const char *devname;
	struct mtetag_stats __percpu *stats;
	bool global;
#if IS_ENABLED(CONFIG_MTETAG_KUNIT_TEST)
	int fail_save_after;
#endif
};

static struct mtetag_type mtetag_types[MAX_SWAPFILES];
static DEFINE_MUTEX(mtetag_types_lock);

/*
 * The global counters are not kept apart, so that the swap paths count
 * once: they are the sums of the types' counters and of those the types
 * had before their last swapon, which folds them in here as it resets
 * them. Readers of the sums retry across a fold, so as to see it whole.
 */
static DEFINE_PER_CPU(struct mtetag_stats, mtetag_retired_stats);
static seqcount_mutex_t mtetag_fold_seq =
	SEQCNT_MUTEX_ZERO(mtetag_fold_seq, &mtetag_types_lock);

/* Blob caches: non-raw blobs by 8-byte size class, and raw blobs. */
static struct kmem_cache *mtetag_blob_caches[MTETAG_NR_SIZE_CLASSES];
static char mtetag_blob_cache_names[MTETAG_NR_SIZE_CLASSES][16];
static struct kmem_cache *mtetag_raw_cache;

#ifdef CONFIG_MTETAG_FAULT_INJECTION
DECLARE_FAULT_ATTR(mtetag_fail_save);

static int __init setup_fail_mtetag_save(char *str)
{
	return setup_fault_attr(&mtetag_fail_save, str);
}
__setup("fail_mtetag_save=", setup_fail_mtetag_save);
#endif

/* ---------------------------------------------------------------------
 * Statistics
 */

const char * const mtetag_stat_names[MTETAG_NR_STAT_ITEMS] = {
	[MTETAG_STORED_PAGES]		= "stored_pages",
	[MTETAG_STORED_BYTES]		= "stored_bytes",
	[MTETAG_ALLOC_BYTES]		= "alloc_bytes",
	[MTETAG_ROUNDING_BYTES]		= "rounding_bytes",
	[MTETAG_INLINE_PAGES]		= "inline_pages",
	[MTETAG_ZERO_PAGES]		= "zero_pages",
	[MTETAG_RAW_PAGES]		= "raw_pages",
	[MTETAG_PENDING_PAGES]		= "pending_pages",
	[MTETAG_SAVES]			= "saves",
	[MTETAG_REPLACES]		= "replaces",
	[MTETAG_RESTORES]		= "restores",
	[MTETAG_RESTORES_TAGGED]	= "restores_tagged",
	[MTETAG_INVALIDATES]		= "invalidates",
	[MTETAG_COMPRESSIONS]		= "compressions",
	[MTETAG_FAIL_NOMEM]		= "fail_nomem",
	[MTETAG_FAIL_XARRAY]		= "fail_xarray",
	[MTETAG_FAIL_CGROUP]		= "fail_cgroup",
	[MTETAG_DECODE_ERRORS]		= "decode_errors",
	[MTETAG_VERIFY_ERRORS]		= "verify_errors",
	[MTETAG_SWAPOFF_LEFTOVERS]	= "swapoff_leftovers",
};

/*
 * What one stored entry costs, as the statistics count it: derived from the
 * entry alone, so that freeing an entry subtracts exactly what storing it
 * added.
 */
struct mtetag_cost {
	enum mtetag_codec codec;
	bool is_inline;
	bool raw;
	bool pending;
	unsigned int stored;	/* blob bytes incl. header */
	unsigned int alloc;	/* slab object bytes */
	unsigned int bucket;	/* histogram bucket */
};

static unsigned int mtetag_size_class(unsigned int size)
{
	return DIV_ROUND_UP(size, MTETAG_SIZE_STEP) - 1;
}

/* Whether @entry is a raw blob's: not a value (bit 0), bit 2 set. */
static bool mtetag_entry_raw(const void *entry)
{
	return ((unsigned long)entry & (MTETAG_ENTRY_RAW | 1)) ==
	       MTETAG_ENTRY_RAW;
}

/* The entry of the raw blob @tags, from mtetag_raw_cache. */
static void *mtetag_raw_entry(u8 *tags)
{
	return (void *)((unsigned long)tags | MTETAG_ENTRY_RAW);
}

/* The tags of the raw entry @entry. */
static u8 *mtetag_raw_tags(void *entry)
{
	return (u8 *)((unsigned long)entry & ~MTETAG_ENTRY_RAW);
}

/* The codec that wrote @entry. */
static enum mtetag_codec mtetag_entry_codec(void *entry)
{
	const struct mtetag_blob *blob = entry;

	if (xa_is_value(entry))
		return mtetag_inline_codec(xa_to_value(entry));
	if (mtetag_entry_raw(entry))
		return MTETAG_CODEC_RAW;
	return blob->codec;
}

/* What @entry costs; @pending if it is a raw one waiting for the worker. */
static void mtetag_entry_cost(void *entry, bool pending,
			      struct mtetag_cost *c)
{
	const struct mtetag_blob *blob = entry;
	bool raw = mtetag_entry_raw(entry);
	unsigned int class;

	memset(c, 0, sizeof(*c));
	c->codec = mtetag_entry_codec(entry);
	c->pending = raw && pending;
	if (xa_is_value(entry)) {
		c->is_inline = true;
		c->bucket = MTETAG_HIST_INLINE;
	} else if (raw) {
		c->raw = true;
		c->stored = MTETAG_RAW_SIZE;
		c->alloc = MTETAG_RAW_SIZE;
		c->bucket = MTETAG_HIST_RAW;
	} else {
		c->stored = MTETAG_BLOB_HDR + blob->len;
		class = mtetag_size_class(c->stored);
		c->alloc = (class + 1) * MTETAG_SIZE_STEP;
		c->bucket = class + 1;
	}
}

/* See struct mtetag_stats: a plain add, preemption disabled. */
static void mtetag_stat_add(long *counter, long n)
{
	WRITE_ONCE(*counter, *counter + n);
}

/*
 * The gauges of what is stored are derived from these few (see
 * mtetag_stats_read()), to keep the swap paths' updates few.
 */
static void mtetag_stats_add(struct mtetag_stats *s,
			     const struct mtetag_cost *c, long sign)
{
	mtetag_stat_add(&s->hist[c->bucket], sign);
	if (c->codec < MTETAG_NR_CODECS) {
		mtetag_stat_add(&s->codec_pages[c->codec], sign);
		if (c->stored)
			mtetag_stat_add(&s->codec_bytes[c->codec],
					sign * c->stored);
	}
	if (c->pending)
		mtetag_stat_add(&s->item[MTETAG_PENDING_PAGES], sign);
}

/* Account an entry stored (@sign 1) or freed (@sign -1). Task context. */
static void mtetag_account(struct mtetag_type *t, const struct mtetag_cost *c,
			   long sign)
{
	/* Plain adds: no interrupt may count (struct mtetag_stats). */
	VM_WARN_ON_ONCE(!in_task());
	preempt_disable();
	mtetag_stats_add(this_cpu_ptr(t->stats), c, sign);
	preempt_enable();
}

/* Count @n events of @item. Task context. */
static void mtetag_count(struct mtetag_type *t, enum mtetag_stat_item item,
			 long n)
{
	/* Plain adds: no interrupt may count (struct mtetag_stats). */
	VM_WARN_ON_ONCE(!in_task());
	preempt_disable();
	mtetag_stat_add(&this_cpu_ptr(t->stats)->item[item], n);
	preempt_enable();
}

/*
 * Add each CPU's counters of @from to its counters of @to, and zero them:
 * those of a type that is off (no update can be in flight), @to NULL to
 * only zero them.
 */
static void mtetag_stats_fold(struct mtetag_stats __percpu *from,
			      struct mtetag_stats __percpu *to)
{
	long *src, *dst;
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		src = (long *)per_cpu_ptr(from, cpu);
		if (to) {
			dst = (long *)per_cpu_ptr(to, cpu);
			/* struct mtetag_stats is arrays of long, nothing else. */
			for (i = 0; i < sizeof(struct mtetag_stats) / sizeof(long); i++)
				dst[i] += src[i];
		}
		memset(src, 0, sizeof(struct mtetag_stats));
	}
}

/* The counters of @type if they count in the global sums, else NULL. */
static struct mtetag_stats __percpu *mtetag_global_type_stats(int type)
{
	struct mtetag_stats __percpu *stats;

	/* Without the lock: pairs with the release in mtetag_type_create(). */
	stats = smp_load_acquire(&mtetag_types[type].stats);
	return stats && READ_ONCE(mtetag_types[type].global) ? stats : NULL;
}

/* Add up the CPUs' counters of @stats into @snap, which must be zeroed. */
static void mtetag_stats_sum(struct mtetag_stats __percpu *stats,
			     struct mtetag_stats_snapshot *snap)
{
	const struct mtetag_stats *s;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(stats, cpu);
		for (i = 0; i < MTETAG_NR_STAT_ITEMS; i++)
			snap->item[i] += READ_ONCE(s->item[i]);
		for (i = 0; i < MTETAG_NR_CODECS; i++) {
			snap->codec_pages[i] += READ_ONCE(s->codec_pages[i]);
			snap->codec_bytes[i] += READ_ONCE(s->codec_bytes[i]);
		}
		for (i = 0; i < MTETAG_NR_HIST; i++)
			snap->hist[i] += READ_ONCE(s->hist[i]);
	}
}

/**
 * mtetag_stats_read() - copy the counters of a swap type, or of all
 * @type: a swap type, or MTETAG_ALL_TYPES
 * @snap: where to copy them
 *
 * The counters of a type are kept after its swapoff, until its next swapon;
 * the global ones since boot. Any context for a type; MTETAG_ALL_TYPES may
 * wait for a swapon to finish (process context). The sums of the CPUs'
 * counters are exact when no update is in flight; while one is, some may
 * show it and others not yet.
 *
 * Return: 0, or -EINVAL for a bad @type.
 */
int mtetag_stats_read(int type, struct mtetag_stats_snapshot *snap)
{
	struct mtetag_stats __percpu *stats;
	unsigned long *item = snap->item;
	unsigned int seq;
	int i;

	if (type == MTETAG_ALL_TYPES) {
		do {
			seq = read_seqcount_begin(&mtetag_fold_seq);
			memset(snap, 0, sizeof(*snap));
			mtetag_stats_sum(&mtetag_retired_stats, snap);
			for (i = 0; i < MAX_SWAPFILES; i++) {
				stats = mtetag_global_type_stats(i);
				if (stats)
					mtetag_stats_sum(stats, snap);
			}
		} while (read_seqcount_retry(&mtetag_fold_seq, seq));
	} else if (type >= 0 && type < MAX_SWAPFILES) {
		memset(snap, 0, sizeof(*snap));
		/* Pairs with the release in mtetag_type_create(). */
		stats = smp_load_acquire(&mtetag_types[type].stats);
		if (stats)
			mtetag_stats_sum(stats, snap);
	} else {
		return -EINVAL;
	}

	/* The gauges mtetag_stats_add() does not keep. */
	for (i = 0; i < MTETAG_NR_HIST; i++) {
		item[MTETAG_STORED_PAGES] += snap->hist[i];
		item[MTETAG_ALLOC_BYTES] +=
			snap->hist[i] * mtetag_hist_bucket_bytes(i);
	}
	for (i = 0; i < MTETAG_NR_CODECS; i++)
		item[MTETAG_STORED_BYTES] += snap->codec_bytes[i];
	item[MTETAG_ROUNDING_BYTES] = item[MTETAG_ALLOC_BYTES] -
				      item[MTETAG_STORED_BYTES];
	item[MTETAG_INLINE_PAGES] = snap->hist[MTETAG_HIST_INLINE];
	item[MTETAG_RAW_PAGES] = snap->hist[MTETAG_HIST_RAW];
	item[MTETAG_ZERO_PAGES] = snap->codec_pages[MTETAG_CODEC_ZERO];
	return 0;
}

/**
 * mtetag_hist_bucket_bytes() - allocation size of a histogram bucket
 * @bucket: MTETAG_HIST_INLINE, a size class bucket or MTETAG_HIST_RAW
 *
 * Return: the bytes each entry of @bucket allocates (0 for inline).
 */
unsigned int mtetag_hist_bucket_bytes(unsigned int bucket)
{
	if (bucket == MTETAG_HIST_RAW)
		return MTETAG_RAW_SIZE;
	if (bucket > MTETAG_NR_SIZE_CLASSES)
		return 0;
	return bucket * MTETAG_SIZE_STEP;
}

/* ---------------------------------------------------------------------
 * Memory cgroup charging
 *
 * A container that swaps tagged memory pays for the tags, within its
 * limits, as for the swap space: each blob is charged to the memcg its
 * swap slot is charged to. On cgroup v2 the slot's swap_cgroup record
 * names that memcg from the moment the folio got the slot, before the
 * save, and swap_entry_range_free() clears it only in
 * mem_cgroup_uncharge_swap(), which uncharges the bytes that
 * mtetag_invalidate_range() freed from the memcg it names; so the save,
 * the compression and the free charge the same memcg, and nothing is kept
 * per blob (slab's per-object obj_cgroup vector, the alternative, costs 8
 * bytes per 128-byte raw blob). The record holds a reference on the
 * memcg's id while the slot lives, and the charge goes through the memcg's
 * original obj_cgroup, which removing the cgroup reparents: the charge
 * moves to the parent with nothing to walk here. cgroup v1 writes the
 * record only after writeback, after the save: there, and for the root
 * and the KUnit type, nothing is charged.
 *
 * MEMCG_MTETAG_B, the "mtetag" line of memory.stat, follows the charge in
 * bytes; after reparenting the parent's minus cancels the child's plus in
 * the hierarchical counters.
 *
 * Saves run in reclaim (PF_MEMALLOC), where refusing one would keep the
 * folio in memory, the opposite of what reclaim wants. So, as zswap's, the
 * charge never fails: obj_cgroup_charge_mtetag() forces it past the limit
 * at once (no memcg reclaim or OOM kill from writeback), and the memcg's
 * next ordinary charge reclaims the excess. No save is refused for its
 * cgroup, so MTETAG_FAIL_CGROUP stays zero. The memcg side, which also
 * takes the bytes of freed slots back with their swap charge, keeps the
 * charge and MEMCG_MTETAG_B together.
 */

#ifdef CONFIG_MEMCG
/* Whether the entries of @t are charged at all (see above). */
static bool mtetag_type_charged(struct mtetag_type *t)
{
	return t->global && !mem_cgroup_disabled() &&
	       cgroup_subsys_on_dfl(memory_cgrp_subsys);
}

/* The obj_cgroup a charge to @memcg goes through, or NULL for none. */
static struct obj_cgroup *mtetag_memcg_objcg(struct mem_cgroup *memcg)
{
	if (!memcg || mem_cgroup_is_root(memcg))
		return NULL;
	return memcg->orig_objcg;
}

/* The obj_cgroup slot @offset of @t is charged to, or NULL. Under RCU. */
static struct obj_cgroup *mtetag_slot_objcg(struct mtetag_type *t,
					    pgoff_t offset)
{
	unsigned short id;

	if (!mtetag_type_charged(t))
		return NULL;
	id = lookup_swap_cgroup_id(swp_entry(t - mtetag_types, offset));
	return mtetag_memcg_objcg(id ? mem_cgroup_from_id(id) : NULL);
}

/*
 * The obj_cgroup the pages of @folio, about to be saved to slots from
 * @offset on, are charged to, or NULL: that of the slot's record, found
 * without looking it up. mem_cgroup_try_charge_swap() recorded the
 * folio's memcg, or its first online ancestor if the memcg was offline;
 * while it is online, the record names it. The folio is locked and
 * charged, which keeps its memcg, and the record keeps the ancestor.
 */
static struct obj_cgroup *mtetag_folio_objcg(struct mtetag_type *t,
					     struct folio *folio,
					     pgoff_t offset)
{
	struct obj_cgroup *objcg;
	struct mem_cgroup *memcg;

	if (!mtetag_type_charged(t))
		return NULL;
	memcg = folio_memcg(folio);
	if (!memcg || mem_cgroup_online(memcg))
		return mtetag_memcg_objcg(memcg);
	rcu_read_lock();
	objcg = mtetag_slot_objcg(t, offset);
	rcu_read_unlock();
	return objcg;
}

/* Charge @bytes (uncharge if negative) to @objcg, if any. Never fails. */
static void mtetag_charge_objcg(struct obj_cgroup *objcg, long bytes)
{
	if (!objcg || !bytes)
		return;
	if (bytes > 0)
		obj_cgroup_charge_mtetag(objcg, bytes);
	else
		obj_cgroup_uncharge_mtetag(objcg, -bytes);
}

/*
 * Charge @bytes (uncharge if negative) to the memcg of slot @offset, whose
 * entry is stored and not yet erased. Any context; never fails.
 */
static void mtetag_charge(struct mtetag_type *t, pgoff_t offset, long bytes)
{
	struct obj_cgroup *objcg;

	if (!bytes)
		return;
	rcu_read_lock();
	objcg = mtetag_slot_objcg(t, offset);
	/* The slot's record keeps the memcg, and so @objcg, past the RCU. */
	rcu_read_unlock();
	mtetag_charge_objcg(objcg, bytes);
}
#else
static bool mtetag_type_charged(struct mtetag_type *t)
{
	return false;
}

static struct obj_cgroup *mtetag_folio_objcg(struct mtetag_type *t,
					     struct folio *folio,
					     pgoff_t offset)
{
	return NULL;
}

static void mtetag_charge_objcg(struct obj_cgroup *objcg, long bytes)
{
}

static void mtetag_charge(struct mtetag_type *t, pgoff_t offset, long bytes)
{
}
#endif

/* ---------------------------------------------------------------------
 * Trees
 */

static bool mtetag_type_valid(int type)
{
	return type >= 0 && type < MAX_SWAPFILES;
}

static struct xarray *mtetag_tree(struct mtetag_type *t, pgoff_t offset)
{
	return &t->trees[offset >> SWAP_ADDRESS_SPACE_SHIFT];
}

/*
 * Create the trees of @type for @nr_pages slots; @global says whether its
 * counters add to the global ones. May sleep.
 */
static int mtetag_type_create(int type, unsigned long nr_pages,
			      const char *devname, bool global)
{
	struct mtetag_type *t = &mtetag_types[type];
	unsigned int i, nr = DIV_ROUND_UP(nr_pages, SWAP_ADDRESS_SPACE_PAGES);
	/* Counters are allocated at the first swapon of the type, then kept. */
	bool need_stats = !READ_ONCE(t->stats);
	struct mtetag_stats __percpu *stats = NULL;
	struct xarray *trees;
	const char *name;

	trees = kvcalloc(nr, sizeof(*trees), GFP_KERNEL);
	name = kstrdup_const(devname, GFP_KERNEL);
	if (need_stats)
		stats = alloc_percpu(struct mtetag_stats);
	if (!trees || !name || (need_stats && !stats)) {
		kvfree(trees);
		kfree_const(name);
		free_percpu(stats);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++)
		xa_init(&trees[i]);

	mutex_lock(&mtetag_types_lock);
	if (WARN_ON_ONCE(t->trees)) {
		mutex_unlock(&mtetag_types_lock);
		kvfree(trees);
		kfree_const(name);
		free_percpu(stats);
		return -EBUSY;
	}
	if (!t->stats) {
		WRITE_ONCE(t->global, global);
		/* Zeroed; mtetag_stats_read() reads it without the lock. */
		smp_store_release(&t->stats, stats);
		stats = NULL;
	} else {
		/* The counts of the type's last life stay in the global sums. */
		write_seqcount_begin(&mtetag_fold_seq);
		mtetag_stats_fold(t->stats,
				  t->global ? &mtetag_retired_stats : NULL);
		WRITE_ONCE(t->global, global);
		write_seqcount_end(&mtetag_fold_seq);
	}
#if IS_ENABLED(CONFIG_MTETAG_KUNIT_TEST)
	t->fail_save_after = -1;
#endif
	t->devname = name;
	t->nr_trees = nr;
	t->trees = trees;
	mutex_unlock(&mtetag_types_lock);
	free_percpu(stats);	/* NULL unless the type had counters already */
	return 0;
}

static void mtetag_free_entry(void *entry)
{
	struct mtetag_blob *blob = entry;

	if (xa_is_value(entry))
		return;
	if (mtetag_entry_raw(entry))
		kmem_cache_free(mtetag_raw_cache, mtetag_raw_tags(entry));
	else
		kmem_cache_free(mtetag_blob_caches[mtetag_size_class(MTETAG_BLOB_HDR + blob->len)],
				blob);
}

/*
 * Whether @entry, which @xas points at, waits for the compression worker;
 * tree lock held. Only raw entries can, so others need no look at marks.
 */
static bool mtetag_pending(struct xa_state *xas, void *entry)
{
	return mtetag_entry_raw(entry) &&
	       xas_get_mark(xas, MTETAG_MARK_PENDING);
}

/*
 * Erase the entry of @offset, if any, free it and say in @cost what it
 * cost, but leave its charge to the caller. Any context (takes the tree's
 * spinlock). Return: 0, or -ENOENT.
 */
static int __mtetag_erase(struct mtetag_type *t, pgoff_t offset,
			  struct mtetag_cost *cost)
{
	XA_STATE(xas, mtetag_tree(t, offset), offset);
	bool pending;
	void *entry;

	xas_lock(&xas);
	entry = xas_load(&xas);
	if (!entry) {
		xas_unlock(&xas);
		return -ENOENT;
	}
	pending = mtetag_pending(&xas, entry);
	xas_store(&xas, NULL);
	xas_unlock(&xas);

	mtetag_entry_cost(entry, pending, cost);
	mtetag_account(t, cost, -1);
	mtetag_free_entry(entry);
	return 0;
}

/*
 * Erase the entry of @offset, if any, free it and uncharge it. Any context.
 * Return: the bytes the entry occupied, or -ENOENT.
 */
static int mtetag_erase(struct mtetag_type *t, pgoff_t offset)
{
	struct mtetag_cost cost;

	if (__mtetag_erase(t, offset, &cost))
		return -ENOENT;
	mtetag_charge(t, offset, -(long)cost.alloc);
	return cost.stored;
}

/* Free every entry of @type. May sleep. Return: entries freed. */
static unsigned long mtetag_sweep(struct mtetag_type *t)
{
	unsigned long index, nr = 0;
	unsigned int i;
	void *entry;

	for (i = 0; i < t->nr_trees; i++) {
		xa_for_each(&t->trees[i], index, entry) {
			if (mtetag_erase(t, index) >= 0)
				nr++;
			cond_resched();
		}
	}
	return nr;
}

/* Free what is left of @type and its trees. May sleep. */
static unsigned long mtetag_type_destroy(int type)
{
	struct mtetag_type *t = &mtetag_types[type];
	unsigned long nr;
	unsigned int i;

	mutex_lock(&mtetag_types_lock);
	if (!t->trees) {
		mutex_unlock(&mtetag_types_lock);
		return 0;
	}
	nr = mtetag_sweep(t);
	for (i = 0; i < t->nr_trees; i++)
		xa_destroy(&t->trees[i]);
	kvfree(t->trees);
	t->trees = NULL;
	t->nr_trees = 0;
	kfree_const(t->devname);
	t->devname = NULL;
	mutex_unlock(&mtetag_types_lock);
	return nr;
}

/* ---------------------------------------------------------------------
 * Save
 *
 * The swap paths keep a page's tags, or their encoding, on the stack, and
 * write each such buffer in full before they read it: they are declared
 * __uninitialized, since CONFIG_INIT_STACK_ALL_ZERO (the default where the
 * compiler supports it) would otherwise zero each at every call, three
 * 128-byte memset()s per swap-out and one per swap-in.
 */

static bool mtetag_should_fail_save(struct mtetag_type *t, size_t size)
{
#if IS_ENABLED(CONFIG_MTETAG_KUNIT_TEST)
	if (t->fail_save_after >= 0 && t->fail_save_after-- == 0)
		return true;
#endif
#ifdef CONFIG_MTETAG_FAULT_INJECTION
	if (should_fail(&mtetag_fail_save, size))
		return true;
#endif
	return false;
}

/*
 * Check what the codec returned before trusting it with memory: a bad
 * length would overrun the blob, a bad inline value would be unreadable.
 * With CONFIG_MTETAG_DEBUG_VERIFY, also decode it and compare. A bad
 * encoding is a codec bug: warn once, count it and store raw instead.
 */
static void mtetag_check_enc(struct mtetag_type *t, const u8 *tags,
			     struct mtetag_enc *enc)
{
	bool ok;
	int err = 0;

	if (enc->codec == MTETAG_CODEC_RAW)
		ok = !enc->is_inline && enc->len == MTETAG_RAW_SIZE;
	else if (enc->is_inline)
		ok = enc->value <= MTETAG_INLINE_MAX &&
		     mtetag_inline_codec(enc->value) == enc->codec;
	else
		ok = enc->codec < MTETAG_NR_CODECS &&
		     enc->len <= MTETAG_BLOB_PAYLOAD_MAX;

	if (ok && IS_ENABLED(CONFIG_MTETAG_DEBUG_VERIFY) &&
	    enc->codec != MTETAG_CODEC_RAW) {
		/* Here only: INIT_STACK_ALL_ZERO would zero it every save. */
		u8 check[MTETAG_RAW_SIZE];

		if (enc->is_inline)
			err = mtetag_decode_inline(enc->value, check);
		else
			err = mtetag_decode(enc->codec, enc->buf, enc->len,
					    check);
		ok = !err && !memcmp(check, tags, MTETAG_RAW_SIZE);
	}
	if (likely(ok))
		return;

	WARN_ONCE(1, "mtetag: bad %s encoding (inline %d, len %u, err %d): storing raw\n",
		  enc->codec < MTETAG_NR_CODECS ?
		  mtetag_codec_names[enc->codec] : "?",
		  enc->is_inline, enc->len, err);
	mtetag_count(t, MTETAG_VERIFY_ERRORS, 1);
	mtetag_encode(MTETAG_CODEC_RAW, tags, enc);
}

/*
 * Make the entry for the encoding @enc of @tags: allocates a blob unless
 * inline. A raw blob is copied from @tags, which is what a RAW result's
 * payload is, so that the store need not copy a raw page into @enc first.
 */
static void *mtetag_alloc_entry(const struct mtetag_enc *enc, const u8 *tags,
				gfp_t gfp)
{
	struct mtetag_blob *blob;
	unsigned int size;
	u8 *raw;

	if (enc->is_inline)
		return xa_mk_value(enc->value);

	if (enc->codec == MTETAG_CODEC_RAW) {
		raw = kmem_cache_alloc(mtetag_raw_cache, gfp);
		if (!raw)
			return NULL;
		memcpy(raw, tags, MTETAG_RAW_SIZE);
		return mtetag_raw_entry(raw);
	}

	size = MTETAG_BLOB_HDR + enc->len;
	blob = kmem_cache_alloc(mtetag_blob_caches[mtetag_size_class(size)],
				gfp);
	if (blob) {
		blob->codec = enc->codec;
		blob->len = enc->len;
		memcpy(blob->data, enc->buf, enc->len);
	}
	return blob;
}

/* The entry of a save: mtetag_alloc_entry(), under fault injection. */
static void *mtetag_make_entry(struct mtetag_type *t,
			       const struct mtetag_enc *enc, const u8 *tags,
			       gfp_t gfp)
{
	unsigned int size = mtetag_enc_size(enc);

	if (size && mtetag_should_fail_save(t, size))
		return NULL;
	return mtetag_alloc_entry(enc, tags, gfp);
}

/*
 * Mark the slot at @xas for whether it now holds a @pending entry; tree
 * lock held. Only a slot that was pending (@was_pending) has marks to
 * clear (MTETAG_MARK_YOUNG goes with MTETAG_MARK_PENDING), and each clear
 * walks up the tree.
 */
static void mtetag_set_marks(struct xa_state *xas, bool pending,
			     bool was_pending)
{
	if (pending) {
		xas_set_mark(xas, MTETAG_MARK_PENDING);
		xas_set_mark(xas, MTETAG_MARK_YOUNG);
	} else if (was_pending) {
		xas_clear_mark(xas, MTETAG_MARK_PENDING);
		xas_clear_mark(xas, MTETAG_MARK_YOUNG);
	}
}

/*
 * Store the tags of the page in slot @offset of @t, replacing (and freeing)
 * what the slot held, and charge the entry to @objcg, the slot's (see
 * mtetag_folio_objcg()). With @defer, only what mtetag_encode_quick() does
 * is done now: the rest is stored raw and pending, for the compression
 * worker. May sleep.
 * Return: 0, or -ENOMEM with *@reason set.
 */
static int mtetag_store(struct mtetag_type *t, int type, pgoff_t offset,
			const u8 *tags, enum mtetag_codec policy, bool defer,
			struct obj_cgroup *objcg,
			enum mtetag_fail_reason *reason)
{
	XA_STATE(xas, mtetag_tree(t, offset), offset);
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	bool pending = false, old_pending = false;
	struct mtetag_cost cost;
	/* Every field is set before it is read; buf up to len. */
	struct mtetag_enc enc __uninitialized;
	void *entry, *old;

	if (!defer) {
		mtetag_encode(policy, tags, &enc);
	} else if (!mtetag_encode_quick(policy, tags, &enc)) {
		/* Raw, as mtetag_encode() would say; the blob copies @tags. */
		enc.codec = MTETAG_CODEC_RAW;
		enc.is_inline = false;
		enc.len = MTETAG_RAW_SIZE;
		pending = true;
	}
	mtetag_check_enc(t, tags, &enc);
	pending &= enc.codec == MTETAG_CODEC_RAW;

	entry = mtetag_make_entry(t, &enc, tags, gfp);
	if (!entry) {
		*reason = MTETAG_FAIL_REASON_NOMEM;
		return -ENOMEM;
	}
	/* Before the worker can see the entry and charge its compression. */
	mtetag_entry_cost(entry, pending, &cost);
	mtetag_charge_objcg(objcg, cost.alloc);

	do {
		xas_lock(&xas);
		old = xas_load(&xas);
		old_pending = old && mtetag_pending(&xas, old);
		xas_store(&xas, entry);
		if (!xas_error(&xas))
			mtetag_set_marks(&xas, pending, old_pending);
		xas_unlock(&xas);
	} while (xas_nomem(&xas, gfp));

	if (xas_error(&xas)) {
		mtetag_charge_objcg(objcg, -(long)cost.alloc);
		mtetag_free_entry(entry);
		*reason = MTETAG_FAIL_REASON_XARRAY;
		return xas_error(&xas);
	}

	mtetag_account(t, &cost, 1);
	if (old) {
		struct mtetag_cost old_cost;

		mtetag_entry_cost(old, old_pending, &old_cost);
		mtetag_account(t, &old_cost, -1);
		mtetag_charge_objcg(objcg, -(long)old_cost.alloc);
		mtetag_free_entry(old);
		mtetag_count(t, MTETAG_REPLACES, 1);
	}
	trace_mtetag_save(type, offset, cost.codec, cost.stored,
			  cost.is_inline);
	if (pending && t->global)
		mtetag_compress_kick(READ_ONCE(mtetag_compress_delay_ms));
	return 0;
}

static int mtetag_save_pages(struct mtetag_type *t, int type, pgoff_t offset,
			     struct folio *folio)
{
	enum mtetag_fail_reason reason = MTETAG_FAIL_REASON_NOMEM;
	enum mtetag_codec policy = READ_ONCE(mtetag_policy);
	bool defer = READ_ONCE(mtetag_compress_delay_ms);
	long i, nr = folio_nr_pages(folio), saved = 0;
	/* One record for the folio's slots: one look for all its pages. */
	struct obj_cgroup *objcg = mtetag_folio_objcg(t, folio, offset);
	/* Read in full from each page before use. */
	u8 tags[MTETAG_RAW_SIZE] __uninitialized;
	int err = 0;

	for (i = 0; i < nr; i++) {
		struct page *page = folio_page(folio, i);

		if (!arch_mtetag_page_tagged(page))
			continue;
		arch_mtetag_read_page(page, tags);
		err = mtetag_store(t, type, offset + i, tags, policy, defer,
				   objcg, &reason);
		if (err)
			break;
		saved++;
	}
	if (!err) {
		if (saved)
			mtetag_count(t, MTETAG_SAVES, saved);
		return 0;
	}

	/* All or nothing: drop what this call stored. */
	while (i--)
		mtetag_erase(t, offset + i);
	mtetag_count(t, reason == MTETAG_FAIL_REASON_NOMEM ?
		     MTETAG_FAIL_NOMEM : MTETAG_FAIL_XARRAY, 1);
	trace_mtetag_save_fail(type, offset, reason, err);
	return -ENOMEM;
}

/**
 * __mtetag_save_folio() - save the tags of a folio about to go to swap
 * @folio: the folio, locked, in the swap cache (folio->swap set)
 *
 * Saves the tags of every tagged page of @folio, replacing what its slots
 * held, and charges them to the folio's memory cgroup (a charge never
 * fails the save). May sleep (allocates with GFP_KERNEL).
 *
 * Return: 0, or -ENOMEM if any page could not be saved: then nothing of
 * this call is kept, and the folio must stay in memory.
 */
int __mtetag_save_folio(struct folio *folio)
{
	swp_entry_t entry = folio->swap;
	struct mtetag_type *t = &mtetag_types[swp_type(entry)];

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio), folio);
	VM_WARN_ON_ONCE_FOLIO(!folio_test_swapcache(folio), folio);
	might_sleep();

	if (WARN_ON_ONCE(!t->trees))
		return -ENOMEM;
	return mtetag_save_pages(t, swp_type(entry), swp_offset(entry), folio);
}

/* ---------------------------------------------------------------------
 * Deferred compression
 */

/*
 * Compress the pending entry @old of slot @offset, whose tags the caller
 * copied to @tags: store the result if it is smaller and the slot still
 * holds a pending entry of these tags (it may have been invalidated, or
 * freed and saved again, meanwhile), else just clear the pending mark.
 * Restore reads raw entries under RCU alone, so the replaced one is freed
 * after a grace period. May sleep.
 * Return: false if memory ran short (the entry stays pending).
 */
static bool mtetag_compress_entry(struct mtetag_type *t, int type,
				  pgoff_t offset, void *old, const u8 *tags)
{
	XA_STATE(xas, mtetag_tree(t, offset), offset);
	const gfp_t gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;
	enum mtetag_codec policy = READ_ONCE(mtetag_policy);
	struct mtetag_cost old_cost, cost;
	struct mtetag_enc enc;
	void *entry = NULL;
	bool match;

	mtetag_encode(policy, tags, &enc);
	mtetag_check_enc(t, tags, &enc);
	if (enc.codec != MTETAG_CODEC_RAW) {
		entry = mtetag_alloc_entry(&enc, tags, gfp);
		if (!entry)
			return false;
		mtetag_entry_cost(entry, false, &cost);
	}

	xas_lock(&xas);
	match = xas_load(&xas) == old && mtetag_pending(&xas, old) &&
		!memcmp(mtetag_raw_tags(old), tags, MTETAG_RAW_SIZE);
	if (match) {
		mtetag_entry_cost(old, true, &old_cost);
		if (entry) {
			xas_store(&xas, entry);
			/* Under the lock: the slot's memcg record holds. */
			mtetag_charge(t, offset,
				      (long)cost.alloc - (long)old_cost.alloc);
		}
		mtetag_set_marks(&xas, false, true);
	}
	xas_unlock(&xas);

	if (!match) {
		if (entry)
			mtetag_free_entry(entry);
		return true;
	}
	if (!entry) {
		/* Incompressible: it stays raw, and is no longer pending. */
		mtetag_count(t, MTETAG_PENDING_PAGES, -1);
		return true;
	}
	mtetag_account(t, &old_cost, -1);
	mtetag_account(t, &cost, 1);
	/* A restore may be copying it (mtetag_restore_page()). */
	kfree_rcu_mightsleep(mtetag_raw_tags(old));
	mtetag_count(t, MTETAG_COMPRESSIONS, 1);
	trace_mtetag_compress(type, offset, cost.codec, cost.stored,
			      cost.is_inline);
	return true;
}

/*
 * One pass over the pending entries of tree @i of @t: compress those the
 * last pass saw (all with @all), age the others. Takes the tree lock to
 * copy each entry, and drops it to compress. May sleep.
 * Return: the entries still pending.
 */
static unsigned long mtetag_compress_tree(struct mtetag_type *t, int type,
					  unsigned int i, bool all)
{
	XA_STATE(xas, &t->trees[i], 0);
	u8 tags[MTETAG_RAW_SIZE];
	unsigned long left = 0;
	pgoff_t offset;
	void *entry;
	bool ok;

	xas_lock(&xas);
	xas_for_each_marked(&xas, entry, ULONG_MAX, MTETAG_MARK_PENDING) {
		if (!all && xas_get_mark(&xas, MTETAG_MARK_YOUNG)) {
			xas_clear_mark(&xas, MTETAG_MARK_YOUNG);
			left++;
			continue;
		}
		/* Pending entries are raw. */
		memcpy(tags, mtetag_raw_tags(entry), MTETAG_RAW_SIZE);
		offset = xas.xa_index;
		xas_pause(&xas);
		xas_unlock(&xas);

		ok = mtetag_compress_entry(t, type, offset, entry, tags);
		if (!ok)
			left++;
		cond_resched();
		xas_lock(&xas);
	}
	xas_unlock(&xas);
	return left;
}

/*
 * A pass over every swap type. A tree is walked under mtetag_types_lock,
 * which swapoff takes to free the trees; the lock is dropped between trees.
 */
static void mtetag_compress_workfn(struct work_struct *work)
{
	bool all = !READ_ONCE(mtetag_compress_delay_ms);
	unsigned long left = 0;
	struct mtetag_type *t;
	unsigned int i;
	int type;

	for (type = 0; type < MAX_SWAPFILES; type++) {
		t = &mtetag_types[type];
		for (i = 0; ; i++) {
			mutex_lock(&mtetag_types_lock);
			/* Not the KUnit tests' private type: they run passes. */
			if (!t->trees || !t->global || i >= t->nr_trees) {
				mutex_unlock(&mtetag_types_lock);
				break;
			}
			left += mtetag_compress_tree(t, type, i, all);
			mutex_unlock(&mtetag_types_lock);
		}
	}
	if (left)
		mtetag_compress_kick(READ_ONCE(mtetag_compress_delay_ms));
}

/* Entries waiting for the worker, in all types. Any context. */
static long mtetag_pending_pages(void)
{
	struct mtetag_stats __percpu *stats;
	int cpu, type;
	long n = 0;

	/* A gauge: the past lives of the types, all freed, add nothing. */
	for (type = 0; type < MAX_SWAPFILES; type++) {
		stats = mtetag_global_type_stats(type);
		if (!stats)
			continue;
		for_each_possible_cpu(cpu)
			n += READ_ONCE(per_cpu_ptr(stats, cpu)->item[MTETAG_PENDING_PAGES]);
	}
	return n;
}

/**
 * mtetag_get_compress_delay() - the delay of deferred compression
 *
 * Return: milliseconds; 0 if pages are compressed at swap-out.
 */
unsigned int mtetag_get_compress_delay(void)
{
	return READ_ONCE(mtetag_compress_delay_ms);
}

/**
 * mtetag_set_compress_delay() - when to compress the tags of new entries
 * @ms: 0 to compress at swap-out; else swap-out stores pages raw, and they
 *	are compressed @ms to 2 * @ms later if still out. At most
 *	MTETAG_COMPRESS_DELAY_MAX_MS.
 *
 * Entries pending already are compressed at the new pace: at once for 0.
 * Any context that may take a timer lock.
 * Return: 0, or -EINVAL if @ms is too long.
 */
int mtetag_set_compress_delay(unsigned int ms)
{
	if (ms > MTETAG_COMPRESS_DELAY_MAX_MS)
		return -EINVAL;
	WRITE_ONCE(mtetag_compress_delay_ms, ms);
	if (mtetag_wq && mtetag_pending_pages())
		mod_delayed_work(mtetag_wq, &mtetag_compress_work,
				 msecs_to_jiffies(ms));
	return 0;
}

/* ---------------------------------------------------------------------
 * Restore
 */

/*
 * Decode the inline or compressed entry of a slot whose folio the caller
 * holds locked, without the tree lock: only the compression worker changes
 * such a slot, and only while it is pending (raw), so this one stays.
 */
static int mtetag_decode_entry(void *entry, u8 *tags)
{
	const struct mtetag_blob *blob = entry;

	if (xa_is_value(entry))
		return mtetag_decode_inline(xa_to_value(entry), tags);
	return mtetag_decode(blob->codec, blob->data, blob->len, tags);
}

/*
 * Put the tags stored for slot @offset into @page, unless the page has
 * tags already. The caller holds the folio of the slot locked. Atomic
 * context: no allocation, no sleep. The entry stays.
 *
 * The entry cannot go while the folio is locked (the slot is not freed,
 * nothing else saves into it), except that the worker may replace a
 * pending raw one by its compressed copy: it frees the raw blob after an
 * RCU grace period, so a raw entry is written to the page straight from
 * the blob under rcu_read_lock(), as 6.12 did, and no entry takes the tree
 * lock. Any other entry is decoded into a buffer on the stack, and one of
 * a single tag, most entries, is written from a constant, with no decode.
 */
static void mtetag_restore_page(struct mtetag_type *t, int type,
				pgoff_t offset, struct page *page)
{
	XA_STATE(xas, mtetag_tree(t, offset), offset);
	enum mtetag_codec codec = MTETAG_NR_CODECS;
	/* Decoded in full, or zeroed on error, before it is written out. */
	u8 tags[MTETAG_RAW_SIZE] __uninitialized;
	const u8 *src;
	bool claimed;
	void *entry;
	int err;

	/* xa_load() in the read-side section that keeps a raw blob. */
	rcu_read_lock();
	do {
		entry = xas_load(&xas);
	} while (xas_retry(&xas, entry));
	if (!entry) {
		/* Most restored pages were not tagged. */
		rcu_read_unlock();
		return;
	}
	claimed = arch_mtetag_try_claim_page(page);
	if (trace_mtetag_restore_enabled())
		codec = mtetag_entry_codec(entry);
	if (claimed && mtetag_entry_raw(entry)) {
		/* Completes the claim. */
		arch_mtetag_write_page(page, mtetag_raw_tags(entry));
		rcu_read_unlock();
		goto out;
	}
	rcu_read_unlock();
	if (!claimed) {
		/* Tagged already, e.g. a swap cache page mapped again. */
		mtetag_count(t, MTETAG_RESTORES_TAGGED, 1);
		trace_mtetag_restore(type, offset, codec, false);
		return;
	}

	src = xa_is_value(entry) ? mtetag_inline_uniform(xa_to_value(entry)) :
				   NULL;
	if (src) {
		/* One tag, zero or not: the commonest entries, no decode. */
		arch_mtetag_write_page(page, src);
	} else {
		err = mtetag_decode_entry(entry, tags);
		if (WARN_ONCE(err, "mtetag: bad entry for swap slot %d:%lu (%d): zero tags\n",
			      type, offset, err)) {
			mtetag_count(t, MTETAG_DECODE_ERRORS, 1);
			memset(tags, 0, sizeof(tags));
		}
		/* Completes the claim, whatever the decode said. */
		arch_mtetag_write_page(page, tags);
	}
out:
	mtetag_count(t, MTETAG_RESTORES, 1);
	trace_mtetag_restore(type, offset, codec, true);
}

/**
 * __mtetag_restore_folio() - put saved tags back into a folio
 * @entry: swap entry of the first page of @folio
 * @folio: the folio, locked, read from swap
 *
 * Called under the PTE lock (do_swap_page(), unuse_pte()) or with the
 * folio locked (shmem): does not allocate and does not sleep. Pages that
 * have tags already keep them (the PG_mte_lock protocol of the backend);
 * the stored tags stay until the slot is freed, since restore can run
 * again for the same slot.
 */
void __mtetag_restore_folio(swp_entry_t entry, struct folio *folio)
{
	struct mtetag_type *t = &mtetag_types[swp_type(entry)];
	long i, nr = folio_nr_pages(folio);

	if (!t->trees)
		return;
	for (i = 0; i < nr; i++)
		mtetag_restore_page(t, swp_type(entry), swp_offset(entry) + i,
				    folio_page(folio, i));
}

/* ---------------------------------------------------------------------
 * Invalidate, swapon, swapoff
 */

/**
 * __mtetag_invalidate() - free the tags of a freed swap slot
 * @type: swap type
 * @offset: swap offset
 *
 * Called from mtetag_invalidate_range(), in swap_entry_range_free(), in
 * atomic context. The entry's charge is left to the caller: it goes with
 * the slot's swap charge, from the memcg the slot's record names.
 *
 * Return: the bytes charged for the entry, 0 if none.
 */
unsigned int __mtetag_invalidate(int type, pgoff_t offset)
{
	struct mtetag_type *t = &mtetag_types[type];
	struct mtetag_cost cost;

	if (!t->trees)
		return 0;
	/*
	 * As zswap_invalidate(): a tree that holds nothing needs no lock, and
	 * one that does is walked once, under it. A lockless lookup first
	 * would walk a tagged page's slot twice to spare an untagged one the
	 * lock.
	 */
	if (xa_empty(mtetag_tree(t, offset)))
		return 0;
	if (__mtetag_erase(t, offset, &cost))
		return 0;
	mtetag_count(t, MTETAG_INVALIDATES, 1);
	trace_mtetag_invalidate(type, offset, cost.stored);
	/* The bytes mtetag_charge_objcg() charged at the save, if any. */
	return mtetag_type_charged(t) ? cost.alloc : 0;
}

/**
 * __mtetag_swapon() - create the tag store of a swap device
 * @si: the swap device, not enabled yet (si->swap_file set)
 * @nr_pages: its number of slots
 *
 * Process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int __mtetag_swapon(struct swap_info_struct *si, unsigned long nr_pages)
{
	char *buf, *path = NULL;
	int err;

	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (si->swap_file) {
		path = d_path(&si->swap_file->f_path, buf, PATH_MAX);
		if (IS_ERR(path))
			path = NULL;
	}
	err = mtetag_type_create(si->type, nr_pages, path ?: "(unknown)",
				 true);
	kfree(buf);
	if (!err)
		mtetag_sysfs_swapon(si->type);
	return err;
}

/**
 * __mtetag_swapoff() - free the tag store of a swap device
 * @type: the swap type
 *
 * Called at swapoff, when no slot of @type is in use any more (so any entry
 * left is a leak: it is counted), or when swapon fails. Process context,
 * may sleep. Afterwards @type holds nothing.
 */
void __mtetag_swapoff(int type)
{
	struct mtetag_type *t = &mtetag_types[type];
	unsigned long nr;

	mtetag_sysfs_swapoff(type);
	nr = mtetag_type_destroy(type);
	if (nr) {
		pr_warn("swap type %d: %lu entries left at swapoff\n", type, nr);
		mtetag_count(t, MTETAG_SWAPOFF_LEFTOVERS, nr);
	}
	trace_mtetag_invalidate_area(type, nr);
}

/* ---------------------------------------------------------------------
 * Information for sysfs and debugfs
 */

/**
 * mtetag_type_active() - whether a swap type has a tag store
 * @type: the swap type
 *
 * Return: true between swapon and swapoff of @type.
 */
bool mtetag_type_active(int type)
{
	return mtetag_type_valid(type) && READ_ONCE(mtetag_types[type].trees);
}

/**
 * mtetag_type_devname() - the swap device or file of a swap type
 * @type: the swap type
 * @buf: where to copy the path
 * @size: size of @buf
 *
 * May sleep (takes mtetag_types_lock).
 * Return: length of the path (truncated to fit), or -ENOENT if @type is off.
 */
int mtetag_type_devname(int type, char *buf, size_t size)
{
	ssize_t len = -ENOENT;

	if (!mtetag_type_valid(type))
		return -ENOENT;
	mutex_lock(&mtetag_types_lock);
	if (mtetag_types[type].devname)
		len = strscpy(buf, mtetag_types[type].devname, size);
	mutex_unlock(&mtetag_types_lock);
	if (len == -E2BIG)
		len = size - 1;
	return len;
}

/**
 * mtetag_type_nr_shards() - number of trees of a swap type
 * @type: the swap type
 *
 * Return: one per SWAP_ADDRESS_SPACE_PAGES slots, 0 if @type is off.
 */
unsigned int mtetag_type_nr_shards(int type)
{
	unsigned int nr = 0;

	if (!mtetag_type_valid(type))
		return 0;
	mutex_lock(&mtetag_types_lock);
	nr = mtetag_types[type].nr_trees;
	mutex_unlock(&mtetag_types_lock);
	return nr;
}

/**
 * mtetag_shard_pages() - entries stored in one tree of a swap type
 * @type: the swap type
 * @shard: tree number, below mtetag_type_nr_shards()
 *
 * Walks the tree: O(entries). May sleep.
 * Return: the number of entries, or -ENOENT.
 */
long mtetag_shard_pages(int type, unsigned int shard)
{
	struct mtetag_type *t;
	unsigned long index;
	long nr = -ENOENT;
	void *entry;

	if (!mtetag_type_valid(type))
		return -ENOENT;
	t = &mtetag_types[type];
	mutex_lock(&mtetag_types_lock);
	if (t->trees && shard < t->nr_trees) {
		nr = 0;
		xa_for_each(&t->trees[shard], index, entry)
			nr++;
	}
	mutex_unlock(&mtetag_types_lock);
	return nr;
}

/* Nodes of the subtree at @entry; caller holds the RCU read lock. */
static unsigned long mtetag_count_nodes(struct xarray *xa, void *entry)
{
	struct xa_node *node;
	unsigned long nr = 1;
	unsigned int i;

	if (!xa_is_node(entry))
		return 0;
	node = xa_to_node(entry);
	if (node->shift)
		for (i = 0; i < XA_CHUNK_SIZE; i++)
			nr += mtetag_count_nodes(xa, xa_entry(xa, node, i));
	return nr;
}

static unsigned long mtetag_type_node_bytes(struct mtetag_type *t)
{
	unsigned long nr = 0;
	unsigned int i;

	lockdep_assert_held(&mtetag_types_lock);
	for (i = 0; t->trees && i < t->nr_trees; i++) {
		rcu_read_lock();
		nr += mtetag_count_nodes(&t->trees[i], xa_head(&t->trees[i]));
		rcu_read_unlock();
		cond_resched();
	}
	return nr * sizeof(struct xa_node);
}

/**
 * mtetag_xa_node_bytes() - memory of the xarray nodes of the trees
 * @type: a swap type, or MTETAG_ALL_TYPES
 *
 * Walks the trees under RCU, so the figure is a snapshot of a moving
 * target. Counts sizeof(struct xa_node) per node, the object size of the
 * radix_tree_node cache. May sleep.
 *
 * Return: bytes, 0 for a type that is off.
 */
unsigned long mtetag_xa_node_bytes(int type)
{
	unsigned long bytes = 0;
	int i;

	mutex_lock(&mtetag_types_lock);
	for (i = 0; i < MAX_SWAPFILES; i++)
		if (type == MTETAG_ALL_TYPES || type == i)
			bytes += mtetag_type_node_bytes(&mtetag_types[i]);
	mutex_unlock(&mtetag_types_lock);
	return bytes;
}

/**
 * mtetag_total_bytes() - kernel memory the store uses
 * @type: a swap type, or MTETAG_ALL_TYPES
 *
 * Blob allocations plus xarray nodes. May sleep.
 * Return: bytes.
 */
unsigned long mtetag_total_bytes(int type)
{
	struct mtetag_stats_snapshot *snap;
	unsigned long bytes = mtetag_xa_node_bytes(type);

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (snap && !mtetag_stats_read(type, snap))
		bytes += snap->item[MTETAG_ALLOC_BYTES];
	kfree(snap);
	return bytes;
}

/**
 * mtetag_get_policy() - the codec policy for new entries
 *
 * Return: a codec, or MTETAG_CODEC_AUTO.
 */
enum mtetag_codec mtetag_get_policy(void)
{
	return READ_ONCE(mtetag_policy);
}

/**
 * mtetag_set_policy() - choose how new entries are written
 * @policy: a codec that mtetag_codec_available() accepts, or
 *	MTETAG_CODEC_AUTO (inline where possible, else GOLOMB or RAW)
 *
 * Entries stored before stay as they are, and readable. Any context.
 * Return: 0, or -EINVAL if @policy cannot be selected.
 */
int mtetag_set_policy(enum mtetag_codec policy)
{
	if (policy == MTETAG_CODEC_ZERO || policy > MTETAG_CODEC_AUTO ||
	    !mtetag_codec_available(policy))
		return -EINVAL;
	WRITE_ONCE(mtetag_policy, policy);
	return 0;
}

/* ---------------------------------------------------------------------
 * Init
 */

static void __init mtetag_create_caches(void)
{
	unsigned int i, size;

	for (i = 0; i < MTETAG_NR_SIZE_CLASSES; i++) {
		size = (i + 1) * MTETAG_SIZE_STEP;
		snprintf(mtetag_blob_cache_names[i],
			 sizeof(mtetag_blob_cache_names[i]), "mtetag-%u", size);
		mtetag_blob_caches[i] =
			kmem_cache_create(mtetag_blob_cache_names[i], size,
					  __alignof__(struct mtetag_blob),
					  SLAB_PANIC, NULL);
	}
	mtetag_raw_cache = kmem_cache_create("mtetag-raw", MTETAG_RAW_SIZE, 0,
					     SLAB_PANIC, NULL);
}

/*
 * Compression is background work, like khugepaged's collapses: at MAX_NICE
 * it leaves the CPU to the tasks whose memory it compresses, and a page it
 * has not reached yet only stays raw longer.
 */
static void __init mtetag_wq_set_background(void)
{
	struct workqueue_attrs *attrs = alloc_workqueue_attrs();
	int err = -ENOMEM;

	if (attrs) {
		attrs->nice = MAX_NICE;
		err = apply_workqueue_attrs(mtetag_wq, attrs);
		free_workqueue_attrs(attrs);
	}
	if (err)
		pr_warn("compression worker at default priority (%d)\n", err);
}

static int __init mtetag_init(void)
{
	int err;

	/*
	 * The caches are made even without tag hardware, for the KUnit
	 * tests; the swap hooks stay off then.
	 */
	mtetag_create_caches();
	if (!arch_mtetag_supported())
		return 0;

	/* Freezable: no entry changes while a hibernation image is made. */
	mtetag_wq = alloc_workqueue("mtetag", WQ_UNBOUND | WQ_MEM_RECLAIM |
				    WQ_FREEZABLE, 1);
	if (mtetag_wq) {
		mtetag_wq_set_background();
	} else {
		pr_warn("no workqueue: compressing at swap-out\n");
		mtetag_compress_delay_ms = 0;
	}

	err = mtetag_zstd_init();
	if (err && IS_ENABLED(CONFIG_MTETAG_ZSTD))
		pr_warn("zstd codec unavailable (%d)\n", err);
	static_branch_enable(&mtetag_enabled);
	pr_info("keeping tags of swapped-out pages, codec policy %s\n",
		mtetag_codec_names[mtetag_get_policy()]);
	return 0;
}
subsys_initcall(mtetag_init);

#if IS_ENABLED(CONFIG_MTETAG_KUNIT_TEST)
#include "tests/store-kunit.h"
#endif
