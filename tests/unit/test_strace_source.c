/* Unit tests of the strace source's pieces: --strace=ARGS splitting and
 * checking, FIFO line reassembly, the realtime->monotonic map, automatic
 * markers and their rate limit, and the whole rec_source_t driven by hand
 * around a real strace (fork/exec of the wrapped argv, no pty). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "recorder/strace_args.h"
#include "recorder/strace_clock.h"
#include "tracecast/strace_line.h"
#include "recorder/strace_markers.h"
#include "recorder/strace_source.h"
#include "recorder/strace_stream.h"
#include "tracecast/tc_clock.h"

/* Collected events. */
typedef struct ev {
	int64_t t;
	char code[4];
	char *data;
} ev_t;

typedef struct evlog {
	ev_t *v;
	size_t n, cap;
} evlog_t;

static void log_emit(void *user, int64_t t, const char *code, const char *data, size_t len)
{
	evlog_t *l = user;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		assert_non_null(l->v);
	}
	ev_t *e = &l->v[l->n++];
	e->t = t;
	snprintf(e->code, sizeof(e->code), "%s", code);
	e->data = strndup(data, len);
}

static void log_free(evlog_t *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].data);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The first event of code whose data contains needle, or NULL. */
static const ev_t *log_find(const evlog_t *l, const char *code, const char *needle)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0 && strstr(l->v[i].data, needle))
			return &l->v[i];
	return NULL;
}

static size_t log_count(const evlog_t *l, const char *code, const char *needle)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0 && strstr(l->v[i].data, needle))
			n++;
	return n;
}

/* ---- --strace=ARGS ---- */

static int split_check(const char *text, strv_t *v, bool *filter, bool *seccomp,
		       char *err, size_t errlen)
{
	strv_init(v);
	int rc = strace_args_split(text, v, err, errlen);
	if (rc == 0)
		rc = strace_args_check(v, filter, seccomp, err, errlen);
	return rc;
}

static void test_args_split(void **state)
{
	(void)state;
	char err[256];
	strv_t v;
	strv_init(&v);
	assert_int_equal(strace_args_split("-e trace=%file,%network  -s 256 "
		"-P '/a b' -E \"X=\\\"q\\\"\" -e\\ x ''", &v, err, sizeof(err)), 0);
	assert_int_equal(v.n, 10);
	assert_string_equal(v.v[0], "-e");
	assert_string_equal(v.v[1], "trace=%file,%network");
	assert_string_equal(v.v[2], "-s");
	assert_string_equal(v.v[3], "256");
	assert_string_equal(v.v[5], "/a b");
	assert_string_equal(v.v[7], "X=\"q\"");
	assert_string_equal(v.v[8], "-e x");
	assert_string_equal(v.v[9], "");
	assert_null(v.v[10]);
	strv_cleanup(&v);
	/* an empty '' word is a word */
	assert_int_equal(strace_args_split("-E ''", &v, err, sizeof(err)), 0);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[1], "");
	strv_cleanup(&v);
	assert_int_equal(strace_args_split("-e 'trace=open", &v, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unterminated"));
	strv_cleanup(&v);
	assert_int_equal(strace_args_split("-e \"x", &v, err, sizeof(err)), -EINVAL);
	strv_cleanup(&v);
}

static void test_args_check(void **state)
{
	(void)state;
	static const char *const refused[] = {
		"-o x", "-ox", "-ff", "-f", "-c", "-C", "-fc", "-t", "-tt", "-ttt",
		"-r", "-T", "-p 1", "-D", "--output=x", "--output x", "--out=x",
		"--output-separately", "--summary-only", "--absolute-timestamps",
		"--timestamps=ns", "--relative-timestamps", "--syscall-times",
		"--attach=1", "--follow-forks", "-s 64 -T", "-V", "cmd",
	};
	char err[256];
	strv_t v;
	bool filter, seccomp;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err[0] = '\0';
		int rc = split_check(refused[i], &v, &filter, &seccomp, err, sizeof(err));
		if (rc != -EINVAL)
			fail_msg("\"%s\" was not refused", refused[i]);
		assert_true(strlen(err) > 10);
		strv_cleanup(&v);
	}
	/* the value of an option is not read as an option */
	assert_int_equal(split_check("-s 64 -P -o -e trace=open", &v, &filter,
				     &seccomp, err, sizeof(err)), 0);
	assert_true(filter);
	assert_false(seccomp);
	strv_cleanup(&v);
	assert_int_equal(split_check("-etrace=%file", &v, &filter, &seccomp, err,
				     sizeof(err)), 0);
	assert_true(filter);
	strv_cleanup(&v);
	assert_int_equal(split_check("-e open", &v, &filter, &seccomp, err, sizeof(err)), 0);
	assert_true(filter);
	strv_cleanup(&v);
	assert_int_equal(split_check("--trace=poll --seccomp-bpf", &v, &filter,
				     &seccomp, err, sizeof(err)), 0);
	assert_true(filter);
	assert_true(seccomp);
	strv_cleanup(&v);
	assert_int_equal(split_check("-e signal=none -yy -s 256 --string-limit 9",
				     &v, &filter, &seccomp, err, sizeof(err)), 0);
	assert_false(filter);
	strv_cleanup(&v);
	assert_int_equal(split_check("-e", &v, &filter, &seccomp, err, sizeof(err)), -EINVAL);
	strv_cleanup(&v);
}

/* ---- line reassembly ---- */

static void collect_line(void *user, const char *line, size_t len)
{
	evlog_t *l = user;
	assert_int_equal(line[len], '\0');
	log_emit(l, 0, "s", line, len);
}

static void test_stream_reassembly(void **state)
{
	(void)state;
	evlog_t l = { 0 };
	strace_stream_t st;
	strace_stream_init(&st, 0);
	/* a line in two pieces (entry text, then the result), then two at once */
	assert_int_equal(strace_stream_feed(&st, "12 1.5 read(3, ", 15, collect_line, &l), 0);
	assert_int_equal(l.n, 0);
	const char *b = "\"x\", 1) = 1 <0.1>\n13 1.6 getpid() = 13 <0.1>\n14 1.7 cl";
	assert_int_equal(strace_stream_feed(&st, b, strlen(b), collect_line, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].data, "12 1.5 read(3, \"x\", 1) = 1 <0.1>");
	assert_string_equal(l.v[1].data, "13 1.6 getpid() = 13 <0.1>");
	/* byte by byte */
	const char *c = "ose(3) = 0\n\n";
	for (size_t i = 0; c[i]; i++)
		assert_int_equal(strace_stream_feed(&st, c + i, 1, collect_line, &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[2].data, "14 1.7 close(3) = 0");
	assert_string_equal(l.v[3].data, "");
	/* an unterminated tail comes out at the flush */
	assert_int_equal(strace_stream_feed(&st, "15 1.8 exit", 11, collect_line, &l), 0);
	strace_stream_flush(&st, collect_line, &l);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[4].data, "15 1.8 exit");
	/* over-long lines are cut, not lost */
	st.max_line = 8;
	assert_int_equal(strace_stream_feed(&st, "0123", 4, collect_line, &l), 0);
	assert_int_equal(strace_stream_feed(&st, "456789AB\nok\n", 12, collect_line, &l), 0);
	assert_int_equal(l.n, 7);
	assert_string_equal(l.v[5].data, "01234567");
	assert_string_equal(l.v[6].data, "ok");
	strace_stream_cleanup(&st);
	log_free(&l);
}

static void test_stream_fifo(void **state)
{
	(void)state;
	char dir[] = "/tmp/tc-strace-unit.XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	strace_stream_t st;
	evlog_t l = { 0 };
	assert_int_equal(strace_stream_open(&st, path, 0), 0);
	/* no writer but ours yet: nothing to read, and not the end */
	assert_int_equal(strace_stream_read(&st, 1 << 20, collect_line, &l), -EAGAIN);
	int w = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(w >= 0);
	assert_int_equal(write(w, "a\nb", 3), 3);
	assert_true(strace_stream_read(&st, 1 << 20, collect_line, &l) == 3);
	assert_int_equal(l.n, 1);
	/* whole lines are passed on from the read buffer itself, a line cut
	 * by the read is joined: the same lines as strace_stream_feed gives */
	assert_int_equal(write(w, "c\n\nd e\nf", 8), 8);
	assert_true(strace_stream_read(&st, 1 << 20, collect_line, &l) == 8);
	assert_int_equal(write(w, "g\nh\n", 4), 4);
	assert_true(strace_stream_read(&st, 1 << 20, collect_line, &l) == 4);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[1].data, "bc");
	assert_string_equal(l.v[2].data, "");
	assert_string_equal(l.v[3].data, "d e");
	assert_string_equal(l.v[4].data, "fg");
	assert_string_equal(l.v[5].data, "h");
	assert_int_equal(write(w, "b", 1), 1);
	assert_true(strace_stream_read(&st, 1 << 20, collect_line, &l) == 1);
	close(w); /* the writer went away, our dummy end keeps it open */
	assert_int_equal(strace_stream_read(&st, 1 << 20, collect_line, &l), -EAGAIN);
	assert_false(st.eof);
	strace_stream_close_writer(&st);
	assert_int_equal(strace_stream_read(&st, 1 << 20, collect_line, &l), 0);
	assert_true(st.eof);
	strace_stream_flush(&st, collect_line, &l);
	assert_int_equal(l.n, 7);
	assert_string_equal(l.v[6].data, "b");
	strace_stream_cleanup(&st);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);
	log_free(&l);
}

/* ---- clock ---- */

static void test_clock_map(void **state)
{
	(void)state;
	strace_clock_t c;
	strace_clock_init(&c);
	assert_int_equal(strace_clock_map(&c, 1234), 1234);
	const int64_t S = 1000000000;
	/* realtime = mono + 1000 s; at mono 105 s it steps back by 30 s */
	for (int i = 100; i <= 104; i++)
		strace_clock_add(&c, i * S, 1000 * S + 7);
	for (int i = 105; i <= 110; i++)
		strace_clock_add(&c, i * S, 970 * S + 9);
	/* a stamp taken at mono 102.5 s before the step */
	assert_int_equal(strace_clock_map(&c, 1102 * S + S / 2 + 7), 102 * S + S / 2);
	/* one taken at mono 108.25 s after it */
	assert_int_equal(strace_clock_map(&c, 1078 * S + S / 4 + 9), 108 * S + S / 4);
	/* only the last STRACE_CLOCK_SAMPLES are kept */
	for (int i = 0; i < STRACE_CLOCK_SAMPLES; i++)
		strace_clock_add(&c, (200 + i) * S, 5 * S);
	assert_int_equal(strace_clock_map(&c, 1102 * S), 1097 * S);
	/* the real measurement maps now onto now (within a millisecond) */
	strace_clock_init(&c);
	strace_clock_measure(&c);
	int64_t m = tc_clock_mono_ns(), r = tc_clock_real_ns();
	int64_t d = strace_clock_map(&c, r) - m;
	assert_true(d > -1000000 && d < 1000000);
}

/* ---- markers ---- */

static void mark(strace_markers_t *m, const char *line, int64_t t, const rec_emit_t *out)
{
	strace_line_t l;
	strace_line_parse(line, strlen(line), &l);
	strace_markers_line(m, &l, t, out);
}

static void test_markers(void **state)
{
	(void)state;
	evlog_t l = { 0 };
	rec_emit_t out = { log_emit, &l };
	strace_markers_t *m = strace_markers_new();
	assert_non_null(m);
	const int64_t MS = 1000000;
	mark(m, "10 execve(\"/usr/bin/python3\", [\"python3\"], 0x7ff /* 3 vars */) = 0 <0.1>",
	     1000 * MS, &out);
	mark(m, "11 execve(\"/nope\", [\"nope\"], 0x7ff /* 3 vars */) = -1 ENOENT "
	     "(No such file or directory) <0.1>", 1001 * MS, &out);
	mark(m, "12 execve(\"/bin/tr\\\"ue\", [\"true\"], 0x1 /* 3 vars */ <unfinished ...>",
	     1002 * MS, &out);
	mark(m, "13 getpid() = 13", 1003 * MS, &out);
	mark(m, "12 <... execve resumed>) = 0 <0.1>", 1004 * MS, &out);
	mark(m, "14 exit_group(3) = ?", 1005 * MS, &out);
	mark(m, "14 +++ exited with 3 +++", 1006 * MS, &out); /* no second marker */
	mark(m, "15 +++ exited with 2 +++", 1007 * MS, &out);
	mark(m, "16 exit_group(0) = ?", 1008 * MS, &out);
	mark(m, "17 +++ killed by SIGSEGV (core dumped) +++", 1009 * MS, &out);
	mark(m, "18 +++ killed by SIGKILL +++", 1010 * MS, &out);
	mark(m, "@99 19 execveat(3, \"\", [\"sh\"], 0x1, AT_EMPTY_PATH) = 0", 1011 * MS, &out);
	assert_int_equal(l.n, 7);
	assert_string_equal(l.v[0].data, "exec python3");
	assert_int_equal(l.v[0].t, 1000 * MS);
	assert_string_equal(l.v[1].data, "exec tr\\\"ue");
	assert_int_equal(l.v[1].t, 1004 * MS);
	assert_string_equal(l.v[2].data, "exit 3 pid 14");
	assert_string_equal(l.v[3].data, "exit 2 pid 15");
	assert_string_equal(l.v[4].data, "SIGSEGV pid 17");
	assert_string_equal(l.v[5].data, "killed by SIGKILL pid 18");
	assert_string_equal(l.v[6].data, "@99 exec sh");
	for (size_t i = 0; i < l.n; i++)
		assert_string_equal(l.v[i].code, "m");
	strace_markers_free(m);
	strace_markers_free(NULL);
	log_free(&l);
}

static void test_markers_rate_limit(void **state)
{
	(void)state;
	evlog_t l = { 0 };
	rec_emit_t out = { log_emit, &l };
	strace_markers_t *m = strace_markers_new();
	const int64_t MS = 1000000, S = 1000 * MS;
	const char *ex = "1 execve(\"/bin/true\", [\"true\"], 0x1 /* 1 var */) = 0 <0.1>";
	assert_int_equal(strace_markers_deadline(m), INT64_MAX);
	/* a shell loop: 100 execs a second for 3.5 seconds, from t = 10 s */
	int64_t t = 10 * S;
	for (int i = 0; i < 350; i++, t += 10 * MS) {
		if (t >= strace_markers_deadline(m))
			strace_markers_tick(m, t, &out);
		mark(m, ex, t, &out);
	}
	strace_markers_flush(m, t, &out);
	/* second 1: BURST markers + "exec x(100-BURST)"; seconds 2-3: one "exec x100"
	 * each; the last half second: "exec x50" at the flush */
	assert_int_equal(log_count(&l, "m", "exec true"), STRACE_MARKERS_EXEC_BURST);
	assert_int_equal(l.n, STRACE_MARKERS_EXEC_BURST + 4);
	const size_t B = STRACE_MARKERS_EXEC_BURST;
	char first[32];
	snprintf(first, sizeof(first), "exec x%zu", 100 - B);
	assert_string_equal(l.v[B].data, first);
	assert_int_equal(l.v[B].t, 11 * S);
	assert_string_equal(l.v[B + 1].data, "exec x100");
	assert_int_equal(l.v[B + 1].t, 12 * S);
	assert_string_equal(l.v[B + 2].data, "exec x100");
	assert_string_equal(l.v[B + 3].data, "exec x50");
	assert_true(l.v[B + 3].t <= t);
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.v[i].t >= l.v[i - 1].t);
	/* after a quiet second, execs are marked one by one again */
	log_free(&l);
	t += 3 * S;
	mark(m, ex, t, &out);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].data, "exec true");
	strace_markers_free(m);
	log_free(&l);
}

/* ---- the whole source around a real strace ---- */

static bool have_strace(void)
{
	return system("strace -qq -o /dev/null true >/dev/null 2>&1") == 0;
}

/* Called after each readable() that emitted lines (read time now). */
typedef void (*read_hook_fn)(rec_source_t *src, int64_t now, void *user);

/* prepare, fork/exec the wrapped argv, poll, finish: like rec_session. */
static void run_source_hook(rec_source_t *src, const char *script, evlog_t *l,
			    json_t *sources, read_hook_fn hook, void *hook_user)
{
	rec_spawn_t sp;
	rec_emit_t out = { log_emit, l };
	strv_init(&sp.argv);
	strv_init(&sp.env);
	sp.sources = sources;
	strv_push(&sp.argv, "/bin/sh");
	strv_push(&sp.argv, "-c");
	strv_push(&sp.argv, script);
	assert_int_equal(src->prepare(src->self, &sp), 0);
	assert_true(sp.argv.n > 4);
	assert_non_null(strstr(sp.argv.v[0], "strace"));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(null, 1);
		execv(sp.argv.v[0], sp.argv.v);
		_exit(127);
	}
	src->started(src->self, pid, tc_clock_mono_ns());
	int status = 0;
	for (;;) {
		struct pollfd p = { .fd = src->poll_fd(src->self), .events = POLLIN };
		int64_t now = tc_clock_mono_ns();
		int64_t dl = src->deadline(src->self);
		int ms = dl <= now ? 0 : (int)((dl - now) / 1000000 + 1);
		if (ms > 50)
			ms = 50;
		int n = poll(&p, 1, ms);
		now = tc_clock_mono_ns();
		size_t before = l->n;
		if (n > 0)
			assert_int_equal(src->readable(src->self, now, &out), 0);
		if (now >= src->deadline(src->self))
			src->tick(src->self, now, &out);
		if (hook && l->n > before)
			hook(src, now, hook_user);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
	}
	if (src->child_exited)
		src->child_exited(src->self, status, tc_clock_mono_ns());
	src->finish(src->self, tc_clock_mono_ns(), &out);
	strv_cleanup(&sp.argv);
	strv_cleanup(&sp.env);
}

static void run_source(rec_source_t *src, const char *script, evlog_t *l, json_t *sources)
{
	run_source_hook(src, script, l, sources, NULL, NULL);
}

/* After reads that found lines: how far off the next read is, and
 * whether it falls on the 25 ms grid. */
typedef struct pause_seen {
	int reads, on_grid;
	int64_t max_pause;
} pause_seen_t;

static void note_pause(rec_source_t *src, int64_t now, void *user)
{
	pause_seen_t *ps = user;
	int64_t d = src->deadline(src->self);

	ps->reads++;
	if (d - now > ps->max_pause)
		ps->max_pause = d - now;
	if (d % (REC_BATCH_NS / 2) == 0)
		ps->on_grid++;
}

/* With the default window the FIFO, once a read found lines, is read
 * again on the 25 ms grid (the batch grid's wake-ups); with a short
 * window, 5 ms later. Every line arrives either way. */
static void test_source_read_grid(void **state)
{
	(void)state;
	if (!have_strace())
		skip();
	const char *script = "i=0; while [ $i -lt 3000 ]; do i=$((i+1)); : </dev/null; done";
	for (int k = 0; k < 2; k++) {
		rec_source_t src;
		strace_source_opts_t o = { .trace_command = true,
					   .window_ns = k ? 100 * INT64_C(1000000) : 0 };
		evlog_t l = { 0 };
		pause_seen_t ps = { 0 };
		json_t *sources = json_object();
		assert_int_equal(strace_source_new(&src, &o), 0);
		run_source_hook(&src, script, &l, sources, note_pause, &ps);
		src.free(src.self);
		size_t opens = 0;
		for (size_t i = 0; i < l.n; i++)
			opens += strstr(l.v[i].data, "\"/dev/null\"") != NULL;
		assert_true(opens >= 3000);
		assert_true(ps.reads > 0);
		if (k) {
			assert_true(ps.max_pause <= REC_BATCH_NS / 2);
			assert_true(ps.on_grid > 0);
		} else {
			assert_true(ps.max_pause <= 5 * INT64_C(1000000));
			assert_true(ps.on_grid < ps.reads);
		}
		json_decref(sources);
		log_free(&l);
	}
}

static void test_source_live(void **state)
{
	(void)state;
	if (!have_strace())
		skip();
	rec_source_t src;
	strace_source_opts_t o = { .trace_command = true, .auto_markers = true };
	evlog_t l = { 0 };
	json_t *sources = json_object();
	assert_int_equal(strace_source_new(&src, &o), 0);
	assert_string_equal(src.name, "strace");
	int64_t t0 = tc_clock_mono_ns();
	run_source(&src, "cat /nonexistent-tc-unit 2>/dev/null; /bin/true; "
		   "{ sh -c 'kill -SEGV $$'; } 2>/dev/null; exit 3", &l, sources);
	int64_t t1 = tc_clock_mono_ns();
	src.free(src.self);
	assert_non_null(log_find(&l, "s", "openat(AT_FDCWD, \"/nonexistent-tc-unit\""));
	assert_non_null(log_find(&l, "s", "ENOENT (No such file or directory)"));
	assert_non_null(log_find(&l, "m", "exec sh"));
	assert_non_null(log_find(&l, "m", "exec cat"));
	assert_non_null(log_find(&l, "m", "exec true"));
	assert_non_null(log_find(&l, "m", "SIGSEGV pid "));
	assert_non_null(log_find(&l, "m", "exit 3 pid "));
	assert_non_null(log_find(&l, "m", "exit 1 pid ")); /* cat */
	for (size_t i = 0; i < l.n; i++) {
		assert_true(l.v[i].t >= t0 && l.v[i].t <= t1);
		/* no stamp left in the data: "TID  NAME(" */
		if (strcmp(l.v[i].code, "s") == 0) {
			int64_t real;
			char buf[4096];
			size_t n;
			size_t len = strlen(l.v[i].data);
			if (len < sizeof(buf))
				assert_int_equal(strace_line_split_stamp(l.v[i].data, len,
					&real, buf, &n), -1);
		}
	}
	/* the header names the exact argv */
	json_t *argv = json_object_get(json_object_get(sources, "strace"), "argv");
	assert_true(json_is_array(argv));
	assert_string_equal(json_string_value(json_array_get(argv, 1)), "-f");
	assert_string_equal(json_string_value(json_array_get(argv, 2)), "-qq");
	json_decref(sources);
	log_free(&l);
}

static void test_source_options(void **state)
{
	(void)state;
	if (!have_strace())
		skip();
	rec_source_t src;
	strace_source_opts_t o = { .trace_command = true, .auto_markers = false,
				   .extra_args = "-e trace=openat,execve" };
	evlog_t l = { 0 };
	json_t *sources = json_object();
	assert_int_equal(strace_source_new(&src, &o), 0);
	run_source(&src, "cat /nonexistent-tc-unit2 2>/dev/null; exit 0", &l, sources);
	src.free(src.self);
	assert_non_null(log_find(&l, "s", "/nonexistent-tc-unit2"));
	assert_null(log_find(&l, "s", "close("));
	assert_int_equal(log_count(&l, "m", ""), 0);
	json_t *argv = json_object_get(json_object_get(sources, "strace"), "argv");
	bool seccomp = false;
	for (size_t i = 0; i < json_array_size(argv); i++)
		if (strcmp(json_string_value(json_array_get(argv, i)), "--seccomp-bpf") == 0)
			seccomp = true;
	assert_true(seccomp);
	json_decref(sources);
	log_free(&l);

	/* refused and invalid options fail before anything runs */
	o.extra_args = "-o /tmp/x";
	assert_int_equal(strace_source_new(&src, &o), -EINVAL);
	o.extra_args = "-e trace=no_such_syscall_xyz";
	assert_int_equal(strace_source_new(&src, &o), -EINVAL);
	/* strace not in PATH */
	char *old = strdup(getenv("PATH"));
	setenv("PATH", "/nonexistent-bin", 1);
	o.extra_args = NULL;
	assert_int_equal(strace_source_new(&src, &o), -ENOENT);
	setenv("PATH", old, 1);
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_split),
		cmocka_unit_test(test_args_check),
		cmocka_unit_test(test_stream_reassembly),
		cmocka_unit_test(test_stream_fifo),
		cmocka_unit_test(test_clock_map),
		cmocka_unit_test(test_markers),
		cmocka_unit_test(test_markers_rate_limit),
		cmocka_unit_test(test_source_live),
		cmocka_unit_test(test_source_read_grid),
		cmocka_unit_test(test_source_options),
	};
	return cmocka_run_group_tests_name("strace_source", tests, NULL, NULL);
}
