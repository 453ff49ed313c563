/* html_stats: the stats table's data in the HTML export (see
 * html_stats.h). */
#include "html_stats.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "html_page.h"
#include "stats.h"
#include "tracecast/strace_line.h"

#define HS_NAME_MAX 64 /* as stats.c keys a syscall */

void html_stats_init(html_stats_t *h, size_t first, int64_t from_ns, int64_t to_ns,
		     const char *mark_a, const char *mark_b)
{
	memset(h, 0, sizeof(*h));
	sbuf_init(&h->k);
	sbuf_init(&h->dx);
	h->first = first;
	report_window_init(&h->win);
	if (from_ns >= 0)
		h->win.from_ns = from_ns;
	if (to_ns >= 0)
		h->win.to_ns = to_ns;
	h->win.mark_a = mark_a;
	h->win.mark_b = mark_a ? mark_b : NULL;
}

void html_stats_event(html_stats_t *h, const cast_event_t *ev)
{
	bool in = report_window_feed(&h->win, ev) == REPORT_WINDOW_IN;

	if (ev->code[0] != 's' || ev->code[1])
		return;
	if (in && h->n_s >= h->first) {
		if (!h->any)
			h->lo = h->n_s - h->first;
		h->hi = h->n_s - h->first + 1;
		h->any = true;
	}
	h->n_s++;
}

size_t html_stats_lines_seen(const html_stats_t *h)
{
	return h->n_s > h->first ? h->n_s - h->first : 0;
}

/* The duration as the page reads it: "<DIGITS.DIGITS>" at the end of the
 * text (blanks after it allowed), the fraction cut to 9 digits; 0 when
 * there is none, -1 when the page could not hold it exactly. */
static int64_t hs_tail_dur(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || s[n - 1] != '>')
		return 0;
	size_t i = n - 1, dot = 0;
	while (i && s[i - 1] != '<') {
		i--;
		if (s[i] == '.' && !dot)
			dot = i;
		else if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	if (!i || !dot || dot == i || dot + 1 == n - 1)
		return 0;
	int64_t secs = 0, frac = 0;
	for (size_t j = i; j < dot; j++) {
		if (secs > 1000000)
			return -1; /* past what a double holds to the ns */
		secs = secs * 10 + (s[j] - '0');
	}
	int digits = 0;
	for (size_t j = dot + 1; j < n - 1 && digits < 9; j++, digits++)
		frac = frac * 10 + (s[j] - '0');
	while (digits++ < 9)
		frac *= 10;
	return secs * 1000000000 + frac;
}

int html_stats_line(html_stats_t *h, const char *text, size_t len)
{
	strace_line_t l;
	int64_t dur;
	long k = -1;

	strace_line_parse(text, len, &l);
	if (stats_line_call(&l, &dur)) {
		strmap_item_t *it;
		size_t idx;
		size_t nl = l.name_len < HS_NAME_MAX ? l.name_len : HS_NAME_MAX;
		if (strmap_get(&h->names, l.name ? l.name : "", l.name ? nl : 0, sizeof(*it),
			       (void **)&it, &idx) < 0)
			return -ENOMEM;
		k = (long)idx * 2 + (l.err ? 1 : 0);
		if (hs_tail_dur(text, len) != dur)
			sbuf_printf(&h->dx, "%s[%zu,%" PRId64 "]", h->n_dx++ ? "," : "", h->n_k, dur);
	}
	sbuf_printf(&h->k, "%s%ld", h->n_k++ ? "," : "", k);
	return 0;
}

void html_stats_json(const html_stats_t *h, sbuf_t *panel)
{
	sbuf_printf(panel, ",\"stats\":{\"lo\":%zu,\"hi\":%zu,\"names\":[", h->lo, h->hi);
	for (size_t i = 0; i < h->names.n; i++) {
		if (i)
			sbuf_addc(panel, ',');
		html_page_jstr(panel, h->names.items[i]->key, h->names.items[i]->keylen);
	}
	sbuf_adds(panel, "],\"k\":[");
	sbuf_add(panel, h->k.data ? h->k.data : "", h->k.len);
	sbuf_adds(panel, "],\"dx\":[");
	sbuf_add(panel, h->dx.data ? h->dx.data : "", h->dx.len);
	sbuf_adds(panel, "]}");
}

void html_stats_cleanup(html_stats_t *h)
{
	strmap_free(&h->names, NULL);
	sbuf_cleanup(&h->k);
	sbuf_cleanup(&h->dx);
}
