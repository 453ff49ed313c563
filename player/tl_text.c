/* tl_text: texts read back from the recording's file (see timeline.h):
 * the text of a syscall line, and the output search. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cast_tail.h"
#include "timeline_priv.h"
#include "tl_sysline.h"

/* Read records forward from the reader's cursor to record i and copy its
 * text into out. */
static int tl_text_read_to(const timeline_t *tl, size_t i, sbuf_t *out)
{
	tl_reader_t *rd = tl->rd;
	cast_event_t ev;
	int rc;

	for (;;) {
		rc = cast_tail_next(rd->tail, &ev);
		if (rc <= 0)
			return rc < 0 ? rc : -ESPIPE;
		if (strcmp(ev.code, "s"))
			continue;
		size_t k = rd->next_i++;
		rd->off = cast_tail_offset(rd->tail);
		rd->clock = ev.time_ns;
		if (k == i) {
			if (ev.raw) {
				tl_sysline_decode(ev.data, ev.data_len, out);
			} else {
				sbuf_reset(out);
				sbuf_add(out, ev.data, ev.data_len);
			}
			return 0;
		}
	}
}

int timeline_sys_text(const timeline_t *tl, size_t i, sbuf_t *out)
{
	tl_reader_t *rd = tl->rd;
	tl_cache_ent_t *ce = &rd->cache[i % TL_CACHE];
	int rc;

	sbuf_reset(out);
	if (i >= tl->n_sys) {
		sbuf_adds(out, "?");
		return -ERANGE;
	}
	if (rd->texts) {
		sbuf_adds(out, rd->texts[i]);
		return 0;
	}
	if (ce->i == i && ce->text) {
		sbuf_adds(out, ce->text);
		return 0;
	}
	if (!rd->tail) {
		sbuf_adds(out, "?");
		return -ENOENT;
	}
	size_t b = tl_index_block_of(tl, i);
	if (rd->next_i != SIZE_MAX && rd->next_i <= i && i - rd->next_i < 2 * TL_BLOCK &&
	    rd->next_i >= tl->blocks[b].first) {
		rc = cast_tail_seek(rd->tail, rd->off, rd->clock);
	} else {
		rc = cast_tail_seek(rd->tail, tl->blocks[b].off, tl->blocks[b].clock);
		rd->next_i = tl->blocks[b].first;
	}
	if (rc == 0)
		rc = tl_text_read_to(tl, i, out);
	if (rc < 0) {
		rd->next_i = SIZE_MAX;
		sbuf_reset(out);
		sbuf_adds(out, "?");
		return rc;
	}
	free(ce->text);
	ce->text = strdup(out->data ? out->data : "");
	ce->i = ce->text ? i : SIZE_MAX;
	return 0;
}

/* Scan "o" events from the one at index k (or the file's start) while
 * their time is <= t_hi: the first (first) or last match of needle with
 * time in (t_lo, t_hi). */
static int tl_text_scan_o(const timeline_t *tl, size_t k, int64_t t_lo, int64_t t_hi,
		     const char *needle, size_t nlen, bool first, int64_t *found)
{
	tl_reader_t *rd = tl->rd;
	cast_event_t ev;
	int rc;

	rd->next_i = SIZE_MAX; /* the text cursor moves */
	if (tl->o_off && k < tl->n_o)
		rc = cast_tail_seek(rd->tail, tl->o_off[k], 0);
	else
		rc = cast_tail_seek(rd->tail, tl->data_off, 0);
	if (rc < 0)
		return rc;
	while ((rc = cast_tail_next(rd->tail, &ev)) > 0) {
		if (ev.time_ns > t_hi && ev.time_ns != INT64_MAX && t_hi != INT64_MAX)
			break;
		if (strcmp(ev.code, "o") || ev.time_ns <= t_lo || ev.time_ns >= t_hi)
			continue;
		if (memmem(ev.data, ev.data_len, needle, nlen)) {
			*found = ev.time_ns;
			if (first)
				return 1;
		}
	}
	return rc < 0 ? rc : 0;
}

int timeline_search_output(const timeline_t *tl, int64_t t, int dir, const char *needle,
			   int64_t *found)
{
	size_t nlen = strlen(needle);
	int64_t hit = INT64_MIN;
	int rc;

	if (!nlen || !tl->rd->tail)
		return -ENOENT;
	if (dir > 0) {
		size_t k = timeline_next_o(tl, t);
		rc = tl_text_scan_o(tl, tl->o_off ? k : 0, t, INT64_MAX, needle, nlen, true, &hit);
	} else if (tl->o_off) {
		/* backward: chunks of 4096 "o" events before t, the latest first */
		size_t end = timeline_next_o(tl, t - 1);
		rc = 0;
		while (end > 0 && hit == INT64_MIN && rc >= 0) {
			size_t start = end > 4096 ? end - 4096 : 0;
			int64_t hi = end < tl->n_o ? tl->otimes[end] : INT64_MAX;
			if (hi > t)
				hi = t;
			rc = tl_text_scan_o(tl, start, INT64_MIN, hi, needle, nlen, false, &hit);
			end = start;
		}
	} else {
		rc = tl_text_scan_o(tl, 0, INT64_MIN, t, needle, nlen, false, &hit);
	}
	if (rc < 0)
		return rc;
	if (hit == INT64_MIN)
		return -ENOENT;
	*found = hit;
	return 0;
}
