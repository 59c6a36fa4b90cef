/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mtetag internals shared by the store (store.c) and the code on top of it
 * (sysfs, debugfs): statistics, the codec policy, per swap type information.
 *
 * Nothing here is an ABI: the files that show these figures are.
 */
#ifndef _MM_MTETAG_INTERNAL_H
#define _MM_MTETAG_INTERNAL_H

#include <linux/fault-inject.h>
#include <linux/kernel.h>
#include <linux/swap.h>
#include <linux/types.h>

#include "codec.h"

/*
 * Blob sizes. Non-raw blobs (header + payload) come from kmem caches of
 * MTETAG_SIZE_STEP-byte size classes, so the allocator rounds up by at most
 * MTETAG_SIZE_STEP - 1 bytes; raw blobs are exactly MTETAG_RAW_SIZE bytes.
 */
#define MTETAG_SIZE_STEP	8
#define MTETAG_BLOB_MAX_SIZE	(MTETAG_BLOB_HDR + 255 < MTETAG_RAW_SIZE ? \
				 MTETAG_BLOB_HDR + 255 : MTETAG_RAW_SIZE)
#define MTETAG_NR_SIZE_CLASSES	DIV_ROUND_UP(MTETAG_BLOB_MAX_SIZE, MTETAG_SIZE_STEP)

/*
 * Histogram of stored entries by what they cost: bucket 0 holds inline
 * entries (no allocation), bucket c (1..MTETAG_NR_SIZE_CLASSES) the non-raw
 * blobs of the c * MTETAG_SIZE_STEP-byte class, and the last bucket the raw
 * blobs. mtetag_hist_bucket_bytes() tells a bucket's allocation size.
 */
#define MTETAG_HIST_INLINE	0
#define MTETAG_HIST_RAW		(MTETAG_NR_SIZE_CLASSES + 1)
#define MTETAG_NR_HIST		(MTETAG_HIST_RAW + 1)

/**
 * enum mtetag_stat_item - counters, per swap type and global
 *
 * Gauges (before MTETAG_NR_GAUGES) describe what is stored now and drop to
 * zero when everything is freed; events count since boot (global) or since
 * the swapon of the type (per type).
 *
 * @MTETAG_STORED_PAGES: entries stored (one per tagged swapped-out page)
 * @MTETAG_STORED_BYTES: bytes of the blobs, header included; inline is 0
 * @MTETAG_ALLOC_BYTES: slab object bytes of the blobs; with the xarray
 *	nodes (mtetag_xa_node_bytes()) the memory the store uses
 * @MTETAG_ROUNDING_BYTES: MTETAG_ALLOC_BYTES - MTETAG_STORED_BYTES: what the
 *	size classes round up
 * @MTETAG_INLINE_PAGES: entries held in the xarray slot, zero pages included
 * @MTETAG_ZERO_PAGES: entries of pages whose tags are all zero
 * @MTETAG_RAW_PAGES: entries stored uncompressed
 * @MTETAG_PENDING_PAGES: raw entries waiting for deferred compression
 *	(a part of @MTETAG_RAW_PAGES)
 * @MTETAG_NR_GAUGES: number of gauges
 * @MTETAG_SAVES: pages saved
 * @MTETAG_REPLACES: saves that replaced (and freed) an entry of the slot
 * @MTETAG_RESTORES: pages whose tags were written back from an entry
 * @MTETAG_RESTORES_TAGGED: restores skipped: the page had its tags already
 *	(swap cache page mapped again)
 * @MTETAG_INVALIDATES: entries freed with their swap slot
 * @MTETAG_COMPRESSIONS: pending entries the deferred compression replaced
 *	by a smaller one
 * @MTETAG_FAIL_NOMEM: folio saves failed: no memory for a blob
 * @MTETAG_FAIL_XARRAY: folio saves failed: no memory for xarray nodes
 * @MTETAG_FAIL_CGROUP: folio saves failed: cgroup limit (reserved)
 * @MTETAG_DECODE_ERRORS: restores that found an undecodable entry and
 *	wrote zero tags
 * @MTETAG_VERIFY_ERRORS: encodings that did not decode to the input (a
 *	codec bug, stored raw instead)
 * @MTETAG_SWAPOFF_LEFTOVERS: entries still stored at swapoff (a leak)
 * @MTETAG_NR_STAT_ITEMS: number of counters
 */
enum mtetag_stat_item {
	MTETAG_STORED_PAGES,
	MTETAG_STORED_BYTES,
	MTETAG_ALLOC_BYTES,
	MTETAG_ROUNDING_BYTES,
	MTETAG_INLINE_PAGES,
	MTETAG_ZERO_PAGES,
	MTETAG_RAW_PAGES,
	MTETAG_PENDING_PAGES,
	MTETAG_NR_GAUGES,
	MTETAG_SAVES = MTETAG_NR_GAUGES,
	MTETAG_REPLACES,
	MTETAG_RESTORES,
	MTETAG_RESTORES_TAGGED,
	MTETAG_INVALIDATES,
	MTETAG_COMPRESSIONS,
	MTETAG_FAIL_NOMEM,
	MTETAG_FAIL_XARRAY,
	MTETAG_FAIL_CGROUP,
	MTETAG_DECODE_ERRORS,
	MTETAG_VERIFY_ERRORS,
	MTETAG_SWAPOFF_LEFTOVERS,
	MTETAG_NR_STAT_ITEMS,
};

/* File-name style names of the counters, indexed by enum mtetag_stat_item. */
extern const char * const mtetag_stat_names[MTETAG_NR_STAT_ITEMS];

/**
 * struct mtetag_stats - the counters of one swap type, or of all, on one CPU
 * @item: by enum mtetag_stat_item; of the gauges only MTETAG_PENDING_PAGES
 *	is kept here, mtetag_stats_read() derives the others from the rest
 * @codec_pages: entries stored now, by the codec that wrote them
 * @codec_bytes: bytes of blob stored now, by codec
 * @hist: entries stored now, by histogram bucket (MTETAG_HIST_*)
 *
 * Per CPU, so that swapping on many CPUs does not bounce one cache line,
 * and updated with plain adds under preempt_disable(): every path that
 * counts runs in task context (the locks it holds, si->lock, PTE locks and
 * the tree's, are never taken in interrupts), so nothing interrupts an
 * update with another on the same CPU. Per CPU a gauge may go negative;
 * the sums are exact once no update is in flight.
 */
struct mtetag_stats {
	long item[MTETAG_NR_STAT_ITEMS];
	long codec_pages[MTETAG_NR_CODECS];
	long codec_bytes[MTETAG_NR_CODECS];
	long hist[MTETAG_NR_HIST];
};

/**
 * struct mtetag_stats_snapshot - plain copy of struct mtetag_stats
 * @item: by enum mtetag_stat_item
 * @codec_pages: by enum mtetag_codec
 * @codec_bytes: by enum mtetag_codec
 * @hist: by histogram bucket
 */
struct mtetag_stats_snapshot {
	unsigned long item[MTETAG_NR_STAT_ITEMS];
	unsigned long codec_pages[MTETAG_NR_CODECS];
	unsigned long codec_bytes[MTETAG_NR_CODECS];
	unsigned long hist[MTETAG_NR_HIST];
};

/* The "type" of the global counters in the functions below. */
#define MTETAG_ALL_TYPES	(-1)

int mtetag_stats_read(int type, struct mtetag_stats_snapshot *snap);
unsigned int mtetag_hist_bucket_bytes(unsigned int bucket);

bool mtetag_type_active(int type);
int mtetag_type_devname(int type, char *buf, size_t size);
unsigned int mtetag_type_nr_shards(int type);
long mtetag_shard_pages(int type, unsigned int shard);
unsigned long mtetag_xa_node_bytes(int type);
unsigned long mtetag_total_bytes(int type);

enum mtetag_codec mtetag_get_policy(void);
int mtetag_set_policy(enum mtetag_codec policy);

/* Longest delay of deferred compression that sysfs accepts. */
#define MTETAG_COMPRESS_DELAY_MAX_MS	60000
unsigned int mtetag_get_compress_delay(void);
int mtetag_set_compress_delay(unsigned int ms);

/* sysfs.c: swap/<type>/ directories, from __mtetag_swapon/swapoff(). */
void mtetag_sysfs_swapon(int type);
void mtetag_sysfs_swapoff(int type);

#ifdef CONFIG_MTETAG_FAULT_INJECTION
/* Fails blob allocations of saves; for fault_create_debugfs_attr(). */
extern struct fault_attr mtetag_fail_save;
#endif

#endif /* _MM_MTETAG_INTERNAL_H */
