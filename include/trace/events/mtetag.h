/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mtetag

#if !defined(_TRACE_MTETAG_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_MTETAG_H

#include <linux/tracepoint.h>
#include <linux/types.h>

/*
 * Codec numbers are enum mtetag_codec (mm/mtetag/codec.h), which never
 * renumbers: they are stored in blobs.
 */
#define show_mtetag_codec(codec)				\
	__print_symbolic(codec,					\
			 { 0, "zero" },				\
			 { 1, "runs" },				\
			 { 2, "compact" },			\
			 { 3, "raw" },				\
			 { 4, "zstd" },				\
			 { 5, "golomb" })

/* Why a save failed: enum mtetag_fail_reason in mm/mtetag/store.c. */
#define show_mtetag_fail_reason(reason)				\
	__print_symbolic(reason,				\
			 { 0, "nomem" },			\
			 { 1, "xarray" },			\
			 { 2, "cgroup" })

/* An entry stored: by a save, or by the compression of a pending one. */
DECLARE_EVENT_CLASS(mtetag_entry,
		    TP_PROTO(int type, pgoff_t offset, unsigned int codec,
			     unsigned int size, bool is_inline),
		    TP_ARGS(type, offset, codec, size, is_inline),
		    TP_STRUCT__entry(__field(int, type)
				     __field(pgoff_t, offset)
				     __field(unsigned int, codec)
				     __field(unsigned int, size)
				     __field(bool, is_inline)),
		    TP_fast_assign(__entry->type = type;
				   __entry->offset = offset;
				   __entry->codec = codec;
				   __entry->size = size;
				   __entry->is_inline = is_inline;),
		    TP_printk("type=%d offset=%lu codec=%s size=%u inline=%d",
			      __entry->type, __entry->offset,
			      show_mtetag_codec(__entry->codec), __entry->size,
			      __entry->is_inline)
);

DEFINE_EVENT(mtetag_entry, mtetag_save,
	     TP_PROTO(int type, pgoff_t offset, unsigned int codec,
		      unsigned int size, bool is_inline),
	     TP_ARGS(type, offset, codec, size, is_inline)
);

/* A pending raw entry (size 128) replaced by its compressed form. */
DEFINE_EVENT(mtetag_entry, mtetag_compress,
	     TP_PROTO(int type, pgoff_t offset, unsigned int codec,
		      unsigned int size, bool is_inline),
	     TP_ARGS(type, offset, codec, size, is_inline)
);

TRACE_EVENT(mtetag_restore,
	    TP_PROTO(int type, pgoff_t offset, unsigned int codec, bool claimed),
	    TP_ARGS(type, offset, codec, claimed),
	    TP_STRUCT__entry(__field(int, type)
			     __field(pgoff_t, offset)
			     __field(unsigned int, codec)
			     __field(bool, claimed)),
	    TP_fast_assign(__entry->type = type;
			   __entry->offset = offset;
			   __entry->codec = codec;
			   __entry->claimed = claimed;),
	    TP_printk("type=%d offset=%lu codec=%s claimed=%d",
		      __entry->type, __entry->offset,
		      show_mtetag_codec(__entry->codec), __entry->claimed)
);

TRACE_EVENT(mtetag_invalidate,
	    TP_PROTO(int type, pgoff_t offset, unsigned int size),
	    TP_ARGS(type, offset, size),
	    TP_STRUCT__entry(__field(int, type)
			     __field(pgoff_t, offset)
			     __field(unsigned int, size)),
	    TP_fast_assign(__entry->type = type;
			   __entry->offset = offset;
			   __entry->size = size;),
	    TP_printk("type=%d offset=%lu size=%u",
		      __entry->type, __entry->offset, __entry->size)
);

TRACE_EVENT(mtetag_invalidate_area,
	    TP_PROTO(int type, unsigned long nr_freed),
	    TP_ARGS(type, nr_freed),
	    TP_STRUCT__entry(__field(int, type)
			     __field(unsigned long, nr_freed)),
	    TP_fast_assign(__entry->type = type;
			   __entry->nr_freed = nr_freed;),
	    TP_printk("type=%d freed=%lu", __entry->type, __entry->nr_freed)
);

TRACE_EVENT(mtetag_save_fail,
	    TP_PROTO(int type, pgoff_t offset, unsigned int reason, int err),
	    TP_ARGS(type, offset, reason, err),
	    TP_STRUCT__entry(__field(int, type)
			     __field(pgoff_t, offset)
			     __field(unsigned int, reason)
			     __field(int, err)),
	    TP_fast_assign(__entry->type = type;
			   __entry->offset = offset;
			   __entry->reason = reason;
			   __entry->err = err;),
	    TP_printk("type=%d offset=%lu reason=%s err=%d",
		      __entry->type, __entry->offset,
		      show_mtetag_fail_reason(__entry->reason), __entry->err)
);

#endif /* _TRACE_MTETAG_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
