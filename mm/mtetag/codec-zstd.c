// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag ZSTD codec: lib/zstd on one page of tags, for comparison with the
 * specialised codecs.
 *
 * The payload is a zstd frame without its 4-byte magic number (the codec
 * byte of the blob already says what it is), with no checksum and no
 * dictionary ID: about 5 bytes of framing around the compressed block.
 *
 * Swap-out and swap-in may run in atomic context, so the compression and
 * decompression contexts are allocated up front, one pair per possible CPU,
 * by mtetag_zstd_init(), and used with preemption disabled.
 */
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/zstd.h>

#include "codec.h"

#define MTETAG_ZSTD_LEVEL	3
#define MTETAG_ZSTD_MAGIC_LEN	4
static const u8 mtetag_zstd_magic[MTETAG_ZSTD_MAGIC_LEN] = {
	0x28, 0xb5, 0x2f, 0xfd,		/* ZSTD_MAGICNUMBER, little endian */
};

struct mtetag_zstd_ws {
	zstd_cctx *cctx;
	zstd_dctx *dctx;
	void *cmem;
	void *dmem;
};

static DEFINE_MUTEX(mtetag_zstd_lock);
static struct mtetag_zstd_ws __percpu *mtetag_zstd_ws;
static zstd_parameters mtetag_zstd_params;
/* Set, with release, once the workspaces of every CPU are usable. */
static bool mtetag_zstd_up;

/**
 * mtetag_zstd_ready() - whether mtetag_zstd_init() has succeeded
 *
 * Return: true if the ZSTD codec can encode and decode.
 */
bool mtetag_zstd_ready(void)
{
	/* Pairs with the release in mtetag_zstd_init(): workspaces are seen. */
	return smp_load_acquire(&mtetag_zstd_up);
}

static void mtetag_zstd_free(void)
{
	int cpu;

	if (!mtetag_zstd_ws)
		return;
	for_each_possible_cpu(cpu) {
		struct mtetag_zstd_ws *ws = per_cpu_ptr(mtetag_zstd_ws, cpu);

		kvfree(ws->cmem);
		kvfree(ws->dmem);
	}
	free_percpu(mtetag_zstd_ws);
	mtetag_zstd_ws = NULL;
}

/**
 * mtetag_zstd_init() - allocate the per-CPU zstd workspaces
 *
 * May sleep. Idempotent: once it has succeeded, later calls return 0.
 * Return: 0, or -ENOMEM.
 */
int mtetag_zstd_init(void)
{
	zstd_compression_parameters cparams;
	size_t csize, dsize;
	int cpu, err = 0;

	mutex_lock(&mtetag_zstd_lock);
	if (mtetag_zstd_up)
		goto out;

	/* Default frame parameters: content size, no checksum, no dict ID. */
	mtetag_zstd_params = zstd_get_params(MTETAG_ZSTD_LEVEL, MTETAG_RAW_SIZE);
	cparams = zstd_get_cparams(MTETAG_ZSTD_LEVEL, MTETAG_RAW_SIZE, 0);
	csize = zstd_cctx_workspace_bound(&cparams);
	dsize = zstd_dctx_workspace_bound();

	err = -ENOMEM;
	mtetag_zstd_ws = alloc_percpu(struct mtetag_zstd_ws);
	if (!mtetag_zstd_ws)
		goto out;
	for_each_possible_cpu(cpu) {
		struct mtetag_zstd_ws *ws = per_cpu_ptr(mtetag_zstd_ws, cpu);

		ws->cmem = kvmalloc(csize, GFP_KERNEL);
		ws->dmem = kvmalloc(dsize, GFP_KERNEL);
		if (!ws->cmem || !ws->dmem)
			goto fail;
		ws->cctx = zstd_init_cctx(ws->cmem, csize);
		ws->dctx = zstd_init_dctx(ws->dmem, dsize);
		if (!ws->cctx || !ws->dctx)
			goto fail;
	}
	err = 0;
	/* Publish the workspaces before the flag: see mtetag_zstd_ready(). */
	smp_store_release(&mtetag_zstd_up, true);
	goto out;
fail:
	mtetag_zstd_free();
out:
	mutex_unlock(&mtetag_zstd_lock);
	return err;
}

/**
 * mtetag_zstd_exit() - free the per-CPU zstd workspaces
 *
 * May sleep. The caller guarantees that no encode or decode with the ZSTD
 * codec runs or will run (no ZSTD blob is left to decode).
 */
void mtetag_zstd_exit(void)
{
	mutex_lock(&mtetag_zstd_lock);
	/* Nothing may use the codec now (see above): order only for form. */
	smp_store_release(&mtetag_zstd_up, false);
	mtetag_zstd_free();
	mutex_unlock(&mtetag_zstd_lock);
}

/**
 * mtetag_zstd_encode() - compress a page of tags with zstd
 * @tags: MTETAG_RAW_SIZE bytes of tags in raw layout
 * @buf: output, room for MTETAG_BLOB_PAYLOAD_MAX bytes
 * @len: payload bytes written to @buf
 *
 * Atomic-safe once mtetag_zstd_init() has succeeded.
 * Return: 0, or -E2BIG if the payload would exceed MTETAG_BLOB_PAYLOAD_MAX
 * bytes, or -EINVAL if zstd is not ready.
 */
int mtetag_zstd_encode(const u8 *tags, u8 *buf, unsigned int *len)
{
	u8 frame[MTETAG_RAW_SIZE + MTETAG_ZSTD_MAGIC_LEN];
	size_t cap = MTETAG_BLOB_PAYLOAD_MAX + MTETAG_ZSTD_MAGIC_LEN;
	struct mtetag_zstd_ws *ws;
	size_t ret;

	if (!mtetag_zstd_ready())
		return -EINVAL;
	ws = get_cpu_ptr(mtetag_zstd_ws);
	ret = zstd_compress_cctx(ws->cctx, frame, cap, tags, MTETAG_RAW_SIZE,
				 &mtetag_zstd_params);
	put_cpu_ptr(mtetag_zstd_ws);
	if (zstd_is_error(ret) || ret <= MTETAG_ZSTD_MAGIC_LEN ||
	    memcmp(frame, mtetag_zstd_magic, MTETAG_ZSTD_MAGIC_LEN))
		return -E2BIG;
	*len = ret - MTETAG_ZSTD_MAGIC_LEN;
	memcpy(buf, frame + MTETAG_ZSTD_MAGIC_LEN, *len);
	return 0;
}

/**
 * mtetag_zstd_decode() - decompress a ZSTD payload
 * @payload: the payload bytes (a zstd frame without its magic number)
 * @len: number of payload bytes
 * @tags: MTETAG_RAW_SIZE bytes of output, raw layout
 *
 * Atomic-safe once mtetag_zstd_init() has succeeded.
 * Return: 0, or -EINVAL for a malformed payload or if zstd is not ready.
 */
int mtetag_zstd_decode(const u8 *payload, unsigned int len, u8 *tags)
{
	u8 frame[MTETAG_RAW_SIZE + MTETAG_ZSTD_MAGIC_LEN];
	struct mtetag_zstd_ws *ws;
	size_t ret;

	if (!mtetag_zstd_ready() || len > MTETAG_BLOB_PAYLOAD_MAX)
		return -EINVAL;
	memcpy(frame, mtetag_zstd_magic, MTETAG_ZSTD_MAGIC_LEN);
	memcpy(frame + MTETAG_ZSTD_MAGIC_LEN, payload, len);
	ws = get_cpu_ptr(mtetag_zstd_ws);
	ret = zstd_decompress_dctx(ws->dctx, tags, MTETAG_RAW_SIZE, frame,
				   len + MTETAG_ZSTD_MAGIC_LEN);
	put_cpu_ptr(mtetag_zstd_ws);
	if (zstd_is_error(ret) || ret != MTETAG_RAW_SIZE)
		return -EINVAL;
	return 0;
}
