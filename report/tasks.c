/* tasks: threads to processes and names from strace lines and proc
 * samples (see tasks.h). */
#include "tasks.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void tasks_init(tasks_t *t)
{
	memset(t, 0, sizeof(*t));
}

void tasks_cleanup(tasks_t *t)
{
	free(t->tab);
	memset(t, 0, sizeof(*t));
}

static size_t tasks_slot(long tid, size_t cap)
{
	return (size_t)((uint64_t)tid * 2654435761u) & (cap - 1);
}

const task_t *tasks_find(const tasks_t *t, long tid)
{
	if (!t->cap)
		return NULL;
	for (size_t j = tasks_slot(tid, t->cap); t->tab[j].tid; j = (j + 1) & (t->cap - 1))
		if (t->tab[j].tid == tid)
			return &t->tab[j];
	return NULL;
}

task_t *tasks_get(tasks_t *t, long tid)
{
	if ((t->n + 1) * 2 > t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		task_t *nt = calloc(nc, sizeof(*nt));
		if (!nt)
			return NULL;
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->tab[i].tid)
				continue;
			size_t j = tasks_slot(t->tab[i].tid, nc);
			while (nt[j].tid)
				j = (j + 1) & (nc - 1);
			nt[j] = t->tab[i];
		}
		free(t->tab);
		t->tab = nt;
		t->cap = nc;
	}
	size_t j = tasks_slot(tid, t->cap);
	for (; t->tab[j].tid; j = (j + 1) & (t->cap - 1))
		if (t->tab[j].tid == tid)
			return &t->tab[j];
	t->tab[j].tid = tid;
	t->tab[j].pid = tid;
	t->n++;
	return &t->tab[j];
}

static void tasks_set_comm(char comm[16], const char *name, size_t len)
{
	if (len > 15)
		len = 15; /* TASK_COMM_LEN - 1 */
	memcpy(comm, name, len);
	comm[len] = '\0';
}

static bool tasks_has(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(p + i, needle, k) == 0)
			return true;
	return false;
}

static bool tasks_is(const strace_line_t *l, const char *name)
{
	return l->name && l->name_len == strlen(name) && memcmp(l->name, name, l->name_len) == 0;
}

int tasks_line(tasks_t *t, const strace_line_t *l)
{
	long tid = l->tid > 0 ? l->tid : -1;
	task_t *me = tasks_get(t, tid);
	if (!me)
		return -ENOMEM;
	bool clone = tasks_is(l, "clone") || tasks_is(l, "clone3") || tasks_is(l, "fork") ||
		     tasks_is(l, "vfork");
	bool execve = tasks_is(l, "execve");
	if (clone && l->kind == STRACE_UNFINISHED) {
		me->clone_thread = tasks_has(l->args, l->args_len, "CLONE_THREAD");
		return 0;
	}
	if (execve && (l->kind == STRACE_UNFINISHED || l->kind == STRACE_CALL)) {
		me->exec_comm[0] = '\0';
		if (l->args_len > 1 && l->args[0] == '"') {
			const char *p = l->args + 1, *end = memchr(p, '"', l->args_len - 1);
			const char *base = p;
			for (const char *q = p; end && q < end; q++)
				if (*q == '/')
					base = q + 1;
			if (end)
				tasks_set_comm(me->exec_comm, base, (size_t)(end - base));
		}
	}
	if (l->kind != STRACE_CALL && l->kind != STRACE_RESUMED)
		return 0;
	if (clone && l->has_ret && !l->err) {
		bool thread = l->kind == STRACE_RESUMED ? me->clone_thread
			      : tasks_has(l->args, l->args_len, "CLONE_THREAD");
		long child = strtol(l->ret, NULL, 10);
		long pid = me->pid;
		char comm[16];
		memcpy(comm, me->comm, sizeof(comm));
		if (child > 0) {
			task_t *c = tasks_get(t, child); /* may move me */
			if (!c)
				return -ENOMEM;
			c->pid = thread ? pid : child;
			if (!c->comm[0])
				memcpy(c->comm, comm, sizeof(comm));
		}
	} else if (execve && l->has_ret && !l->err && me->exec_comm[0]) {
		memcpy(me->comm, me->exec_comm, sizeof(me->comm));
	}
	return 0;
}

int tasks_sample(tasks_t *t, const cast_event_t *ev)
{
	if (!memmem(ev->data, ev->data_len, "\"proc\"", 6))
		return 0;
	json_t *j = json_loadb(ev->data, ev->data_len, 0, NULL);
	json_t *procs = json_object_get(j, "procs");
	size_t i;
	json_t *p;
	int rc = 0;
	json_array_foreach(procs, i, p) {
		json_int_t pid = json_integer_value(json_object_get(p, "pid"));
		const char *comm = json_string_value(json_object_get(p, "comm"));
		if (pid <= 0 || pid > INT32_MAX || !comm)
			continue;
		task_t *k = tasks_get(t, (long)pid);
		if (!k) {
			rc = -ENOMEM;
			break;
		}
		if (!k->comm[0])
			tasks_set_comm(k->comm, comm, strlen(comm));
	}
	json_decref(j);
	return rc;
}

int tasks_event(tasks_t *t, const cast_event_t *ev)
{
	if (ev->code[1])
		return 0;
	if (ev->code[0] == 'p')
		return tasks_sample(t, ev);
	if (ev->code[0] != 's')
		return 0;
	strace_line_t l;
	strace_line_parse(ev->data, ev->data_len, &l);
	return tasks_line(t, &l);
}
