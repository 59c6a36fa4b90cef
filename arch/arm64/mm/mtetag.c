// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 MTE backend of mtetag (mm/mtetag/), which keeps the allocation tags
 * of swapped-out pages, and the tag buffers hibernation and core dumps use.
 */

#include <linux/cpufeature.h>
#include <linux/mm.h>
#include <linux/mtetag.h>
#include <linux/slab.h>

#include <asm/mte.h>

/**
 * mte_allocate_tag_storage() - allocate a buffer for the tags of one page
 *
 * Used by hibernation and core dumps. May sleep.
 * Return: an MTE_PAGE_TAG_STORAGE-byte buffer, or NULL.
 */
void *mte_allocate_tag_storage(void)
{
	/* tags granule is 16 bytes, 2 tags stored per byte */
	return kmalloc(MTE_PAGE_TAG_STORAGE, GFP_KERNEL);
}

/**
 * mte_free_tag_storage() - free a buffer of mte_allocate_tag_storage()
 * @storage: the buffer, or NULL
 */
void mte_free_tag_storage(char *storage)
{
	kfree(storage);
}

#ifdef CONFIG_MTETAG

static_assert(MTE_GRANULE_SIZE == 16 && MTE_TAG_SIZE == 4,
	      "mtetag's raw layout is MTE's: 4-bit tags per 16-byte granule");

/**
 * arch_mtetag_supported() - whether pages carry tags swap must keep
 *
 * Return: true if the system supports MTE.
 */
bool arch_mtetag_supported(void)
{
	return system_supports_mte();
}

/**
 * arch_mtetag_page_tagged() - whether a page's tags must be saved
 * @page: the page
 *
 * A page has valid tags once PG_mte_tagged is set. That includes pages of
 * KVM guests with MTE that the VMM never mapped PROT_MTE, so the mapping
 * cannot tell.
 *
 * Return: true if @page holds tags.
 */
bool arch_mtetag_page_tagged(struct page *page)
{
	return page_mte_tagged(page);
}

/**
 * arch_mtetag_read_page() - read the tags of a page
 * @page: a page for which arch_mtetag_page_tagged() is true
 * @tags: MTE_PAGE_TAG_STORAGE bytes: two 4-bit tags per byte, granule 2i
 *	in the low nibble of byte i
 *
 * Any context.
 */
void arch_mtetag_read_page(struct page *page, u8 *tags)
{
	mte_save_page_tags(page_address(page), tags);
}

/**
 * arch_mtetag_try_claim_page() - take the right to set the tags of a page
 * @page: the page
 *
 * The PG_mte_lock protocol: the first caller wins and must then call
 * arch_mtetag_write_page(), which completes the claim. Later callers wait
 * until the winner has set the tags. Any context: the wait is bounded by
 * the winner writing one page of tags.
 *
 * Return: true if the caller now owns the page's tags; false if the page
 * is tagged already (its tags must be left alone).
 */
bool arch_mtetag_try_claim_page(struct page *page)
{
	return try_page_mte_tagging(page);
}

/**
 * arch_mtetag_write_page() - set the tags of a claimed page
 * @page: a page claimed with arch_mtetag_try_claim_page()
 * @tags: the tags, layout as for arch_mtetag_read_page()
 *
 * Writes the tags and marks the page tagged, which releases the claim.
 * Any context.
 */
void arch_mtetag_write_page(struct page *page, const u8 *tags)
{
	mte_restore_page_tags(page_address(page), tags);
	set_page_mte_tagged(page);
}

#endif /* CONFIG_MTETAG */
