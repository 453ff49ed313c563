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

/* States of tl_text_visible. */
enum { TV_TEXT, TV_ESC, TV_CSI, TV_STR, TV_STR_ESC, TV_ESC_INT };

/* Append the text of output bytes s[0..n) as a terminal shows it, roughly:
 * escape sequences (CSI, OSC/DCS/APC/PM/SOS strings, ESC with
 * intermediates, two-byte ESC forms) and control bytes are taken out, CR
 * and LF become '\n' and a tab a space (separators a typed text does not
 * hold). *st carries a sequence cut between two events. */
static void tl_text_visible(int *st, const char *s, size_t n, sbuf_t *out)
{
	size_t run = 0; /* plain bytes pending at s + k - run */

	for (size_t k = 0; k < n; k++) {
		unsigned char c = (unsigned char)s[k];
		if (*st == TV_TEXT && c >= 0x20 && c != 0x7f) {
			run++;
			continue;
		}
		if (run) {
			sbuf_add(out, s + k - run, run);
			run = 0;
		}
		switch (*st) {
		case TV_TEXT:
			if (c == 0x1b)
				*st = TV_ESC;
			else if (c == '\r' || c == '\n')
				sbuf_addc(out, '\n');
			else if (c == '\t')
				sbuf_addc(out, ' ');
			break;
		case TV_ESC:
			*st = c == '[' ? TV_CSI
			      : (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') ? TV_STR
			      : (c >= 0x20 && c <= 0x2f) ? TV_ESC_INT : TV_TEXT;
			break;
		case TV_CSI:
			if (c == 0x1b)
				*st = TV_ESC;
			else if (c >= 0x40 && c <= 0x7e)
				*st = TV_TEXT;
			break;
		case TV_STR:
			if (c == 0x07)
				*st = TV_TEXT;
			else if (c == 0x1b)
				*st = TV_STR_ESC;
			break;
		case TV_STR_ESC:
			*st = c == '\\' ? TV_TEXT : TV_STR;
			break;
		default: /* TV_ESC_INT: intermediates, then the final byte */
			if (c < 0x20 || c > 0x2f)
				*st = TV_TEXT;
			break;
		}
	}
	if (run)
		sbuf_add(out, s + n - run, run);
}

/* "o" events read before the first one a search may stop at, so that a
 * match that begins there (and an escape sequence cut there) is seen. */
#define TL_TEXT_BACK(nlen) ((nlen) + 16)

/* Scan "o" events from the one at index k0 (or the file's start: k0 = 0)
 * up to, not including, index k_hi: the first (first) or last match of
 * needle, in the output as shown (tl_text_visible, a match may span
 * events), that ends in an event of index k_lo or later. Indexes count "o"
 * events as the timeline does (cast_tail hands out the reader's events). */
static int tl_text_scan_o(const timeline_t *tl, size_t k0, size_t k_lo, size_t k_hi,
			  const char *needle, size_t nlen, bool first, int64_t *found)
{
	tl_reader_t *rd = tl->rd;
	cast_event_t ev;
	sbuf_t vis;
	int rc, st = TV_TEXT;
	size_t k;

	rd->next_i = SIZE_MAX; /* the text cursor moves */
	if (!tl->o_off)
		k0 = 0;
	if (k0 < tl->n_o && tl->o_off)
		rc = cast_tail_seek(rd->tail, tl->o_off[k0], 0);
	else
		rc = cast_tail_seek(rd->tail, tl->data_off, 0);
	if (rc < 0)
		return rc;
	sbuf_init(&vis);
	for (k = k0; k < k_hi && (rc = cast_tail_next(rd->tail, &ev)) > 0;) {
		if (strcmp(ev.code, "o"))
			continue;
		/* keep the last nlen - 1 bytes: a match may start there */
		size_t keep = vis.len < nlen - 1 ? vis.len : nlen - 1;
		if (keep && vis.len > keep)
			memmove(vis.data, vis.data + vis.len - keep, keep);
		vis.len = keep;
		tl_text_visible(&st, ev.data, ev.data_len, &vis);
		if (k++ < k_lo)
			continue;
		if (vis.len >= nlen && memmem(vis.data, vis.len, needle, nlen)) {
			*found = ev.time_ns;
			if (first) {
				rc = 1;
				break;
			}
		}
	}
	sbuf_cleanup(&vis);
	return rc < 0 ? rc : 0;
}

int timeline_search_output(const timeline_t *tl, int64_t t, int dir, const char *needle,
			   int64_t *found)
{
	size_t nlen = strlen(needle), back = TL_TEXT_BACK(nlen);
	int64_t hit = INT64_MIN;
	int rc;

	if (!nlen || !tl->rd->tail)
		return -ENOENT;
	if (dir > 0) {
		size_t k = timeline_next_o(tl, t); /* the first later than t */
		rc = tl_text_scan_o(tl, k > back ? k - back : 0, k, SIZE_MAX, needle, nlen, true, &hit);
	} else {
		/* backward: chunks of 4096 "o" events earlier than t, the latest
		 * first (one chunk from the start when there are no offsets) */
		size_t end = timeline_next_o(tl, t - 1);
		size_t chunk = tl->o_off ? 4096 : SIZE_MAX;
		rc = 0;
		while (end > 0 && hit == INT64_MIN && rc >= 0) {
			size_t start = end > chunk ? end - chunk : 0;
			rc = tl_text_scan_o(tl, start > back ? start - back : 0, start, end, needle,
					    nlen, false, &hit);
			end = start;
		}
	}
	if (rc < 0)
		return rc;
	if (hit == INT64_MIN)
		return -ENOENT;
	*found = hit;
	return 0;
}
