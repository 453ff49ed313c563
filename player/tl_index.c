/* tl_index: questions about a recording's index (see timeline.h): the
 * header's fields, the play clock, "o" events, markers, resizes, samples,
 * syscall records decoded; and freeing it. */
#include <stdlib.h>
#include <string.h>

#include "tracecast/strace_line.h"
#include "timeline_priv.h"

void timeline_free(timeline_t *tl)
{
	if (!tl)
		return;
	if (tl->rd) {
		cast_tail_free(tl->rd->tail);
		for (size_t k = 0; k < TL_CACHE; k++)
			free(tl->rd->cache[k].text);
		if (tl->rd->texts)
			for (size_t i = 0; i < tl->n_sys; i++)
				free(tl->rd->texts[i]);
		free(tl->rd->texts);
		free(tl->rd);
	}
	tl_proc_free(tl->proc);
	for (size_t i = 0; i < tl->n_prof; i++)
		free(tl->prof[i].leaf);
	for (size_t i = 0; i < tl->n_markers; i++)
		free(tl->markers[i].label);
	for (size_t i = 0; i < tl->n_names; i++)
		free(tl->names[i]);
	free(tl->names);
	free(tl->tids);
	free(tl->s_dt);
	free(tl->s_dur);
	free(tl->s_tid);
	free(tl->s_name);
	free(tl->s_flags);
	free(tl->blocks);
	free(tl->x);
	free(tl->prof);
	free(tl->markers);
	free(tl->resizes);
	free(tl->otimes);
	free(tl->scr_off);
	free(tl->o_off);
	free(tl->vtimes);
	free(tl->title);
	free(tl);
}

/* The side-table value of (i, kind), or def. */
static int64_t tl_index_x_get(const timeline_t *tl, size_t i, enum tl_x_kind kind, int64_t def)
{
	size_t lo = 0, hi = tl->n_x;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const tl_x_t *x = &tl->x[mid];
		if (x->i < i || (x->i == i && x->kind < (uint32_t)kind))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tl->n_x && tl->x[lo].i == i && tl->x[lo].kind == (uint32_t)kind)
		return tl->x[lo].v;
	return def;
}

void timeline_set_idle_limit(timeline_t *tl, double secs)
{
	/* at most CAST_TIME_MAX_NS: the limit comes from the file or the user */
	int64_t lim = secs > 0 ? (secs < (double)(CAST_TIME_MAX_NS / CAST_NS_PER_SEC)
				  ? (int64_t)(secs * 1e9 + 0.5) : CAST_TIME_MAX_NS) : 0;
	int64_t prev_t = 0, prev_v = 0;

	tl->idle_limit_ns = lim;
	for (size_t i = 0; i < tl->n_o; i++) {
		int64_t gap = tl->otimes[i] - prev_t;
		if (lim && gap > lim)
			gap = lim;
		prev_v += gap;
		prev_t = tl->otimes[i];
		tl->vtimes[i] = prev_v;
	}
}

int64_t timeline_to_play(const timeline_t *tl, int64_t t)
{
	size_t n = timeline_count_upto(tl->otimes, sizeof(int64_t), tl->n_o, t);
	int64_t base_t = n ? tl->otimes[n - 1] : 0;
	int64_t base_v = n ? tl->vtimes[n - 1] : 0;
	int64_t d = t - base_t;

	if (tl->idle_limit_ns && d > tl->idle_limit_ns)
		d = tl->idle_limit_ns;
	return base_v + d;
}

int64_t timeline_from_play(const timeline_t *tl, int64_t v)
{
	size_t n = timeline_count_upto(tl->vtimes, sizeof(int64_t), tl->n_o, v);
	int64_t base_t = n ? tl->otimes[n - 1] : 0;
	int64_t base_v = n ? tl->vtimes[n - 1] : 0;
	int64_t t = base_t + (v - base_v);

	if (n < tl->n_o && t > tl->otimes[n])
		t = tl->otimes[n];
	if (t > tl->duration_ns)
		t = tl->duration_ns;
	return t < 0 ? 0 : t;
}

int64_t timeline_play_duration(const timeline_t *tl)
{
	return timeline_to_play(tl, tl->duration_ns);
}

size_t timeline_count_upto(const int64_t *times, size_t stride, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;
	const char *base = (const char *)times;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int64_t v;
		memcpy(&v, base + mid * stride, sizeof(v));
		if (v <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t timeline_next_o(const timeline_t *tl, int64_t t)
{
	return timeline_count_upto(tl->otimes, sizeof(int64_t), tl->n_o, t);
}

size_t tl_index_block_of(const timeline_t *tl, size_t i)
{
	size_t lo = 0, hi = tl->n_blocks;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tl->blocks[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static size_t tl_index_block_end(const timeline_t *tl, size_t b)
{
	return b + 1 < tl->n_blocks ? tl->blocks[b + 1].first : tl->n_sys;
}

size_t timeline_sys_count(const timeline_t *tl)
{
	return tl->n_sys;
}

size_t timeline_sys_upto(const timeline_t *tl, int64_t t)
{
	if (!tl->n_sys)
		return 0;
	size_t nb = timeline_count_upto(&tl->blocks->t0, sizeof(tl_block_t), tl->n_blocks, t);
	if (!nb)
		return 0;
	const tl_block_t *b = &tl->blocks[nb - 1];
	size_t lo = b->first, hi = tl_index_block_end(tl, nb - 1);
	uint64_t d = (uint64_t)(t - b->t0);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tl->s_dt[mid] <= d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void timeline_sys_get(const timeline_t *tl, size_t i, tl_sys_t *out)
{
	const tl_block_t *b = &tl->blocks[tl_index_block_of(tl, i)];
	strace_line_t sl;

	memset(out, 0, sizeof(*out));
	out->t = b->t0 + tl->s_dt[i];
	out->flags = tl->s_flags[i];
	out->name = tl->s_name[i];
	out->tid = tl->s_tid[i] == TL_TID_BIG ? (long)tl_index_x_get(tl, i, TL_X_TID, 0)
					      : tl->tids[tl->s_tid[i]];
	out->dur_ns = tl->s_dur[i] == TL_DUR_NONE ? -1
		      : tl->s_dur[i] == TL_DUR_BIG ? tl_index_x_get(tl, i, TL_X_DUR, -1)
						   : (int64_t)tl->s_dur[i];
	out->pair = (out->flags & (TL_SYS_UNFINISHED | TL_SYS_RESUMED))
		    ? (long)tl_index_x_get(tl, i, TL_X_PAIR, -1) : -1;
	/* the span as strace_line_span gives it for this line's kind */
	memset(&sl, 0, sizeof(sl));
	sl.kind = (out->flags & TL_SYS_UNFINISHED) ? STRACE_UNFINISHED
		  : (out->flags & TL_SYS_RESUMED) ? STRACE_RESUMED
		  : (out->flags & TL_SYS_NOTCALL) ? STRACE_OTHER : STRACE_CALL;
	sl.dur_ns = out->dur_ns;
	strace_line_span(&sl, out->t, tl->s_base, &out->start, &out->end);
}

void timeline_sys_proc(const timeline_t *tl, size_t i, long *pid, const char **comm)
{
	long tidx = i < tl->n_sys && tl->s_tid[i] != TL_TID_BIG ? tl->s_tid[i] : -1;
	tl_proc_get(tl->proc, i, tidx, pid, comm);
}

unsigned timeline_sys_flags(const timeline_t *tl, size_t i)
{
	return tl->s_flags[i];
}

size_t timeline_sys_errors_upto(const timeline_t *tl, size_t n)
{
	if (!n || !tl->n_sys)
		return 0;
	if (n > tl->n_sys)
		n = tl->n_sys;
	size_t b = tl_index_block_of(tl, n - 1);
	size_t c = tl->blocks[b].errors;
	for (size_t i = tl->blocks[b].first; i < n; i++)
		c += (tl->s_flags[i] & TL_SYS_ERROR) != 0;
	return c;
}

bool timeline_s_end_stamped(const timeline_t *tl)
{
	return tl->s_base == STRACE_TIME_END;
}

const char *timeline_sys_name(const timeline_t *tl, unsigned id)
{
	return id < tl->n_names ? tl->names[id] : "";
}

long timeline_sys_name_id(const timeline_t *tl, const char *name, size_t len)
{
	for (size_t k = 0; k < tl->n_names; k++)
		if (!strncmp(tl->names[k], name, len) && !tl->names[k][len])
			return (long)k;
	return -1;
}

size_t timeline_sys_name_count(const timeline_t *tl)
{
	return tl->n_names;
}

void timeline_size(const timeline_t *tl, unsigned *cols, unsigned *rows)
{
	*cols = tl->width;
	*rows = tl->height;
}

const char *timeline_title(const timeline_t *tl)
{
	return tl->title;
}

bool timeline_header_idle_limit(const timeline_t *tl, double *secs)
{
	*secs = tl->has_idle_limit ? tl->idle_limit : 0;
	return tl->has_idle_limit;
}

int64_t timeline_duration(const timeline_t *tl)
{
	return tl->duration_ns;
}

unsigned long timeline_malformed(const timeline_t *tl)
{
	return tl->malformed;
}

bool timeline_exit(const timeline_t *tl, int *status)
{
	if (status)
		*status = tl->exit_status;
	return tl->has_exit;
}

int64_t timeline_idle_limit_ns(const timeline_t *tl)
{
	return tl->idle_limit_ns;
}

size_t timeline_o_count(const timeline_t *tl)
{
	return tl->n_o;
}

int64_t timeline_o_time(const timeline_t *tl, size_t i)
{
	return tl->otimes[i];
}

const uint64_t *timeline_screen_offsets(const timeline_t *tl, size_t *n)
{
	*n = tl->n_scr;
	return tl->scr_off;
}

size_t timeline_marker_count(const timeline_t *tl)
{
	return tl->n_markers;
}

const tl_marker_t *timeline_marker(const timeline_t *tl, size_t i)
{
	return &tl->markers[i];
}

size_t timeline_marker_upto(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return 0;
	return timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t);
}

size_t timeline_resize_count(const timeline_t *tl)
{
	return tl->n_resizes;
}

const tl_resize_t *timeline_resize(const timeline_t *tl, size_t i)
{
	return &tl->resizes[i];
}

size_t timeline_prof_count(const timeline_t *tl)
{
	return tl->n_prof;
}

const tl_prof_t *timeline_prof(const timeline_t *tl, size_t i)
{
	return &tl->prof[i];
}

size_t timeline_prof_upto(const timeline_t *tl, int64_t t)
{
	if (!tl->n_prof)
		return 0;
	return timeline_count_upto(&tl->prof->t, sizeof(tl_prof_t), tl->n_prof, t);
}

const tl_marker_t *timeline_marker_at(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return NULL;
	size_t n = timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t);
	return n ? &tl->markers[n - 1] : NULL;
}

const tl_marker_t *timeline_marker_next(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return NULL;
	size_t n = timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t);
	return n < tl->n_markers ? &tl->markers[n] : NULL;
}

const tl_marker_t *timeline_marker_prev(const timeline_t *tl, int64_t t)
{
	if (!tl->n_markers)
		return NULL;
	size_t n = timeline_count_upto(&tl->markers->t, sizeof(tl_marker_t), tl->n_markers, t - 1);
	return n ? &tl->markers[n - 1] : NULL;
}

void timeline_size_at(const timeline_t *tl, int64_t t, unsigned *cols, unsigned *rows)
{
	size_t n = tl->n_resizes ? timeline_count_upto(&tl->resizes->t, sizeof(tl_resize_t),
							 tl->n_resizes, t) : 0;

	*cols = n ? tl->resizes[n - 1].cols : tl->width;
	*rows = n ? tl->resizes[n - 1].rows : tl->height;
}
