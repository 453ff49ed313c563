/* timeline_priv: the timeline's insides, shared by its three files.
 *
 * The timeline (timeline.h) is one module in three files, one prefix
 * each for their own helpers: timeline.c builds the index in one pass
 * (tl_load_*), tl_index.c answers questions about it (tl_index_*: the
 * accessors, syscall records, the play clock, freeing), tl_text.c reads
 * texts back from the file (tl_text_*: syscall lines, output search). */
#ifndef TRACECAST_TIMELINE_PRIV_H
#define TRACECAST_TIMELINE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cast_tail.h"
#include "timeline.h"
#include "tl_proc.h"

#define TL_BLOCK 256           /* syscall records per block, at most */
#define TL_DUR_NONE 0xffffffffu
#define TL_DUR_BIG 0xfffffffeu /* the duration is in the side table */
#define TL_TID_BIG 0xffffu     /* the tid is in the side table */
#define TL_MAX_NAMES 0xfffeu
#define TL_CACHE 128           /* texts read back, kept */

/* Records that share a base time and the file offset of their first line. */
typedef struct tl_block {
	int64_t t0;
	uint64_t off;          /* offset of the first record's line */
	int64_t clock;         /* time of the event before that line (v3) */
	uint32_t first;        /* index of the first record */
	uint32_t errors;       /* error lines before the block */
} tl_block_t;

enum tl_x_kind { TL_X_DUR, TL_X_TID, TL_X_PAIR };

/* The side table: what does not fit a record. Sorted by (i, kind). */
typedef struct tl_x {
	uint32_t i;
	uint32_t kind;
	int64_t v;
} tl_x_t;

typedef struct tl_cache_ent {
	size_t i;              /* SIZE_MAX when empty */
	char *text;
} tl_cache_ent_t;

/* The read-back cursor and cache (mutable behind a const timeline). */
typedef struct tl_reader {
	cast_tail_t *tail;
	size_t next_i;         /* record the tail's position is at, or SIZE_MAX */
	uint64_t off;
	int64_t clock;
	tl_cache_ent_t cache[TL_CACHE];
	char **texts;          /* v1 files: texts kept in memory */
} tl_reader_t;

struct timeline {
	unsigned width, height;    /* the header's size */
	bool has_idle_limit;
	double idle_limit;         /* seconds, from the header */
	char *title;               /* NULL when none */
	int version;
	strace_time_base_t s_base;
	int64_t duration_ns;       /* time of the last event */
	int64_t *otimes;           /* times of "o" events */
	size_t n_o;
	uint64_t *scr_off;         /* file offsets of "o" and "r" lines (v2) */
	uint64_t *o_off;           /* file offsets of "o" lines (v2), as otimes */
	uint64_t data_off;         /* offset of the first line after the header */
	size_t n_scr;
	int64_t *vtimes;           /* play time of each "o" event (idle limit applied) */
	int64_t idle_limit_ns;     /* in force for vtimes, 0 = none */
	/* syscall records, one array per field (no padding) */
	uint32_t *s_dt;            /* time - block t0 */
	uint32_t *s_dur;           /* ns, TL_DUR_NONE / TL_DUR_BIG */
	uint16_t *s_tid;           /* index into tids, TL_TID_BIG */
	uint16_t *s_name;          /* name id */
	uint8_t *s_flags;
	size_t n_sys;
	tl_block_t *blocks;
	size_t n_blocks;
	tl_x_t *x;
	size_t n_x;
	long *tids;                /* distinct tids */
	size_t n_tids;
	char **names;              /* distinct syscall names */
	size_t n_names;
	tl_reader_t *rd;
	tl_proc_t *proc;           /* tid -> pid and comm */
	tl_prof_t *prof;
	size_t n_prof;
	tl_marker_t *markers;
	size_t n_markers;
	tl_resize_t *resizes;
	size_t n_resizes;
	unsigned long malformed;   /* malformed lines skipped */
	bool has_exit;
	int exit_status;
};

/* Index of the block holding record i (tl_index.c). */
size_t tl_index_block_of(const timeline_t *tl, size_t i);

#endif
