/* strace_markers: exec / exit / fatal-signal markers from strace lines, with
 * the exec rate limit described in strace_markers.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strace_markers.h"

#define PENDING_SLOTS 32
#define NAME_MAX_LEN 64

/* A thread whose execve is unfinished, or whose exit_group was marked. */
typedef struct slot {
	long attach, tid;
	char name[NAME_MAX_LEN]; /* program basename ("" for exit slots) */
} slot_t;

struct strace_markers {
	slot_t exec_pending[PENDING_SLOTS];
	size_t exec_next;
	slot_t exited[PENDING_SLOTS];
	size_t exit_next;
	bool win_open;
	int64_t win_start;
	unsigned win_execs;     /* execs seen in the window */
	unsigned win_hidden;    /* of them, not marked one by one */
	bool burst;             /* this window follows an overflowing one */
	int64_t last_win_end;   /* end of the last closed window that overflowed */
};

strace_markers_t *strace_markers_new(void)
{
	strace_markers_t *m = calloc(1, sizeof(*m));
	if (m)
		m->last_win_end = INT64_MIN;
	return m;
}

void strace_markers_free(strace_markers_t *m)
{
	free(m);
}

static void emit_label(const rec_emit_t *out, int64_t t, const char *label)
{
	out->emit(out->user, t, "m", label, strlen(label));
}

/* A marker about a --strace-pid process carries its stream's "@PID " tag. */
static void emit_tagged(const rec_emit_t *out, int64_t t, long attach, const char *label)
{
	char buf[160];
	if (!attach) {
		emit_label(out, t, label);
		return;
	}
	snprintf(buf, sizeof(buf), "@%ld %s", attach, label);
	emit_label(out, t, buf);
}

static bool name_is(const strace_line_t *l, const char *lit)
{
	size_t n = strlen(lit);
	return l->name && l->name_len == n && memcmp(l->name, lit, n) == 0;
}

/* The basename of the first non-empty quoted string in args, into buf. */
static void exec_name(const char *a, size_t n, char *buf, size_t cap)
{
	const char *end = a + n;
	buf[0] = '\0';
	while (a < end) {
		const char *q = memchr(a, '"', (size_t)(end - a));
		if (!q)
			return;
		const char *e = q + 1;
		while (e < end && *e != '"')
			e += (*e == '\\' && e + 1 < end) ? 2 : 1;
		if (e > end)
			e = end;
		const char *base = q + 1;
		for (const char *p = q + 1; p < e; p++)
			if (*p == '/')
				base = p + 1;
		if (e > base) {
			size_t len = (size_t)(e - base);
			if (len >= cap)
				len = cap - 1;
			memcpy(buf, base, len);
			buf[len] = '\0';
			return;
		}
		a = e + 1;
	}
}

static slot_t *slot_find(slot_t *slots, long attach, long tid)
{
	for (size_t i = 0; i < PENDING_SLOTS; i++)
		if (slots[i].tid == tid && slots[i].attach == attach && tid != 0)
			return &slots[i];
	return NULL;
}

static slot_t *slot_take(slot_t *slots, size_t *next, long attach, long tid)
{
	slot_t *s = slot_find(slots, attach, tid);
	if (!s) {
		s = &slots[*next];
		*next = (*next + 1) % PENDING_SLOTS;
	}
	s->attach = attach;
	s->tid = tid;
	s->name[0] = '\0';
	return s;
}

/* Close the window: emit the hidden count at the window's end. */
static void window_close(strace_markers_t *m, const rec_emit_t *out)
{
	int64_t end = m->win_start + STRACE_MARKERS_WINDOW_NS;
	if (m->win_hidden > 0) {
		char label[48];
		snprintf(label, sizeof(label), "exec x%u", m->win_hidden);
		emit_label(out, end, label);
		m->last_win_end = end;
	}
	m->win_open = false;
	m->win_execs = m->win_hidden = 0;
}

/* A successful exec at t: a marker of its own, or counted. */
static void exec_done(strace_markers_t *m, long attach, const char *name,
		      int64_t t, const rec_emit_t *out)
{
	if (m->win_open && t >= m->win_start + STRACE_MARKERS_WINDOW_NS)
		window_close(m, out);
	if (!m->win_open) {
		m->win_open = true;
		m->win_start = t;
		m->burst = m->last_win_end != INT64_MIN &&
			   t < m->last_win_end + STRACE_MARKERS_WINDOW_NS;
	}
	m->win_execs++;
	if (!m->burst && m->win_execs <= STRACE_MARKERS_EXEC_BURST) {
		char label[NAME_MAX_LEN + 8];
		snprintf(label, sizeof(label), "exec %s", name[0] ? name : "?");
		emit_tagged(out, t, attach, label);
	} else {
		m->win_hidden++;
	}
}

static void exit_marker(strace_markers_t *m, const strace_line_t *l, long code,
			int64_t t, const rec_emit_t *out)
{
	char label[64];
	slot_take(m->exited, &m->exit_next, l->attach_pid, l->tid);
	snprintf(label, sizeof(label), "exit %ld pid %ld", code, l->tid);
	emit_tagged(out, t, l->attach_pid, label);
}

void strace_markers_line(strace_markers_t *m, const strace_line_t *l,
			 int64_t mono_ns, const rec_emit_t *out)
{
	bool is_exec = name_is(l, "execve") || name_is(l, "execveat");
	switch (l->kind) {
	case STRACE_CALL:
	case STRACE_UNFINISHED:
		if (is_exec) {
			char name[NAME_MAX_LEN];
			exec_name(l->args, l->args_len, name, sizeof(name));
			if (l->kind == STRACE_UNFINISHED) {
				slot_t *s = slot_take(m->exec_pending, &m->exec_next,
						      l->attach_pid, l->tid);
				memcpy(s->name, name, sizeof(name));
			} else if (l->ret_len == 1 && l->ret[0] == '0') {
				exec_done(m, l->attach_pid, name, mono_ns, out);
			}
		} else if (name_is(l, "exit_group") && l->args_len > 0) {
			char num[24];
			size_t n = l->args_len < sizeof(num) - 1 ? l->args_len : sizeof(num) - 1;
			memcpy(num, l->args, n);
			num[n] = '\0';
			long code = strtol(num, NULL, 10);
			if (code != 0)
				exit_marker(m, l, code, mono_ns, out);
		}
		break;
	case STRACE_RESUMED:
		if (is_exec) {
			slot_t *s = slot_find(m->exec_pending, l->attach_pid, l->tid);
			if (l->has_ret && l->ret_len == 1 && l->ret[0] == '0')
				exec_done(m, l->attach_pid, s ? s->name : "", mono_ns, out);
			if (s)
				s->tid = 0;
		}
		break;
	case STRACE_EXITED:
		if (l->exit_code != 0) {
			slot_t *s = slot_find(m->exited, l->attach_pid, l->tid);
			if (s)
				s->tid = 0; /* already marked from exit_group */
			else
				exit_marker(m, l, l->exit_code, mono_ns, out);
		}
		break;
	case STRACE_KILLED: {
		char label[96];
		if (l->name_len == 7 && memcmp(l->name, "SIGKILL", 7) == 0)
			snprintf(label, sizeof(label), "killed by SIGKILL pid %ld", l->tid);
		else
			snprintf(label, sizeof(label), "%.*s pid %ld",
				 (int)(l->name_len < 32 ? l->name_len : 32), l->name, l->tid);
		emit_tagged(out, mono_ns, l->attach_pid, label);
		break;
	}
	default:
		break;
	}
}

int64_t strace_markers_deadline(const strace_markers_t *m)
{
	return m->win_open ? m->win_start + STRACE_MARKERS_WINDOW_NS : INT64_MAX;
}

void strace_markers_tick(strace_markers_t *m, int64_t now_ns,
			 const rec_emit_t *out)
{
	if (m->win_open && now_ns >= m->win_start + STRACE_MARKERS_WINDOW_NS)
		window_close(m, out);
}

void strace_markers_flush(strace_markers_t *m, int64_t now_ns,
			  const rec_emit_t *out)
{
	if (!m->win_open)
		return;
	if (m->win_hidden > 0) {
		int64_t end = m->win_start + STRACE_MARKERS_WINDOW_NS;
		m->win_start = (now_ns < end ? now_ns : end) - STRACE_MARKERS_WINDOW_NS;
	}
	window_close(m, out);
}
