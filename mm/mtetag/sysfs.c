// SPDX-License-Identifier: GPL-2.0
/*
 * mtetag sysfs interface: the statistics an operator reads and the codec
 * policy, in /sys/kernel/mm/mtetag/.
 *
 *   /sys/kernel/mm/mtetag/
 *     stored_pages stored_bytes total_bytes inline_pages zero_pages
 *     saves restores invalidates
 *     save_failures save_failures_nomem save_failures_xarray
 *     save_failures_cgroup
 *     codec
 *     swap/<type>/
 *       device
 *       stored_pages stored_bytes total_bytes inline_pages zero_pages
 *       saves restores invalidates
 *
 * These files are an ABI (Documentation/ABI/testing/sysfs-kernel-mm-mtetag);
 * figures that may change with the implementation go to debugfs instead.
 * This file only shows what the store (store.c) counts, through internal.h.
 *
 * The directory exists only when mtetag is active (the CPU has tags): tools
 * take its absence to mean "no mtetag here". A swap/<type>/ directory lives
 * from the swapon of the type (mtetag_sysfs_swapon()) to its swapoff
 * (mtetag_sysfs_swapoff()); the counters in it start from zero at swapon.
 */

#define pr_fmt(fmt) "mtetag: " fmt

#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/kobject.h>
#include <linux/mtetag.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/sysfs.h>

#include "codec.h"
#include "internal.h"

/* /sys/kernel/mm/mtetag and its swap/ subdirectory; NULL until init. */
static struct kobject *mtetag_kobj;
static struct kobject *mtetag_swap_kobj;

/**
 * struct mtetag_type_kobj - the swap/<type>/ directory of a swap type
 * @kobj: its kobject, child of mtetag_swap_kobj
 * @type: the swap type
 */
struct mtetag_type_kobj {
	struct kobject kobj;
	int type;
};

/*
 * The directories by type. mtetag_sysfs_lock serialises their creation and
 * removal with each other and with init, which can find types already on.
 */
static struct mtetag_type_kobj *mtetag_type_kobjs[MAX_SWAPFILES];
static DEFINE_MUTEX(mtetag_sysfs_lock);

/*
 * The counter files are the same at the top and in swap/<type>/: one
 * attribute serves both, and the kobject it is read through tells which
 * counters to show.
 */
static int mtetag_kobj_type(struct kobject *kobj)
{
	if (kobj == mtetag_kobj)
		return MTETAG_ALL_TYPES;
	return container_of(kobj, struct mtetag_type_kobj, kobj)->type;
}

/**
 * struct mtetag_stat_attr - a file showing one counter of the store
 * @kattr: the sysfs attribute
 * @item: the counter, enum mtetag_stat_item
 */
struct mtetag_stat_attr {
	struct kobj_attribute kattr;
	enum mtetag_stat_item item;
};

static ssize_t mtetag_stat_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct mtetag_stat_attr *sa =
		container_of(attr, struct mtetag_stat_attr, kattr);
	struct mtetag_stats_snapshot snap;
	int err;

	err = mtetag_stats_read(mtetag_kobj_type(kobj), &snap);
	if (err)
		return err;
	return sysfs_emit(buf, "%lu\n", snap.item[sa->item]);
}

#define MTETAG_STAT_ATTR(_name, _item)					\
	static struct mtetag_stat_attr mtetag_attr_##_name = {		\
		.kattr = __ATTR(_name, 0444, mtetag_stat_show, NULL),	\
		.item = _item,						\
	}

MTETAG_STAT_ATTR(stored_pages, MTETAG_STORED_PAGES);
MTETAG_STAT_ATTR(stored_bytes, MTETAG_STORED_BYTES);
MTETAG_STAT_ATTR(inline_pages, MTETAG_INLINE_PAGES);
MTETAG_STAT_ATTR(zero_pages, MTETAG_ZERO_PAGES);
MTETAG_STAT_ATTR(saves, MTETAG_SAVES);
MTETAG_STAT_ATTR(restores, MTETAG_RESTORES);
MTETAG_STAT_ATTR(invalidates, MTETAG_INVALIDATES);
MTETAG_STAT_ATTR(save_failures_nomem, MTETAG_FAIL_NOMEM);
MTETAG_STAT_ATTR(save_failures_xarray, MTETAG_FAIL_XARRAY);
MTETAG_STAT_ATTR(save_failures_cgroup, MTETAG_FAIL_CGROUP);

/* Blobs as allocated, plus the xarray nodes: what the store really costs. */
static ssize_t total_bytes_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n",
			  mtetag_total_bytes(mtetag_kobj_type(kobj)));
}

static struct kobj_attribute mtetag_attr_total_bytes = __ATTR_RO(total_bytes);

/* Failed folio saves, whatever the reason: the sum of the files by reason. */
static ssize_t save_failures_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct mtetag_stats_snapshot snap;
	int err;

	err = mtetag_stats_read(MTETAG_ALL_TYPES, &snap);
	if (err)
		return err;
	return sysfs_emit(buf, "%lu\n", snap.item[MTETAG_FAIL_NOMEM] +
			  snap.item[MTETAG_FAIL_XARRAY] +
			  snap.item[MTETAG_FAIL_CGROUP]);
}

static struct kobj_attribute mtetag_attr_save_failures =
	__ATTR_RO(save_failures);

/*
 * Every codec that can be selected now, the current one in brackets:
 * "runs compact raw zstd golomb [auto]". "zero" is never listed: zero
 * elision always applies.
 */
static ssize_t codec_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	enum mtetag_codec policy = mtetag_get_policy();
	int len = 0, c;

	for (c = 0; c <= MTETAG_CODEC_AUTO; c++) {
		if (!mtetag_codec_available(c))
			continue;
		len += sysfs_emit_at(buf, len, c == policy ? "%s[%s]" : "%s%s",
				     len ? " " : "", mtetag_codec_names[c]);
	}
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

/*
 * Select the codec of new entries by name (a trailing newline is allowed);
 * anything else fails with -EINVAL and changes nothing. Entries stored
 * before keep their codec and stay readable.
 */
static ssize_t codec_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	int c, err;

	c = sysfs_match_string(mtetag_codec_names, buf);
	if (c < 0)
		return c;
	/* Refuses "zero" and codecs not available. */
	err = mtetag_set_policy(c);
	return err ? err : count;
}

static struct kobj_attribute mtetag_attr_codec = __ATTR_RW(codec);

static ssize_t compress_delay_ms_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", mtetag_get_compress_delay());
}

/*
 * A decimal number of milliseconds, 0 to MTETAG_COMPRESS_DELAY_MAX_MS;
 * anything else fails with -EINVAL and changes nothing.
 */
static ssize_t compress_delay_ms_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	unsigned int ms;
	int err;

	err = kstrtouint(buf, 10, &ms);
	if (err)
		return -EINVAL;
	err = mtetag_set_compress_delay(ms);
	return err ? err : count;
}

static struct kobj_attribute mtetag_attr_compress_delay_ms =
	__ATTR_RW(compress_delay_ms);

/* The counters of the whole store and of each swap type alike. */
static struct attribute *mtetag_counter_attrs[] = {
	&mtetag_attr_stored_pages.kattr.attr,
	&mtetag_attr_stored_bytes.kattr.attr,
	&mtetag_attr_total_bytes.attr,
	&mtetag_attr_inline_pages.kattr.attr,
	&mtetag_attr_zero_pages.kattr.attr,
	&mtetag_attr_saves.kattr.attr,
	&mtetag_attr_restores.kattr.attr,
	&mtetag_attr_invalidates.kattr.attr,
	NULL,
};

static const struct attribute_group mtetag_counter_group = {
	.attrs = mtetag_counter_attrs,
};

/* What only the top directory has: save failures, the codec, its delay. */
static struct attribute *mtetag_attrs[] = {
	&mtetag_attr_save_failures.attr,
	&mtetag_attr_save_failures_nomem.kattr.attr,
	&mtetag_attr_save_failures_xarray.kattr.attr,
	&mtetag_attr_save_failures_cgroup.kattr.attr,
	&mtetag_attr_codec.attr,
	&mtetag_attr_compress_delay_ms.attr,
	NULL,
};

static const struct attribute_group mtetag_attr_group = {
	.attrs = mtetag_attrs,
};

static const struct attribute_group *mtetag_groups[] = {
	&mtetag_counter_group,
	&mtetag_attr_group,
	NULL,
};

/*
 * The swap device or file, as the path swapon was given resolves to. Unlike
 * /proc/swaps, blanks and backslashes in it are not escaped.
 */
static ssize_t device_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	int len;

	/* Leave room for the newline. */
	len = mtetag_type_devname(mtetag_kobj_type(kobj), buf, PAGE_SIZE - 1);
	if (len < 0)
		return len;
	buf[len++] = '\n';
	return len;
}

static struct kobj_attribute mtetag_attr_device = __ATTR_RO(device);

static struct attribute *mtetag_type_attrs[] = {
	&mtetag_attr_device.attr,
	NULL,
};

static const struct attribute_group mtetag_type_group = {
	.attrs = mtetag_type_attrs,
};

/* swap/<type>/: the device, and the counters of that type. */
static const struct attribute_group *mtetag_type_groups[] = {
	&mtetag_type_group,
	&mtetag_counter_group,
	NULL,
};

static void mtetag_type_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct mtetag_type_kobj, kobj));
}

static const struct kobj_type mtetag_type_ktype = {
	.release = mtetag_type_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = mtetag_type_groups,
};

/*
 * Create swap/<type>/. A failure is only reported: statistics are no reason
 * to refuse a swap device.
 */
static void mtetag_sysfs_add_type(int type)
{
	struct mtetag_type_kobj *tk;
	int err = -ENOMEM;

	lockdep_assert_held(&mtetag_sysfs_lock);
	if (!mtetag_swap_kobj || mtetag_type_kobjs[type])
		return;

	tk = kzalloc(sizeof(*tk), GFP_KERNEL);
	if (!tk)
		goto fail;
	tk->type = type;
	err = kobject_init_and_add(&tk->kobj, &mtetag_type_ktype,
				   mtetag_swap_kobj, "%d", type);
	if (err) {
		kobject_put(&tk->kobj);
		goto fail;
	}
	mtetag_type_kobjs[type] = tk;
	return;
fail:
	pr_warn("swap type %d: no sysfs directory (%d)\n", type, err);
}

/**
 * mtetag_sysfs_swapon() - show the statistics of a new swap type
 * @type: the swap type, whose tag store was just created
 *
 * Called by __mtetag_swapon() once the store of @type exists. Process
 * context, may sleep.
 */
void mtetag_sysfs_swapon(int type)
{
	if (WARN_ON_ONCE(type < 0 || type >= MAX_SWAPFILES))
		return;
	mutex_lock(&mtetag_sysfs_lock);
	mtetag_sysfs_add_type(type);
	mutex_unlock(&mtetag_sysfs_lock);
}

/**
 * mtetag_sysfs_swapoff() - remove the statistics of a swap type
 * @type: the swap type, going away
 *
 * Called by __mtetag_swapoff() before the store of @type is freed. Process
 * context, may sleep: waits for the readers of the directory's files, so
 * none can run once this returns.
 */
void mtetag_sysfs_swapoff(int type)
{
	struct mtetag_type_kobj *tk;

	if (WARN_ON_ONCE(type < 0 || type >= MAX_SWAPFILES))
		return;
	mutex_lock(&mtetag_sysfs_lock);
	tk = mtetag_type_kobjs[type];
	mtetag_type_kobjs[type] = NULL;
	mutex_unlock(&mtetag_sysfs_lock);
	if (!tk)
		return;
	kobject_del(&tk->kobj);
	kobject_put(&tk->kobj);
}

static int __init mtetag_sysfs_init(void)
{
	struct kobject *kobj, *swap_kobj;
	int err, type;

	/* No tags on this machine: no directory, so tools can tell. */
	if (!static_key_enabled(&mtetag_enabled))
		return 0;

	kobj = kobject_create_and_add("mtetag", mm_kobj);
	if (!kobj)
		return -ENOMEM;
	mtetag_kobj = kobj;
	err = sysfs_create_groups(kobj, mtetag_groups);
	if (err)
		goto fail;
	swap_kobj = kobject_create_and_add("swap", kobj);
	if (!swap_kobj) {
		err = -ENOMEM;
		goto fail;
	}

	/* Swap types enabled before this initcall ran get their directory. */
	mutex_lock(&mtetag_sysfs_lock);
	mtetag_swap_kobj = swap_kobj;
	for (type = 0; type < MAX_SWAPFILES; type++)
		if (mtetag_type_active(type))
			mtetag_sysfs_add_type(type);
	mutex_unlock(&mtetag_sysfs_lock);
	return 0;
fail:
	pr_err("cannot create /sys/kernel/mm/mtetag (%d)\n", err);
	mtetag_kobj = NULL;
	kobject_put(kobj);
	return err;
}

/* After the store's subsys_initcall has decided whether mtetag is on. */
late_initcall(mtetag_sysfs_init);
