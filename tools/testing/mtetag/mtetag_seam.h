/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel definitions mm/mtetag/codec*.c use, for building them
 * unchanged in userspace. The headers in linux/ next to this one only
 * include it; <linux/types.h> and <linux/errno.h> come from the system's UAPI
 * headers, harmlessly. The zstd API maps onto the host's libzstd.
 *
 * Shims keep score so that tests can check them: allocations (leaks),
 * preemption (balanced get_cpu_ptr()/put_cpu_ptr()), the mutex, warnings,
 * and kvmalloc() can be made to fail on demand.
 */
#ifndef _MTETAG_SEAM_H
#define _MTETAG_SEAM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;

#define BITS_PER_LONG		__LONG_WIDTH__
#define PAGE_SIZE		4096UL

#define BIT(nr)			(1UL << (nr))
#define BIT_ULL(nr)		(1ULL << (nr))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define GENMASK(h, l) \
	(((~0UL) - (1UL << (l)) + 1) & (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define BITMAP_FIRST_WORD_MASK(start)	(~0UL << ((start) & (BITS_PER_LONG - 1)))
#define BITMAP_LAST_WORD_MASK(nbits)	(~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#undef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#define __percpu
/* As include/linux/compiler_attributes.h: not zeroed by auto-var-init. */
#if __has_attribute(__uninitialized__)
#define __uninitialized		__attribute__((__uninitialized__))
#else
#define __uninitialized
#endif

/*
 * Statement expressions, as in the kernel: never constant expressions, so
 * that an array sized with one is a VLA here too (-Wvla).
 */
#define min_t(type, a, b)	({ type __a = (a), __b = (b); __a < __b ? __a : __b; })
#define max_t(type, a, b)	({ type __a = (a), __b = (b); __a > __b ? __a : __b; })
#define clamp_t(type, v, lo, hi) min_t(type, max_t(type, v, lo), hi)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define BUILD_BUG_ON(cond)	_Static_assert(!(cond), #cond)

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* IS_ENABLED() as in include/linux/kconfig.h (built-in options only). */
#define __ARG_PLACEHOLDER_1	0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x)		___is_defined(x)
#define ___is_defined(val)	____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option)	__is_defined(option)

#ifndef MTETAG_SEAM_NO_ZSTD
#define CONFIG_MTETAG_ZSTD	1
#endif

#define EXPORT_SYMBOL(sym)	extern typeof(sym) sym
#define EXPORT_SYMBOL_GPL(sym)	extern typeof(sym) sym

extern unsigned long seam_warnings;
#define WARN_ON(cond) ({						\
	bool __c = !!(cond);						\
	if (__c) {							\
		seam_warnings++;					\
		fprintf(stderr, "# WARN_ON(%s) at %s:%d\n", #cond,	\
			__FILE__, __LINE__);				\
	}								\
	__c;								\
})
#define WARN_ON_ONCE(cond)	WARN_ON(cond)

/* Barriers: the C11 atomics with the same ordering. */
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

/* Eight bytes a step, as lib/string.c's, so that the benchmark is fair. */
static inline void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;
	u64 word = 0x0101010101010101ULL * (u8)c, x;
	size_t i = 0;

	for (; i + 8 <= bytes; i += 8) {
		memcpy(&x, p + i, sizeof(x));
		if (x != word)
			break;
	}
	for (; i < bytes; i++)
		if (p[i] != (u8)c)
			return (void *)(p + i);
	return NULL;
}

/* <linux/bitops.h> and <linux/unaligned.h> */
#define hweight16(w)		((unsigned int)__builtin_popcount((w) & 0xffff))
#define hweight64(w)		((unsigned int)__builtin_popcountll(w))
#define __ffs(w)		((unsigned long)__builtin_ctzl(w))
#define __ffs64(w)		((unsigned long)__builtin_ctzll(w))

static inline u64 get_unaligned_le64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline void put_unaligned_le64(u64 v, void *p)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

/* Bitmaps: copied from include/linux/bitmap.h of 6.12. */
static __always_inline
unsigned long bitmap_read(const unsigned long *map, unsigned long start,
			  unsigned long nbits)
{
	size_t index = BIT_WORD(start);
	unsigned long offset = start % BITS_PER_LONG;
	unsigned long space = BITS_PER_LONG - offset;
	unsigned long value_low, value_high;

	if (unlikely(!nbits || nbits > BITS_PER_LONG))
		return 0;

	if (space >= nbits)
		return (map[index] >> offset) & BITMAP_LAST_WORD_MASK(nbits);

	value_low = map[index] & BITMAP_FIRST_WORD_MASK(start);
	value_high = map[index + 1] & BITMAP_LAST_WORD_MASK(start + nbits);
	return (value_low >> offset) | (value_high << space);
}

static __always_inline
void bitmap_write(unsigned long *map, unsigned long value,
		  unsigned long start, unsigned long nbits)
{
	size_t index;
	unsigned long offset;
	unsigned long space;
	unsigned long mask;
	bool fit;

	if (unlikely(!nbits || nbits > BITS_PER_LONG))
		return;

	mask = BITMAP_LAST_WORD_MASK(nbits);
	value &= mask;
	offset = start % BITS_PER_LONG;
	space = BITS_PER_LONG - offset;
	fit = space >= nbits;
	index = BIT_WORD(start);

	map[index] &= (fit ? (~(mask << offset)) : ~BITMAP_FIRST_WORD_MASK(start));
	map[index] |= value << offset;
	if (fit)
		return;

	map[index + 1] &= BITMAP_FIRST_WORD_MASK(start + nbits);
	map[index + 1] |= (value >> space);
}

/* Allocation: counted, and failing on demand (seam_kvmalloc_fail_at). */
#define GFP_KERNEL		0
extern long seam_allocs;
extern long seam_kvmalloc_calls, seam_kvmalloc_fail_at;

static inline void *kvmalloc(size_t size, int gfp)
{
	void *p;

	(void)gfp;
	if (++seam_kvmalloc_calls == seam_kvmalloc_fail_at)
		return NULL;
	p = malloc(size);
	if (p)
		seam_allocs++;
	return p;
}

static inline void kvfree(const void *p)
{
	if (p)
		seam_allocs--;
	free((void *)p);
}

/* Per-CPU data for SEAM_NR_CPUS CPUs; code "runs" on seam_cpu. */
#define SEAM_NR_CPUS		2
extern int seam_cpu, seam_preempt_count;

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < SEAM_NR_CPUS; (cpu)++)
#define alloc_percpu(type)	((type *)seam_alloc_percpu(sizeof(type)))
#define per_cpu_ptr(ptr, cpu)	(&(ptr)[cpu])
#define get_cpu_ptr(ptr)	(seam_preempt_count++, per_cpu_ptr((ptr), seam_cpu))
#define put_cpu_ptr(ptr)	((void)(ptr), seam_preempt_count--)

static inline void *seam_alloc_percpu(size_t size)
{
	void *p = calloc(SEAM_NR_CPUS, size);

	if (p)
		seam_allocs++;
	return p;
}

static inline void free_percpu(void *p)
{
	kvfree(p);
}

/* A mutex that checks it is not taken twice (single-threaded tests). */
struct mutex {
	int locked;
};
#define DEFINE_MUTEX(name)	struct mutex name = { 0 }

static inline void mutex_lock(struct mutex *m)
{
	if (m->locked++)
		abort();
}

static inline void mutex_unlock(struct mutex *m)
{
	if (--m->locked)
		abort();
}

/* <linux/zstd.h> over the host's libzstd. */
#ifdef CONFIG_MTETAG_ZSTD
#define ZSTD_STATIC_LINKING_ONLY
#define ZSTD_DISABLE_DEPRECATE_WARNINGS	/* the kernel wraps the same call */
#include <zstd.h>

typedef ZSTD_CCtx zstd_cctx;
typedef ZSTD_DCtx zstd_dctx;
typedef ZSTD_parameters zstd_parameters;
typedef ZSTD_compressionParameters zstd_compression_parameters;

static inline zstd_parameters zstd_get_params(int level,
					      unsigned long long src_size)
{
	return ZSTD_getParams(level, src_size, 0);
}

static inline zstd_compression_parameters
zstd_get_cparams(int level, unsigned long long src_size, size_t dict_size)
{
	return ZSTD_getCParams(level, src_size, dict_size);
}

static inline size_t
zstd_cctx_workspace_bound(const zstd_compression_parameters *cparams)
{
	return ZSTD_estimateCCtxSize_usingCParams(*cparams);
}

static inline zstd_cctx *zstd_init_cctx(void *workspace, size_t size)
{
	return ZSTD_initStaticCCtx(workspace, size);
}

static inline size_t zstd_compress_cctx(zstd_cctx *cctx, void *dst,
					size_t dst_capacity, const void *src,
					size_t src_size,
					const zstd_parameters *parameters)
{
	return ZSTD_compress_advanced(cctx, dst, dst_capacity, src, src_size,
				      NULL, 0, *parameters);
}

static inline size_t zstd_dctx_workspace_bound(void)
{
	return ZSTD_estimateDCtxSize();
}

static inline zstd_dctx *zstd_init_dctx(void *workspace, size_t size)
{
	return ZSTD_initStaticDCtx(workspace, size);
}

static inline size_t zstd_decompress_dctx(zstd_dctx *dctx, void *dst,
					  size_t dst_capacity, const void *src,
					  size_t src_size)
{
	return ZSTD_decompressDCtx(dctx, dst, dst_capacity, src, src_size);
}

static inline unsigned int zstd_is_error(size_t code)
{
	return ZSTD_isError(code);
}
#endif /* CONFIG_MTETAG_ZSTD */

#endif /* _MTETAG_SEAM_H */
