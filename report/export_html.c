/* export_html: a recording as one self-contained HTML page (see
 * export_html.h). Two passes: timeline_load() for the syscall lines
 * (paired and flagged exactly as the player pairs them) and the markers,
 * then cast_reader for the terminal events and the profile samples. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <jansson.h>

#include "html_page.h"
#include "html_stats.h"
#include "tracecast/tc_hash.h"
#include "tracecast/cast_reader.h"
#include "export_html.h"
#include "player/overlay_syscalls.h"
#include "player/sbuf.h"
#include "player/timeline.h"

typedef struct eh_proc {
	long pid;
	char comm[32];
	sbuf_t t, cpu, rss;        /* JSON array bodies */
	int64_t last_t;
	unsigned long n;
} eh_proc_t;

typedef struct eh_stack {
	char *stack;
	unsigned long idx;
} eh_stack_t;

typedef struct eh_ctx {
	const export_html_opts_t *o;
	export_html_stats_t *st;
	int64_t from, to;          /* the range, ns; to = INT64_MAX when open */
	bool s_end;                /* header says "s_time": "end" */
	sbuf_t term;               /* asciicast v2 text for the player */
	sbuf_t pre;                /* o/r events before `from`, replayed at 0 */
	sbuf_t panel;              /* JSON for the panels */
	eh_proc_t *procs;
	size_t n_procs, cap_procs;
	eh_stack_t *stacks;        /* open addressing */
	size_t cap_stacks, n_stacks;
	sbuf_t stack_list, py_t, py_s, py_pid;
	sbuf_t py_w;               /* [index, weight] of the samples that count N */
	int64_t py_last;
	bool term_empty;
	html_stats_t hs;           /* the stats table (html_stats.h) */
	size_t sys_first;          /* the first syscall line exported */
} eh_ctx_t;

/* Seconds with microseconds, from ns (>= 0). */
static void eh_secs(sbuf_t *b, int64_t ns)
{
	int64_t us = ns / 1000;
	sbuf_printf(b, "%" PRId64 ".%06" PRId64, us / 1000000, us % 1000000);
}

/* The text as the panel draws it: controls as '?', unprintables as U+FFFD
 * (frame_text's rules), into out. */
static void eh_cells(sbuf_t *out, const char *s, size_t len)
{
	mbstate_t ps;
	size_t i = 0;

	sbuf_reset(out);
	memset(&ps, 0, sizeof(ps));
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			sbuf_addc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
			i++;
			continue;
		}
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof(ps));
			sbuf_add_utf8(out, 0xFFFD);
			i++;
			continue;
		}
		uint32_t cp = (uint32_t)wc;
		if (cp >= 0x80 && cp < 0xA0)
			cp = '?';
		else if (wcwidth(wc) < 0)
			cp = 0xFFFD;
		sbuf_add_utf8(out, cp);
		i += n;
	}
}

/* UTF-16 code units of valid UTF-8 s[0..n) (the page's string indices). */
static size_t eh_u16len(const char *s, size_t n)
{
	size_t u = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if ((b & 0xC0) != 0x80)
			u += b >= 0xF0 ? 2 : 1;
	}
	return u;
}

/* The text after the leading tid and spaces (what an "other" row shows). */
static const char *eh_body(const char *text)
{
	const char *p = text;
	while (*p >= '0' && *p <= '9')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

/* The syscall arrays: t (us, delta), tid, flags, pair (relative, 0 =
 * none), dur (us, -1), start (us delta to t), x (raw text), c/r (call
 * and result as the panel shows them: an integer n means "the first n
 * bytes of the body" / "n bytes of the body after the call and a space"). */
static int eh_sys(eh_ctx_t *c, const timeline_t *tl)
{
	sbuf_t a_t, a_tid, a_f, a_p, a_d, a_x, a_c, a_r, call, res, cells, text;
	size_t first, last;
	int64_t prev = 0;
	sbuf_t *all[] = { &a_t, &a_tid, &a_f, &a_p, &a_d, &a_x, &a_c, &a_r, &call, &res, &cells,
			  &text };
	int rc = 0;

	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		sbuf_init(all[k]);
	first = c->sys_first;
	last = timeline_sys_upto(tl, c->to);
	for (size_t i = first; i < last; i++) {
		tl_sys_t e;
		const char *sep = i > first ? "," : "";

		timeline_sys_get(tl, i, &e);
		int64_t t_us = e.t / 1000;
		long pair = e.pair >= (long)first && e.pair < (long)last ? e.pair - (long)i : 0;
		int64_t dur = e.dur_ns;

		if ((e.flags & TL_SYS_RESUMED) && e.pair >= 0 && dur < 0) {
			tl_sys_t u;
			timeline_sys_get(tl, (size_t)e.pair, &u);
			dur = e.t - u.t;
		}
		sbuf_printf(&a_t, "%s%" PRId64, sep, t_us - prev);
		prev = t_us;
		sbuf_printf(&a_tid, "%s%ld", sep, e.tid);
		sbuf_printf(&a_f, "%s%u", sep, (unsigned)e.flags);
		sbuf_printf(&a_p, "%s%ld", sep, pair);
		sbuf_printf(&a_d, "%s%" PRId64, sep, dur >= 0 ? dur / 1000 : -1);
		sbuf_adds(&a_x, sep);
		timeline_sys_text(tl, i, &text); /* "?" when the file changed */
		html_page_jstr(&a_x, text.data ? text.data : "", text.len);
		if ((rc = html_stats_line(&c->hs, text.data ? text.data : "", text.len)) < 0)
			break;
		/* the unfinished half: formatted as at its own time (in flight) */
		if (!overlay_syscalls_format(tl, i, e.t, &call, &res)) {
			sbuf_reset(&call);
			sbuf_reset(&res);
		}
		if (e.flags & TL_SYS_UNFINISHED)
			sbuf_reset(&res); /* the page writes "in flight N.NNNs" */
		const char *body = eh_body(text.data ? text.data : "");
		size_t blen = strlen(body);
		eh_cells(&cells, call.data ? call.data : "", call.len);
		sbuf_adds(&a_c, sep);
		bool call_in_body = cells.len <= blen && !memcmp(body, cells.data ? cells.data : "", cells.len);
		size_t call_u16 = call_in_body ? eh_u16len(body, cells.len) : 0;
		size_t off = cells.len + 1; /* the result after the call and a space */
		if (call_in_body)
			sbuf_printf(&a_c, "%zu", call_u16);
		else
			html_page_jstr(&a_c, cells.data ? cells.data : "", cells.len);
		eh_cells(&cells, res.data ? res.data : "", res.len);
		sbuf_adds(&a_r, sep);
		if (call_in_body && cells.len && off + cells.len <= blen && body[off - 1] == ' ' &&
		    !memcmp(body + off, cells.data, cells.len))
			sbuf_printf(&a_r, "%zu", eh_u16len(cells.data, cells.len));
		else
			html_page_jstr(&a_r, cells.data ? cells.data : "", cells.len);
		c->st->n_sys++;
	}
	sbuf_printf(&c->panel, ",\"sys\":{\"n\":%zu,\"t\":[", last - first);
	sbuf_add(&c->panel, a_t.data, a_t.len);
	sbuf_adds(&c->panel, "],\"tid\":[");
	sbuf_add(&c->panel, a_tid.data, a_tid.len);
	sbuf_adds(&c->panel, "],\"f\":[");
	sbuf_add(&c->panel, a_f.data, a_f.len);
	sbuf_adds(&c->panel, "],\"p\":[");
	sbuf_add(&c->panel, a_p.data, a_p.len);
	sbuf_adds(&c->panel, "],\"d\":[");
	sbuf_add(&c->panel, a_d.data, a_d.len);
	sbuf_adds(&c->panel, "],\"x\":[");
	sbuf_add(&c->panel, a_x.data, a_x.len);
	sbuf_adds(&c->panel, "],\"c\":[");
	sbuf_add(&c->panel, a_c.data, a_c.len);
	sbuf_adds(&c->panel, "],\"r\":[");
	sbuf_add(&c->panel, a_r.data, a_r.len);
	sbuf_adds(&c->panel, "]}");
	html_stats_json(&c->hs, &c->panel);
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		sbuf_cleanup(all[k]);
	return rc;
}

/* Resolve --between-markers into [from, to] (intersected with --from/--to). */
static int eh_range(eh_ctx_t *c, const timeline_t *tl, const char *path, cast_error_t *err)
{
	const export_html_opts_t *o = c->o;

	c->from = o->from_ns >= 0 ? o->from_ns : 0;
	c->to = o->to_ns >= 0 ? o->to_ns : INT64_MAX;
	if (o->mark_a) {
		size_t a = 0, b, n = timeline_marker_count(tl);
		while (a < n && strcmp(timeline_marker(tl, a)->label, o->mark_a) != 0)
			a++;
		if (a == n) {
			cast_error_set(err, path, 0, 0, "marker '%s' not found (list the markers "
				       "with 'tracecast info %s')", o->mark_a, path);
			return -ENOENT;
		}
		for (b = a + 1; b < n && strcmp(timeline_marker(tl, b)->label, o->mark_b) != 0; b++)
			;
		if (b == n) {
			cast_error_set(err, path, 0, 0, "marker '%s' not found after the first '%s' "
				       "(list the markers with 'tracecast info %s')", o->mark_b,
				       o->mark_a, path);
			return -ENOENT;
		}
		if (timeline_marker(tl, a)->t > c->from)
			c->from = timeline_marker(tl, a)->t;
		if (timeline_marker(tl, b)->t < c->to)
			c->to = timeline_marker(tl, b)->t;
	}
	if (c->to < c->from) {
		cast_error_set(err, path, 0, 0, "the range to export is empty");
		return -ERANGE;
	}
	return 0;
}

static eh_proc_t *eh_proc_get(eh_ctx_t *c, long pid, const char *comm)
{
	for (size_t i = 0; i < c->n_procs; i++)
		if (c->procs[i].pid == pid)
			return &c->procs[i];
	if (c->n_procs == c->cap_procs) {
		size_t nc = c->cap_procs ? c->cap_procs * 2 : 16;
		eh_proc_t *np = realloc(c->procs, nc * sizeof(*np));
		if (!np)
			return NULL;
		c->procs = np;
		c->cap_procs = nc;
	}
	eh_proc_t *p = &c->procs[c->n_procs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%s", comm ? comm : "?");
	sbuf_init(&p->t);
	sbuf_init(&p->cpu);
	sbuf_init(&p->rss);
	return p;
}

/* The index of stack in the stack table (added when new), or -ENOMEM. */
static long eh_stack_idx(eh_ctx_t *c, const char *stack)
{
	if (c->n_stacks * 2 >= c->cap_stacks) {
		size_t nc = c->cap_stacks ? c->cap_stacks * 2 : 256;
		eh_stack_t *nt = calloc(nc, sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		for (size_t i = 0; i < c->cap_stacks; i++) {
			if (!c->stacks[i].stack)
				continue;
			size_t j = tc_hash(c->stacks[i].stack, strlen(c->stacks[i].stack)) & (nc - 1);
			while (nt[j].stack)
				j = (j + 1) & (nc - 1);
			nt[j] = c->stacks[i];
		}
		free(c->stacks);
		c->stacks = nt;
		c->cap_stacks = nc;
	}
	size_t j = tc_hash(stack, strlen(stack)) & (c->cap_stacks - 1);
	while (c->stacks[j].stack) {
		if (!strcmp(c->stacks[j].stack, stack))
			return (long)c->stacks[j].idx;
		j = (j + 1) & (c->cap_stacks - 1);
	}
	if (!(c->stacks[j].stack = strdup(stack)))
		return -ENOMEM;
	c->stacks[j].idx = c->n_stacks++;
	if (c->n_stacks > 1)
		sbuf_addc(&c->stack_list, ',');
	html_page_jstr(&c->stack_list, stack, strlen(stack));
	return (long)c->stacks[j].idx;
}

/* One "p" event: proc samples per process, py and perf stacks into the
 * table. */
static int eh_sample(eh_ctx_t *c, const cast_event_t *ev)
{
	json_error_t jerr;
	json_t *j = json_loadb(ev->data, ev->data_len, 0, &jerr);
	const char *src = json_string_value(json_object_get(j, "src"));
	int64_t t_us = ev->time_ns / 1000;
	int rc = 0;

	if (src && !strcmp(src, "proc")) {
		json_t *procs = json_object_get(j, "procs"), *p;
		size_t k;
		json_array_foreach(procs, k, p) {
			long pid = (long)json_integer_value(json_object_get(p, "pid"));
			eh_proc_t *pr = eh_proc_get(c, pid, json_string_value(json_object_get(p, "comm")));
			if (!pr) {
				rc = -ENOMEM;
				break;
			}
			const char *sep = pr->n ? "," : "";
			sbuf_printf(&pr->t, "%s%" PRId64, sep, t_us - pr->last_t);
			pr->last_t = t_us;
			sbuf_printf(&pr->cpu, "%s%.3g", sep, json_number_value(json_object_get(p, "cpu")) * 100);
			sbuf_printf(&pr->rss, "%s%" JSON_INTEGER_FORMAT, sep,
				    json_integer_value(json_object_get(p, "rss_kb")));
			pr->n++;
		}
		c->st->n_proc++;
	} else if (src && (!strcmp(src, "py") || !strcmp(src, "perf"))) {
		/* as `export --format folded`: on-CPU samples only (idle ones
		 * left out), a lost record {"lost":N} as N samples of "[lost]" */
		json_t *lost = json_object_get(j, "lost"), *idle = json_object_get(j, "idle");
		const char *stack = json_string_value(json_object_get(j, "stack"));
		json_int_t w = 1;
		if (json_is_integer(lost) && json_integer_value(lost) > 0) {
			stack = "[lost]";
			w = json_integer_value(lost);
		} else if (idle && (json_is_true(idle) || json_integer_value(idle) != 0)) {
			stack = NULL;
		}
		if (stack && *stack) {
			long idx = eh_stack_idx(c, stack);
			if (idx < 0) {
				rc = (int)idx;
			} else {
				const char *sep = c->st->n_py ? "," : "";
				sbuf_printf(&c->py_t, "%s%" PRId64, sep, t_us - c->py_last);
				c->py_last = t_us;
				sbuf_printf(&c->py_s, "%s%ld", sep, idx);
				sbuf_printf(&c->py_pid, "%s%" JSON_INTEGER_FORMAT, sep,
					    json_integer_value(json_object_get(j, "pid")));
				if (w != 1)
					sbuf_printf(&c->py_w, "%s[%lu,%" JSON_INTEGER_FORMAT "]",
						    c->py_w.len ? "," : "", c->st->n_py, w);
				c->st->n_py++;
			}
		}
	}
	json_decref(j);
	return rc;
}

/* A "proc" sample before the range: the last one is kept (pre, its time
 * in *pre_t) and fed at the range's start, so that the strip shows at
 * `from` the values that hold there. */
static int eh_keep_proc(sbuf_t *pre, int64_t *pre_t, const cast_event_t *ev)
{
	json_t *j = json_loadb(ev->data, ev->data_len, 0, NULL);
	const char *src = json_string_value(json_object_get(j, "src"));
	int rc = 0;

	if (src && !strcmp(src, "proc")) {
		sbuf_reset(pre);
		sbuf_add(pre, ev->data, ev->data_len);
		*pre_t = ev->time_ns;
		if (!pre->data)
			rc = -ENOMEM;
	}
	json_decref(j);
	return rc;
}

static int eh_flush_proc(eh_ctx_t *c, sbuf_t *pre, int64_t *pre_t)
{
	if (*pre_t < 0)
		return 0;
	cast_event_t ev = { .time_ns = *pre_t, .code = "p", .data = pre->data, .data_len = pre->len };
	*pre_t = -1;
	return eh_sample(c, &ev);
}

/* The player's header line: a plain asciicast v2 header (no tracecast key). */
static int eh_term_header(eh_ctx_t *c, const cast_header_t *h)
{
	json_t *o = json_object();
	json_t *theme = json_object_get(h->json, "theme");
	char *s;

	if (!o)
		return -ENOMEM;
	json_object_set_new(o, "version", json_integer(2));
	json_object_set_new(o, "width", json_integer(h->width));
	json_object_set_new(o, "height", json_integer(h->height));
	if (h->has_idle_time_limit)
		json_object_set_new(o, "idle_time_limit", json_real(h->idle_time_limit));
	if (h->title)
		json_object_set_new(o, "title", json_string(h->title));
	if (json_is_object(theme))
		json_object_set(o, "theme", theme);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return -ENOMEM;
	sbuf_adds(&c->term, s);
	sbuf_addc(&c->term, '\n');
	free(s);
	return 0;
}

static void eh_term_event(sbuf_t *b, int64_t t, const cast_event_t *ev)
{
	sbuf_addc(b, '[');
	eh_secs(b, t);
	sbuf_adds(b, ",");
	html_page_jstr(b, ev->code, strlen(ev->code));
	sbuf_adds(b, ",");
	html_page_jstr(b, ev->data, ev->data_len);
	sbuf_adds(b, "]\n");
}

/* Second pass: terminal events, markers and samples. */
static int eh_read(eh_ctx_t *c, const char *path, cast_error_t *err)
{
	cast_reader_t *r;
	cast_event_t ev;
	sbuf_t markers, pre_proc;
	int64_t pre_proc_t = -1;
	report_window_t win; /* which samples: as `export --format folded` */
	int rc;

	if ((rc = cast_reader_open(&r, path, err)) < 0)
		return rc;
	const cast_header_t *h = cast_reader_header(r);
	json_t *tc = json_object_get(h->json, "tracecast");
	const char *s_time = json_string_value(json_object_get(tc, "s_time"));
	c->s_end = s_time && !strcmp(s_time, "end");
	if ((rc = eh_term_header(c, h)) < 0)
		goto out;
	sbuf_init(&markers);
	sbuf_init(&pre_proc);
	report_window_init(&win);
	if (c->o->from_ns >= 0)
		win.from_ns = c->o->from_ns;
	if (c->o->to_ns >= 0)
		win.to_ns = c->o->to_ns;
	win.mark_a = c->o->mark_a;
	win.mark_b = c->o->mark_a ? c->o->mark_b : NULL;
	sbuf_adds(&c->panel, "{\"v\":1");
	sbuf_printf(&c->panel, ",\"t0\":%" PRId64, c->from / 1000);
	sbuf_printf(&c->panel, ",\"s_end\":%s", c->s_end ? "true" : "false");
	sbuf_adds(&c->panel, ",\"title\":");
	if (h->title)
		html_page_jstr(&c->panel, h->title, strlen(h->title));
	else
		sbuf_adds(&c->panel, "null");
	sbuf_adds(&c->panel, ",\"command\":");
	if (h->command)
		html_page_jstr(&c->panel, h->command, strlen(h->command));
	else
		sbuf_adds(&c->panel, "null");
	while ((rc = cast_reader_next(r, &ev, err)) != 0) {
		if (rc == CAST_ERR_SYNTAX) {
			c->st->malformed++;
			continue;
		}
		if (rc < 0)
			goto out_m;
		const char *code = ev.code;
		bool one = code[0] && !code[1];
		if (ev.time_ns > c->to)
			break;
		html_stats_event(&c->hs, &ev);
		report_window_pos_t pos = report_window_feed(&win, &ev);
		if (one && code[0] == 'p') {
			/* in the window as report/window.h says (a sample at a
			 * marker's time by its place in the file) */
			if (pos == REPORT_WINDOW_OUT)
				rc = eh_keep_proc(&pre_proc, &pre_proc_t, &ev);
			else if (pos == REPORT_WINDOW_IN && (rc = eh_flush_proc(c, &pre_proc, &pre_proc_t)) >= 0)
				rc = eh_sample(c, &ev);
			if (rc < 0)
				goto out_m;
			continue;
		}
		if (one && (code[0] == 's' || code[0] == 't'))
			continue; /* tracecast's own: never fed to the player */
		if (ev.time_ns < c->from) {
			/* the screen at `from` needs the output before it */
			if (one && (code[0] == 'o' || code[0] == 'r')) {
				eh_term_event(&c->pre, 0, &ev);
				c->st->n_term++;
			}
			continue;
		}
		if (one && code[0] == 'm') {
			sbuf_addc(&markers, c->st->n_markers ? ',' : '[');
			sbuf_printf(&markers, "[%" PRId64 ",", ev.time_ns / 1000);
			html_page_jstr(&markers, ev.data, ev.data_len);
			/* the first syscall line after it in the file (the page's
			 * stats between two markers count as `stats` does) */
			sbuf_printf(&markers, ",%zu", html_stats_lines_seen(&c->hs));
			/* and the first stack sample after it (the flame graph) */
			sbuf_printf(&markers, ",%lu]", c->st->n_py);
			c->st->n_markers++;
		}
		if (c->pre.len) {
			sbuf_add(&c->term, c->pre.data, c->pre.len);
			sbuf_reset(&c->pre);
		}
		eh_term_event(&c->term, ev.time_ns - c->from, &ev);
		c->st->n_term++;
	}
	if (c->pre.len)
		sbuf_add(&c->term, c->pre.data, c->pre.len);
	if ((rc = eh_flush_proc(c, &pre_proc, &pre_proc_t)) < 0)
		goto out_m;
	rc = 0;
	sbuf_adds(&c->panel, ",\"markers\":");
	sbuf_add(&c->panel, c->st->n_markers ? markers.data : "[", c->st->n_markers ? markers.len : 1);
	sbuf_adds(&c->panel, "]");
out_m:
	sbuf_cleanup(&markers);
	sbuf_cleanup(&pre_proc);
out:
	cast_reader_free(r);
	return rc;
}

/* The profile arrays into the panel JSON. */
static void eh_profile(eh_ctx_t *c)
{
	sbuf_adds(&c->panel, ",\"procs\":[");
	for (size_t i = 0; i < c->n_procs; i++) {
		eh_proc_t *p = &c->procs[i];
		sbuf_printf(&c->panel, "%s{\"pid\":%ld,\"comm\":", i ? "," : "", p->pid);
		html_page_jstr(&c->panel, p->comm, strlen(p->comm));
		sbuf_adds(&c->panel, ",\"t\":[");
		sbuf_add(&c->panel, p->t.data, p->t.len);
		sbuf_adds(&c->panel, "],\"cpu\":[");
		sbuf_add(&c->panel, p->cpu.data, p->cpu.len);
		sbuf_adds(&c->panel, "],\"rss\":[");
		sbuf_add(&c->panel, p->rss.data, p->rss.len);
		sbuf_adds(&c->panel, "]}");
	}
	sbuf_adds(&c->panel, "],\"stacks\":[");
	sbuf_add(&c->panel, c->stack_list.data, c->stack_list.len);
	sbuf_adds(&c->panel, "],\"py\":{\"t\":[");
	sbuf_add(&c->panel, c->py_t.data, c->py_t.len);
	sbuf_adds(&c->panel, "],\"s\":[");
	sbuf_add(&c->panel, c->py_s.data, c->py_s.len);
	sbuf_adds(&c->panel, "],\"pid\":[");
	sbuf_add(&c->panel, c->py_pid.data, c->py_pid.len);
	sbuf_adds(&c->panel, "],\"w\":[");
	sbuf_add(&c->panel, c->py_w.data, c->py_w.len);
	sbuf_adds(&c->panel, "]}}");
}

int export_html_write(const char *path, FILE *out, const export_html_opts_t *o,
		      export_html_stats_t *stp, cast_error_t *err)
{
	export_html_stats_t st_local;
	eh_ctx_t c;
	timeline_t *tl = NULL;
	timeline_opts_t to = { .strict = false, .quiet = true };
	sbuf_t *bufs[] = { &c.term, &c.pre, &c.panel, &c.stack_list, &c.py_t, &c.py_s,
			   &c.py_pid, &c.py_w };
	int rc;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.st = stp ? stp : &st_local;
	memset(c.st, 0, sizeof(*c.st));
	for (size_t k = 0; k < sizeof(bufs) / sizeof(bufs[0]); k++)
		sbuf_init(bufs[k]);
	if ((rc = timeline_load(&tl, path, &to, err)) < 0)
		goto out;
	if ((rc = eh_range(&c, tl, path, err)) < 0)
		goto out;
	c.st->from_ns = c.from;
	c.st->to_ns = c.to == INT64_MAX ? timeline_duration(tl) : c.to;
	c.sys_first = c.from > 0 ? timeline_sys_upto(tl, c.from - 1) : 0;
	html_stats_init(&c.hs, c.sys_first, o->from_ns, o->to_ns, o->mark_a, o->mark_b);
	if ((rc = eh_read(&c, path, err)) < 0)
		goto out;
	if ((rc = eh_sys(&c, tl)) < 0)
		goto out;
	eh_profile(&c);
	c.st->malformed = timeline_malformed(tl);
	rc = html_page_write(out, timeline_title(tl), &c.term, &c.panel, c.st);
	if (rc < 0)
		cast_error_set(err, path, 0, 0, "%s", strerror(-rc));
out:
	if (rc == -ENOMEM)
		cast_error_set(err, path, 0, 0, "out of memory");
	timeline_free(tl);
	for (size_t k = 0; k < sizeof(bufs) / sizeof(bufs[0]); k++)
		sbuf_cleanup(bufs[k]);
	for (size_t i = 0; i < c.n_procs; i++) {
		sbuf_cleanup(&c.procs[i].t);
		sbuf_cleanup(&c.procs[i].cpu);
		sbuf_cleanup(&c.procs[i].rss);
	}
	free(c.procs);
	for (size_t i = 0; i < c.cap_stacks; i++)
		free(c.stacks[i].stack);
	free(c.stacks);
	html_stats_cleanup(&c.hs);
	return rc;
}
