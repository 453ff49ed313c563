/* pyout_tasks: one process's threads and their /proc state (see the
 * header). */
#include "pyout_tasks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void pt_close(pyout_task_t *t)
{
	close(t->fd);
	if (t->fd_sched >= 0)
		close(t->fd_sched);
	if (t->fd_children >= 0)
		close(t->fd_children);
	free(t->stack);
	free(t->event);
}

void pyout_tasks_close(pyout_tasks_t *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		pt_close(&ts->v[i]);
	ts->n = 0;
}

void pyout_tasks_cleanup(pyout_tasks_t *ts)
{
	pyout_tasks_close(ts);
	free(ts->v);
	free(ts->same);
	ts->v = NULL;
	ts->same = NULL;
	ts->cap = 0;
}

pyout_task_t *pyout_tasks_get(pyout_tasks_t *ts, unsigned long tid, bool open_it)
{
	for (size_t i = 0; i < ts->n; i++)
		if (ts->v[i].tid == tid)
			return &ts->v[i];
	if (!open_it)
		return NULL;
	char path[96];
	snprintf(path, sizeof path, "/proc/%d/task/%lu/stat", (int)ts->pid, tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (ts->n == ts->cap) {
		size_t nc = ts->cap ? ts->cap * 2 : 8;
		pyout_task_t *nt = realloc(ts->v, nc * sizeof *nt);
		unsigned long *ns = nt ? realloc(ts->same, nc * sizeof *ns) : NULL;
		if (nt)
			ts->v = nt;
		if (!ns) {
			close(fd);
			return NULL;
		}
		ts->same = ns;
		ts->cap = nc;
	}
	snprintf(path, sizeof path, "/proc/%d/task/%lu/schedstat", (int)ts->pid, tid);
	/* no base: the thread may have run since the walk that found it */
	ts->v[ts->n] = (pyout_task_t){ .tid = tid, .wid = tid, .fd = fd,
				       .fd_sched = open(path, O_RDONLY | O_CLOEXEC),
				       .fd_children = -1 };
	return &ts->v[ts->n++];
}

pyout_task_t *pyout_tasks_by_wid(pyout_tasks_t *ts, unsigned long wid)
{
	for (size_t i = 0; i < ts->n; i++)
		if (ts->v[i].wid == wid)
			return &ts->v[i];
	return NULL;
}

char pyout_tasks_state(const pyout_task_t *t)
{
	char buf[512];
	ssize_t n = pread(t->fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	if (!rp || rp[1] != ' ' || !rp[2])
		return 0;
	return rp[2];
}

/* A task's schedstat (its CPU time and how many times it was put on a
 * CPU): 0, or -1 (gone, or no schedstat). */
static int pt_sched(const pyout_task_t *t, pyout_sched_t *out)
{
	char buf[128], *end;
	ssize_t n = t->fd_sched < 0 ? -1 : pread(t->fd_sched, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	out->run = strtoull(buf, &end, 10);
	(void)strtoull(end, &end, 10); /* the time spent waiting for a CPU */
	char *last = end;
	out->pcount = strtoull(last, &end, 10);
	return end == last ? -1 : 0;
}

/* A task's base is the schedstat read before the walk that took its
 * stack, at a time it was asleep (the state, read after the schedstat,
 * was not R): a task not put on a CPU since has not run since, and was
 * not on a CPU at any moment of it (idle, with the state of then). A task
 * that ran gets its state read now (stat) and, if it sleeps, a new base
 * candidate, kept if the walk takes its stack (pyout_tasks_took). */
size_t pyout_tasks_begin(pyout_tasks_t *ts)
{
	size_t n_same = 0;
	for (size_t i = 0; i < ts->n; i++) {
		pyout_task_t *k = &ts->v[i];
		pyout_sched_t now;
		bool have = pt_sched(k, &now) == 0;
		k->seen = false;
		k->cand_ok = false;
		k->same = have && k->base_ok && now.run == k->base.run && now.pcount == k->base.pcount;
		if (k->same) {
			k->state = k->base_state;
			ts->same[n_same++] = k->wid;
			continue;
		}
		k->state = pyout_tasks_state(k);
		if (have && k->state && k->state != 'R') {
			k->cand_ok = true;
			k->cand = now;
		}
	}
	return n_same;
}

int pyout_tasks_took(pyout_task_t *t, char state, const char *stack, size_t len)
{
	t->seen = true;
	t->base_ok = t->cand_ok;
	t->base = t->cand;
	t->base_state = state;
	char *copy = realloc(t->stack, len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, stack, len);
	t->stack = copy;
	t->len = len;
	t->event_len = 0;
	return 0;
}

int pyout_tasks_keep_event(pyout_task_t *t, const char *event, size_t len)
{
	char *copy = realloc(t->event, len ? len : 1);
	if (!copy) {
		t->event_len = 0;
		return -ENOMEM;
	}
	memcpy(copy, event, len);
	t->event = copy;
	t->event_len = len;
	return 0;
}

void pyout_tasks_end(pyout_tasks_t *ts)
{
	for (size_t i = 0; i < ts->n;) { /* threads no longer seen */
		if (!ts->v[i].seen) {
			pt_close(&ts->v[i]);
			ts->v[i] = ts->v[--ts->n];
		} else {
			ts->v[i].state = 0; /* read again next round */
			i++;
		}
	}
}
