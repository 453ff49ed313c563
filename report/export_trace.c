/* export_trace: the timeline formats of `tracecast export` (see
 * export.h): Chrome trace events and the strace -f -ttt -T log, each
 * event written as it is read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export_int.h"

static void x_chrome_sep(export_t *x)
{
	fputs(x->first ? "" : ",\n", x->fp);
	x->first = false;
	x->count++;
}

static void x_us(export_t *x, const char *key, int64_t ns)
{
	fprintf(x->fp, ",\"%s\":%lld.%03lld", key, (long long)(ns / 1000), (long long)(ns % 1000));
}

static void x_chrome_burst(export_t *x)
{
	if (x->burst_t < 0)
		return;
	x_chrome_sep(x);
	fputs("{\"name\":\"output\",\"cat\":\"terminal\",\"ph\":\"i\",\"s\":\"p\",\"pid\":0,\"tid\":0", x->fp);
	x_us(x, "ts", x->burst_t);
	fprintf(x->fp, ",\"args\":{\"bytes\":%lu,\"events\":%lu,\"until_s\":%.6f}}",
		x->burst_bytes, x->burst_events, (double)x->burst_end / 1e9);
	x->burst_t = -1;
}

static int x_chrome_syscall(export_t *x, const cast_event_t *ev)
{
	strace_line_t l;
	strace_line_parse(ev->data, ev->data_len, &l);
	if (tasks_line(&x->tasks, &l) < 0)
		return -ENOMEM;
	if (l.kind == STRACE_UNFINISHED)
		return 0; /* its <... resumed> half carries the whole span */
	int64_t start, end;
	strace_line_span(&l, ev->time_ns, x->base, &start, &end);
	long tid = l.tid > 0 ? l.tid : 0;
	const task_t *task = tasks_find(&x->tasks, l.tid > 0 ? l.tid : -1);
	long pid = task && task->pid > 0 ? task->pid : tid;
	x_chrome_sep(x);
	fputs("{\"name\":", x->fp);
	if (l.name && (l.kind == STRACE_CALL || l.kind == STRACE_RESUMED || l.kind == STRACE_SIGNAL))
		export_json_str(x, l.name, l.name_len);
	else
		fputs(l.kind == STRACE_EXITED || l.kind == STRACE_KILLED ? "\"exit\"" : "\"strace\"", x->fp);
	fprintf(x->fp, ",\"cat\":\"%s\"", l.err ? "syscall,error" : "syscall");
	if (l.dur_ns >= 0 && (l.kind == STRACE_CALL || l.kind == STRACE_RESUMED)) {
		fputs(",\"ph\":\"X\"", x->fp);
		x_us(x, "ts", start);
		x_us(x, "dur", end - start);
	} else {
		fputs(",\"ph\":\"i\",\"s\":\"t\"", x->fp);
		x_us(x, "ts", start);
	}
	fprintf(x->fp, ",\"pid\":%ld,\"tid\":%ld,\"args\":{\"line\":", pid, tid);
	export_json_str(x, ev->data, ev->data_len);
	if (l.err) {
		fputs(",\"errno\":", x->fp);
		export_json_str(x, l.err, l.err_len);
	}
	fputs("}}", x->fp);
	return 0;
}

void export_chrome_proc(export_t *x, json_t *procs, int64_t t)
{
	size_t i;
	json_t *p;
	json_array_foreach(procs, i, p) {
		json_int_t pid = json_integer_value(json_object_get(p, "pid"));
		json_t *cpu = json_object_get(p, "cpu"), *rss = json_object_get(p, "rss_kb");
		if (json_is_number(cpu)) {
			x_chrome_sep(x);
			fputs("{\"name\":\"CPU\",\"cat\":\"proc\",\"ph\":\"C\"", x->fp);
			x_us(x, "ts", t);
			fprintf(x->fp, ",\"pid\":%lld,\"args\":{\"cpu\":%.4f}}", (long long)pid,
				json_number_value(cpu));
		}
		if (json_is_integer(rss)) {
			x_chrome_sep(x);
			fputs("{\"name\":\"RSS\",\"cat\":\"proc\",\"ph\":\"C\"", x->fp);
			x_us(x, "ts", t);
			fprintf(x->fp, ",\"pid\":%lld,\"args\":{\"rss_kb\":%lld}}", (long long)pid,
				(long long)json_integer_value(rss));
		}
	}
}

int export_chrome_event(export_t *x, const cast_event_t *ev)
{
	char c = ev->code[1] ? 0 : ev->code[0];
	if (c == 'o') {
		if (x->burst_t >= 0 && ev->time_ns - x->burst_end > X_BURST_GAP_NS)
			x_chrome_burst(x);
		if (x->burst_t < 0) {
			x->burst_t = ev->time_ns;
			x->burst_bytes = x->burst_events = 0;
		}
		x->burst_end = ev->time_ns;
		x->burst_bytes += ev->data_len;
		x->burst_events++;
		return 0;
	}
	if (c == 's')
		return x_chrome_syscall(x, ev);
	if (c == 'm') {
		x_chrome_sep(x);
		fputs("{\"name\":", x->fp);
		export_json_str(x, ev->data, ev->data_len);
		fputs(",\"cat\":\"marker\",\"ph\":\"i\",\"s\":\"g\",\"pid\":0,\"tid\":0", x->fp);
		x_us(x, "ts", ev->time_ns);
		fputc('}', x->fp);
	}
	return 0;
}

int export_chrome_finish(export_t *x)
{
	x_chrome_burst(x);
	x_chrome_sep(x);
	fputs("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"args\":{\"name\":\"terminal\"}}", x->fp);
	for (size_t i = 0; i < x->tasks.cap; i++) {
		const task_t *t = &x->tasks.tab[i];
		if (t->tid <= 0 || t->tid != t->pid || !t->comm[0])
			continue;
		x_chrome_sep(x);
		fprintf(x->fp, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%ld,\"args\":{\"name\":",
			t->pid);
		export_json_str(x, t->comm, strlen(t->comm));
		fputs("}}", x->fp);
	}
	fputs("\n]\n", x->fp);
	return 0;
}

/* One recorded line as strace -f -ttt -T prints it: "TID SECS.USECS REST". */
int export_strace_line(export_t *x, const cast_event_t *ev)
{
	const char *p = ev->data, *end = ev->data + ev->data_len;
	strace_line_t l;
	strace_line_parse(ev->data, ev->data_len, &l);
	int64_t start, fin;
	strace_line_span(&l, ev->time_ns, x->base, &start, &fin);
	int64_t abs = x->start_unix_ns > INT64_MAX - start ? INT64_MAX : x->start_unix_ns + start;
	int64_t us = (abs + 500) / 1000;
	if (*p == '@') { /* "@PID " tag of an attached tracer: strace never prints it */
		const char *sp = memchr(p, ' ', ev->data_len);
		p = sp ? sp + 1 : end;
	}
	const char *q = p;
	while (q < end && *q >= '0' && *q <= '9')
		q++;
	if (q > p && q < end && *q == ' ') {
		while (q < end && *q == ' ')
			q++; /* strace pads the pid column: keep its spaces before the stamp */
		fwrite(p, 1, (size_t)(q - p), x->fp);
		p = q;
	}
	fprintf(x->fp, "%lld.%06lld ", (long long)(us / 1000000), (long long)(us % 1000000));
	fwrite(p, 1, (size_t)(end - p), x->fp);
	fputc('\n', x->fp);
	x->count++;
	return 0;
}

