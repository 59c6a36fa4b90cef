/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mtetag: keep the memory tags of swapped-out pages, compressed.
 *
 * Some architectures keep metadata beside every page of memory that swap
 * does not write out: arm64 MTE keeps a 4-bit allocation tag per 16-byte
 * granule. mtetag saves those tags when a folio is written to swap, keeps
 * them, compressed, in per-swap-type xarrays indexed by swap offset, puts
 * them back when the page is read in, and frees them with the swap slot.
 *
 * The swap code calls the hooks below directly. They cost a static branch
 * when the hardware has no tags.
 *
 * Lifetime of a stored entry: from mtetag_save_folio() until the swap slot
 * is freed (mtetag_invalidate_range()) or the swap device goes
 * (mtetag_swapoff()). mtetag_restore_folio() never consumes an entry:
 * restore may run more than once for one slot (a swap cache folio mapped by
 * several processes, fork).
 *
 * An architecture that selects ARCH_HAS_MTETAG implements the arch_mtetag_*
 * backend functions declared here.
 */
#ifndef _LINUX_MTETAG_H
#define _LINUX_MTETAG_H

#include <linux/jump_label.h>
#include <linux/mm_types.h>
#include <linux/types.h>

struct folio;
struct page;
struct swap_info_struct;

#ifdef CONFIG_MTETAG

/* Backend: implemented by the architecture (arch/arm64/mm/mtetag.c). */
bool arch_mtetag_supported(void);
bool arch_mtetag_page_tagged(struct page *page);
void arch_mtetag_read_page(struct page *page, u8 *tags);
bool arch_mtetag_try_claim_page(struct page *page);
void arch_mtetag_write_page(struct page *page, const u8 *tags);

/* Enabled once at boot, when arch_mtetag_supported() says yes. */
DECLARE_STATIC_KEY_FALSE(mtetag_enabled);

int __mtetag_swapon(struct swap_info_struct *si, unsigned long nr_pages);
void __mtetag_swapoff(int type);
int __mtetag_save_folio(struct folio *folio);
void __mtetag_restore_folio(swp_entry_t entry, struct folio *folio);
unsigned int __mtetag_invalidate(int type, pgoff_t offset);

/**
 * mtetag_swapon() - prepare the tag store for a swap device
 * @si: the swap device being enabled
 * @nr_pages: its number of slots
 *
 * Called from swapon before the device is enabled; may sleep.
 * Return: 0, or -ENOMEM (swapon then fails).
 */
static inline int mtetag_swapon(struct swap_info_struct *si,
				unsigned long nr_pages)
{
	if (!static_branch_unlikely(&mtetag_enabled))
		return 0;
	return __mtetag_swapon(si, nr_pages);
}

/**
 * mtetag_swapoff() - drop the tag store of a swap device
 * @type: the swap type
 *
 * Called from swapoff once no slot of @type is in use any more, or from a
 * failing swapon; may sleep. Frees whatever is left.
 */
static inline void mtetag_swapoff(int type)
{
	if (static_branch_unlikely(&mtetag_enabled))
		__mtetag_swapoff(type);
}

/**
 * mtetag_save_folio() - save the tags of a folio about to be written to swap
 * @folio: the folio, locked, in the swap cache (folio->swap is set)
 *
 * May sleep. All pages of the folio are saved, or none.
 * Return: 0, or -ENOMEM: the folio must then stay in memory.
 */
static inline int mtetag_save_folio(struct folio *folio)
{
	if (!static_branch_unlikely(&mtetag_enabled))
		return 0;
	return __mtetag_save_folio(folio);
}

/**
 * mtetag_restore_folio() - put saved tags back into a folio read from swap
 * @entry: swap entry of the folio's first page
 * @folio: the folio, locked
 *
 * Called with the PTE lock held or in other atomic context: does not
 * allocate and does not sleep. The saved tags stay stored.
 */
static inline void mtetag_restore_folio(swp_entry_t entry,
					struct folio *folio)
{
	if (static_branch_unlikely(&mtetag_enabled))
		__mtetag_restore_folio(entry, folio);
}

/**
 * mtetag_invalidate_range() - forget the tags of freed swap slots
 * @type: swap type
 * @offset: swap offset of the first slot
 * @nr: number of slots
 *
 * Called when the slots are freed, in atomic context. The entries are
 * charged to the memory cgroup of the slots' swap cgroup record, and are
 * not uncharged here: the caller passes the result to
 * mem_cgroup_uncharge_swap(), which looks that memcg up anyway.
 *
 * Return: the bytes of tags charged to the slots' memcg that were freed.
 */
static inline unsigned int mtetag_invalidate_range(int type, pgoff_t offset,
						   unsigned int nr)
{
	unsigned int bytes = 0;

	if (static_branch_unlikely(&mtetag_enabled))
		while (nr--)
			bytes += __mtetag_invalidate(type, offset++);
	return bytes;
}

#else /* !CONFIG_MTETAG */

static inline int mtetag_swapon(struct swap_info_struct *si,
				unsigned long nr_pages)
{
	return 0;
}

static inline void mtetag_swapoff(int type)
{
}

static inline int mtetag_save_folio(struct folio *folio)
{
	return 0;
}

static inline void mtetag_restore_folio(swp_entry_t entry,
					struct folio *folio)
{
}

static inline unsigned int mtetag_invalidate_range(int type, pgoff_t offset,
						   unsigned int nr)
{
	return 0;
}

#endif /* CONFIG_MTETAG */

#endif /* _LINUX_MTETAG_H */
