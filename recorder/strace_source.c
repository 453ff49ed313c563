/* strace_source: the --strace / --strace-pid event source (see
 * strace_source.h). Wraps the command in strace, reads the FIFOs, maps the
 * stamps onto the monotonic timeline, emits "s" lines and "m" markers. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rec_child.h"
#include "strace_args.h"
#include "strace_attach.h"
#include "strace_clock.h"
#include "tracecast/strace_line.h"
#include "strace_markers.h"
#include "strace_source.h"
#include "strace_stream.h"
#include "tracecast/tc_clock.h"
#include "tracecast/tc_path.h"
#include "tracecast/tc_tmpdir.h"

#define MEASURE_EVERY_NS INT64_C(1000000000)
#define READ_BUDGET (1u << 20)   /* bytes per readable() call and stream */
#define ATTACH_TIMEOUT_MS 10000
#define DETACH_TIMEOUT_MS 5000
#define DRAIN_TIMEOUT_MS 3000
/* After a read that found data, the FIFOs are not polled for a while and
 * are read again from tick(): strace writes each line in two pieces, and
 * one wakeup per write (40,000/s) would cost the recorder ~20% of a core.
 * The pause ends on a point of the READ_GRID_NS grid, which holds the batch
 * grid's points (rec_source.h), so a read shares its wake-up with the
 * reorder window's drain and the writer's flush: ~40 wake-ups a second at
 * strace's top speed, not one every READ_PAUSE_NS (200), and each wake-up
 * also preempts strace or the traced program on a busy machine. Reading
 * just before the drain costs no lateness. Used when the window is at least
 * 4 READ_GRID_NS and the pipe holds READ_GRID_NS of strace's top speed
 * (25,000 lines/s of ~110 bytes: ~70 KB); else the short pause. */
#define READ_PAUSE_NS INT64_C(5000000)
#define READ_GRID_NS (REC_BATCH_NS / 2)
#define READ_GRID_PIPE (256 << 10)

typedef struct strace_src strace_src_t;

/* One FIFO and where its lines go. */
typedef struct src_stream {
	strace_stream_t st;
	strace_src_t *src;
	int64_t last_mono;  /* time of its last stamped line */
} src_stream_t;

struct strace_src {
	bool trace_command, auto_markers;
	char *strace_path;
	strv_t extra;           /* --strace=ARGS, split */
	bool add_seccomp;
	char dir[256];          /* private mkdtemp folder, "" until made */
	rec_notes_t *notes;
	struct rec_children *children;     /* the caller's, or own_children */
	struct rec_children *own_children;
	src_stream_t main;      /* the command's strace */
	src_stream_t *att_st;   /* one per --strace-pid */
	strace_attach_t *att;
	size_t n_att;
	int ep;                 /* epoll over every FIFO: the one fd to poll */
	strace_clock_t clock;
	int64_t next_measure;
	int64_t started_ns;
	strace_markers_t *markers;
	char *rest;             /* a line without its stamp, with its tag */
	size_t rest_cap;
	const rec_emit_t *out;  /* valid during readable/finish */
	int64_t now;            /* the read time: no line is later */
	int64_t pause_until;    /* FIFOs not polled before (0: polled) */
	int64_t window_ns;      /* the recorder's reorder window */
	unsigned long lines;
	/* Threads of in-process profilers (strace_source_drop_tid): their
	 * lines are dropped and counted. A set of TIDs, open addressing,
	 * 0 = empty slot. */
	long *drop;
	size_t drop_cap, drop_n;
	unsigned long dropped;
};

static size_t drop_slot(const strace_src_t *s, long tid)
{
	size_t mask = s->drop_cap - 1;
	size_t i = (size_t)((unsigned long)tid * 0x9e3779b97f4a7c15ULL >> 17) & mask;
	while (s->drop[i] && s->drop[i] != tid)
		i = (i + 1) & mask;
	return i;
}

static bool drop_has(const strace_src_t *s, long tid)
{
	return s->drop_n && tid > 0 && s->drop[drop_slot(s, tid)] == tid;
}

static int drop_add(strace_src_t *s, long tid)
{
	if (tid <= 0 || drop_has(s, tid))
		return 0;
	if (2 * (s->drop_n + 1) > s->drop_cap) {
		size_t oc = s->drop_cap, nc = oc ? 2 * oc : 64;
		long *old = s->drop, *nd = calloc(nc, sizeof(*nd));
		if (!nd)
			return -ENOMEM;
		s->drop = nd;
		s->drop_cap = nc;
		for (size_t i = 0; i < oc; i++)
			if (old[i])
				s->drop[drop_slot(s, old[i])] = old[i];
		free(old);
	}
	s->drop[drop_slot(s, tid)] = tid;
	s->drop_n++;
	return 0;
}

/* A complete strace line: strip the stamp, tag it, emit it, mark it. */
static void src_line(void *user, const char *line, size_t len)
{
	src_stream_t *ss = user;
	strace_src_t *s = ss->src;
	size_t need = len + 32;
	if (need > s->rest_cap) {
		char *r = realloc(s->rest, need);
		if (!r)
			return;
		s->rest = r;
		s->rest_cap = need;
	}
	size_t tag = 0;
	if (ss->st.tag)
		tag = (size_t)snprintf(s->rest, 32, "@%ld ", ss->st.tag);
	int64_t real, mono;
	size_t n;
	strace_line_t l;
	int stamped = strace_line_split_stamp(line, len, &real, s->rest + tag, &n);
	strace_line_parse(s->rest, n + tag, &l);
	if (drop_has(s, l.tid)) {
		s->dropped++; /* a profiler's own thread, not the program */
		return;
	}
	if (stamped == 0) {
		/* Stamped when the call ended (FORMAT.md, s_time "end"): strace
		 * stamps a complete line at the call's entry, a resumed half
		 * when it resumed, an unfinished half at its entry. */
		if (l.kind == STRACE_CALL && l.dur_ns > 0)
			real = real > INT64_MAX - l.dur_ns ? INT64_MAX : real + l.dur_ns;
		mono = strace_clock_map(&s->clock, real);
		if (mono > s->now)
			mono = s->now;
		if (mono < s->started_ns)
			mono = s->started_ns;
		ss->last_mono = mono;
	} else {
		mono = ss->last_mono ? ss->last_mono : s->now;
	}
	n += tag;
	s->lines++;
	s->out->emit(s->out->user, mono, "s", s->rest, n);
	if (s->auto_markers && s->markers)
		strace_markers_line(s->markers, &l, mono, s->out);
}

/* Push our strace's argv up to and including "--" onto v, writing its
 * trace to out: the one option set the recording and the probe share. */
static int src_push_strace(const strace_src_t *s, strv_t *v, const char *out)
{
	int rc = 0;
	const char *fixed[] = { s->strace_path, "-f", "-qq",
				"--absolute-timestamps=unix,ns", "--syscall-times=ns",
				"-o", out };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && rc == 0; i++)
		rc = strv_push(v, fixed[i]);
	for (size_t i = 0; i < s->extra.n && rc == 0; i++)
		rc = strv_push(v, s->extra.v[i]);
	if (rc == 0 && s->add_seccomp)
		rc = strv_push(v, "--seccomp-bpf");
	if (rc == 0)
		rc = strv_push(v, "--");
	return rc;
}

/* The exact argv of the command's strace, the command appended. */
static int src_wrap_argv(strace_src_t *s, rec_spawn_t *spawn, const char *fifo)
{
	strv_t v;
	strv_init(&v);
	int rc = src_push_strace(s, &v, fifo);
	for (size_t i = 0; i < spawn->argv.n && rc == 0; i++)
		rc = strv_push(&v, spawn->argv.v[i]);
	if (rc < 0) {
		strv_cleanup(&v);
		return rc;
	}
	strv_cleanup(&spawn->argv);
	spawn->argv = v;
	return 0;
}

static json_t *argv_json(const strv_t *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

/* tracecast.sources.strace: {"argv": [...], "attach": [{"pid", "argv"}]}. */
static int src_header(strace_src_t *s, rec_spawn_t *spawn)
{
	if (!spawn->sources)
		return 0;
	json_t *o = json_object();
	if (!o)
		return -ENOMEM;
	if (s->trace_command)
		json_object_set_new(o, "argv", argv_json(&spawn->argv));
	/* lines of in-process profiler threads are dropped (counted in a
	 * "t" event {"dropped_sampler_lines":N} at the end, when any ran) */
	json_object_set_new(o, "sampler_lines", json_string("dropped"));
	if (s->n_att > 0) {
		json_t *list = json_array();
		for (size_t i = 0; list && i < s->n_att; i++)
			json_array_append_new(list, json_pack("{s:I,s:o}", "pid",
				(json_int_t)s->att[i].target, "argv",
				argv_json(&s->att[i].argv)));
		json_object_set_new(o, "attach", list);
	}
	return json_object_set_new(spawn->sources, "strace", o) == 0 ? 0 : -ENOMEM;
}

static int src_watch(strace_src_t *s, src_stream_t *ss)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = ss };
	return epoll_ctl(s->ep, EPOLL_CTL_ADD, ss->st.fd, &ev) < 0 ? -errno : 0;
}

/* The private folder, the epoll and the --strace-pid tracers: done in
 * strace_source_new, so a refused attach fails before any file is made. */
static int src_setup(strace_src_t *s)
{
	char path[320];
	int rc = tc_tmpdir_make("tracecast-strace", 24, s->dir, sizeof(s->dir)); /* 0700 */
	if (rc < 0) {
		rec_note(s->notes, "tracecast: --strace: cannot make a folder in $TMPDIR or "
			 "/tmp: %s", strerror(-rc));
		return rc;
	}
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0)
		return -errno;
	strace_clock_measure(&s->clock);
	s->next_measure = tc_clock_mono_ns() + MEASURE_EVERY_NS;
	for (size_t i = 0; i < s->n_att; i++) {
		snprintf(path, sizeof(path), "%s/attach-%d", s->dir, (int)s->att[i].target);
		rc = strace_stream_open(&s->att_st[i].st, path, (long)s->att[i].target);
		if (rc == 0)
			rc = src_watch(s, &s->att_st[i]);
		if (rc == 0)
			rc = strace_attach_init(&s->att[i], s->strace_path,
						s->att[i].target, path, &s->extra);
		if (rc < 0) {
			rec_note(s->notes, "tracecast: --strace-pid: cannot set up %s: %s",
				 path, strerror(-rc));
			return rc;
		}
		s->att[i].notes = s->notes;
		s->att[i].children = s->children;
		rc = strace_attach_start(&s->att[i], ATTACH_TIMEOUT_MS);
		if (rc < 0)
			return rc;
		/* strace opens -o before it attaches */
		strace_stream_unlink(&s->att_st[i].st);
	}
	return 0;
}

/* Before the fork: the command's FIFO, the wrapped argv, the header. */
static int src_prepare(void *self, rec_spawn_t *spawn)
{
	strace_src_t *s = self;
	char path[320];
	int rc;
	if (s->trace_command) {
		snprintf(path, sizeof(path), "%s/trace", s->dir);
		rc = strace_stream_open(&s->main.st, path, 0);
		if (rc == 0)
			rc = src_watch(s, &s->main);
		if (rc == 0)
			rc = src_wrap_argv(s, spawn, path);
		if (rc < 0) {
			rec_note(s->notes, "tracecast: --strace: cannot set up %s: %s",
				 path, strerror(-rc));
			return rc;
		}
	}
	return src_header(s, spawn);
}

static void src_started(void *self, pid_t pid, int64_t mono_ns)
{
	strace_src_t *s = self;
	(void)pid;
	s->started_ns = mono_ns;
}

static int src_poll_fd(void *self)
{
	strace_src_t *s = self;
	if (s->pause_until && tc_clock_mono_ns() < s->pause_until)
		return -1;
	return s->ep;
}

/* Remove the private folder once no FIFO needs its name any more (a
 * recorder killed with -9 then leaves nothing behind in /tmp). */
static void src_tidy_dir(strace_src_t *s)
{
	if (s->main.st.path)
		return;
	for (size_t i = 0; i < s->n_att; i++)
		if (s->att_st[i].st.path)
			return;
	if (s->dir[0] && rmdir(s->dir) == 0)
		s->dir[0] = '\0';
}

/* When the FIFOs are polled again after a read at now that found data. */
static int64_t src_pause_end(const strace_src_t *s, const src_stream_t *ss, int64_t now)
{
	if (s->window_ns >= 4 * READ_GRID_NS && ss->st.pipe_size >= READ_GRID_PIPE)
		return rec_batch_next(now, READ_GRID_NS);
	return now + READ_PAUSE_NS;
}

/* Read every FIFO that has data; pause the polling when some had. */
static int src_read_all(strace_src_t *s, int64_t mono_ns, const rec_emit_t *out)
{
	struct epoll_event evs[8];
	int rc = 0;
	s->out = out;
	s->now = mono_ns;
	s->pause_until = 0;
	int n = epoll_wait(s->ep, evs, 8, 0);
	for (int i = 0; i < n && rc == 0; i++) {
		src_stream_t *ss = evs[i].data.ptr;
		ssize_t r = strace_stream_read(&ss->st, READ_BUDGET, src_line, ss);
		if (r > 0) {
			s->pause_until = src_pause_end(s, ss, mono_ns);
			if (ss->st.path) { /* strace has it open: no name needed */
				strace_stream_unlink(&ss->st);
				src_tidy_dir(s);
			}
		}
		if (r >= 0 && ss->st.eof) {
			epoll_ctl(s->ep, EPOLL_CTL_DEL, ss->st.fd, NULL);
			strace_stream_flush(&ss->st, src_line, ss);
		}
		if (r < 0 && r != -EAGAIN)
			rc = (int)r;
	}
	return rc;
}

static int src_readable(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	return src_read_all(self, mono_ns, out);
}

static int64_t src_deadline(void *self)
{
	strace_src_t *s = self;
	int64_t d = s->next_measure;
	if (s->pause_until && s->pause_until < d)
		d = s->pause_until;
	if (s->markers) {
		int64_t m = strace_markers_deadline(s->markers);
		if (m < d)
			d = m;
	}
	return d;
}

static void src_tick(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	strace_src_t *s = self;
	if (s->pause_until && mono_ns >= s->pause_until)
		(void)src_read_all(s, mono_ns, out); /* errors: next readable() */
	if (mono_ns >= s->next_measure) {
		strace_clock_measure(&s->clock);
		s->next_measure = mono_ns + MEASURE_EVERY_NS;
		/* the tracers' stderr into the notes (a few lines at most: the
		 * pipe never fills between two reads) */
		for (size_t i = 0; i < s->n_att; i++)
			strace_attach_read_err(&s->att[i]);
	}
	if (s->markers)
		strace_markers_tick(s->markers, mono_ns, out);
}

/* Read a stream to its end: the writer has closed (or give up after
 * DRAIN_TIMEOUT_MS if it still has not, e.g. a tracer that would not die). */
static void src_drain(strace_src_t *s, src_stream_t *ss)
{
	int64_t end = tc_clock_mono_ns() + (int64_t)DRAIN_TIMEOUT_MS * 1000000;
	strace_stream_close_writer(&ss->st);
	while (ss->st.fd >= 0 && !ss->st.eof) {
		s->now = tc_clock_mono_ns();
		ssize_t r = strace_stream_read(&ss->st, READ_BUDGET, src_line, ss);
		if (r > 0)
			continue;
		if (r != -EAGAIN || s->now > end)
			break;
		struct pollfd p = { .fd = ss->st.fd, .events = POLLIN };
		poll(&p, 1, 100);
	}
	strace_stream_flush(&ss->st, src_line, ss);
}

static void src_finish(void *self, int64_t mono_ns, const rec_emit_t *out)
{
	strace_src_t *s = self;
	s->out = out;
	s->now = mono_ns;
	for (size_t i = 0; i < s->n_att; i++)
		strace_attach_stop(&s->att[i], DETACH_TIMEOUT_MS);
	if (s->trace_command)
		src_drain(s, &s->main);
	for (size_t i = 0; i < s->n_att; i++)
		src_drain(s, &s->att_st[i]);
	if (s->markers)
		strace_markers_flush(s->markers, tc_clock_mono_ns(), out);
	if (s->drop_n) {
		/* known only now: a "t" event (FORMAT.md), as for redactions */
		char buf[64];
		int n = snprintf(buf, sizeof(buf), "{\"dropped_sampler_lines\":%lu}", s->dropped);
		out->emit(out->user, tc_clock_mono_ns(), "t", buf, (size_t)n);
	}
}

static void src_free(void *self)
{
	strace_src_t *s = self;
	if (!s)
		return;
	for (size_t i = 0; i < s->n_att; i++) {
		strace_attach_cleanup(&s->att[i]);
		strace_stream_cleanup(&s->att_st[i].st);
	}
	strace_stream_cleanup(&s->main.st);
	if (s->dir[0])
		rmdir(s->dir);
	if (s->ep >= 0)
		close(s->ep);
	strace_markers_free(s->markers);
	rec_children_free(s->own_children); /* after the tracers stopped */
	strv_cleanup(&s->extra);
	free(s->att);
	free(s->att_st);
	free(s->strace_path);
	free(s->rest);
	free(s->drop);
	free(s);
}

/* The first executable "strace" in PATH (execvp's rules), or NULL. */
static char *find_strace(void)
{
	char *found = NULL;
	return tc_path_search("strace", getenv("PATH"), &found) == 0 ? found : NULL;
}

/* Run `strace -f -qq ... EXTRA -- true` once: strace works here, ptrace is
 * allowed and EXTRA is valid. Its stderr is captured and shown on error. */
static int probe_strace(const strace_src_t *s)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	strv_t v;
	strv_init(&v);
	int rc = src_push_strace(s, &v, "/dev/null");
	if (rc == 0)
		rc = strv_push(&v, access("/bin/true", X_OK) == 0 ? "/bin/true" : "true");
	if (rc < 0)
		goto out;
	pid_t pid = rec_child_fork(s->children, NULL, NULL);
	if (pid < 0) {
		rc = pid;
		goto out;
	}
	if (pid == 0) {
		dup2(pfd[1], 2);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		close_range(3, ~0U, 0);
		execv(v.v[0], v.v);
		_exit(127);
	}
	close(pfd[1]);
	pfd[1] = -1;
	char msg[2048];
	size_t got = 0;
	ssize_t r;
	while ((r = read(pfd[0], msg + got, sizeof(msg) - 1 - got)) > 0 ||
	       (r < 0 && errno == EINTR))
		if (r > 0)
			got += (size_t)r;
	msg[got] = '\0';
	int status = 0;
	rec_child_wait(s->children, pid, -1, &status);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		goto out;
	if (got > 0)
		rec_note(s->notes, "%.*s", (int)(got - (msg[got - 1] == '\n')), msg);
	if (strstr(msg, "Operation not permitted") || strstr(msg, "EPERM")) {
		rec_note(s->notes, "tracecast: --strace: ptrace is refused here (a container "
			 "without CAP_SYS_PTRACE, a seccomp profile, or "
			 "kernel.yama.ptrace_scope=3); record without --strace, or allow "
			 "ptrace (docker run --cap-add=SYS_PTRACE)");
		rc = -EPERM;
	} else {
		rec_note(s->notes, "tracecast: --strace: strace does not run with these "
			 "options (it said why above)");
		rc = -EINVAL;
	}
out:
	if (pfd[1] >= 0)
		close(pfd[1]);
	close(pfd[0]);
	strv_cleanup(&v);
	return rc;
}

/* Validate and copy the options into a new strace_src_t. */
static int src_new_state(strace_src_t **out, const strace_source_opts_t *opts)
{
	char err[512];
	bool filter = false, seccomp = false;
	int rc;
	strace_src_t *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ep = -1;
	s->trace_command = opts->trace_command;
	s->auto_markers = opts->auto_markers;
	s->notes = opts->notes;
	s->window_ns = opts->window_ns;
	s->children = opts->children;
	strv_init(&s->extra);
	strace_stream_init(&s->main.st, 0);
	s->main.src = s;
	strace_clock_init(&s->clock);
	*out = s;
	if (!s->children && rec_children_new(&s->own_children) < 0)
		return -ENOMEM;
	if (!s->children)
		s->children = s->own_children;
	if (opts->extra_args) {
		err[0] = '\0';
		rc = strace_args_split(opts->extra_args, &s->extra, err, sizeof(err));
		if (rc == 0)
			rc = strace_args_check(&s->extra, &filter, &seccomp, err, sizeof(err));
		if (rc < 0) {
			rec_note(s->notes, "tracecast: %s", err[0] ? err : strerror(-rc));
			return rc;
		}
	}
	s->add_seccomp = s->trace_command && filter && !seccomp;
	if (opts->n_attach > 0) {
		s->att = calloc(opts->n_attach, sizeof(*s->att));
		s->att_st = calloc(opts->n_attach, sizeof(*s->att_st));
		if (!s->att || !s->att_st)
			return -ENOMEM;
		s->n_att = opts->n_attach;
		for (size_t i = 0; i < s->n_att; i++) {
			pid_t p = opts->attach_pids[i];
			if (p <= 0 || p == getpid() || (kill(p, 0) < 0 && errno == ESRCH)) {
				rec_note(s->notes, "tracecast: --strace-pid %d: no such process", (int)p);
				return -EINVAL;
			}
			s->att[i].target = p;
			strv_init(&s->att[i].argv);
			strace_stream_init(&s->att_st[i].st, p);
			s->att_st[i].src = s;
			s->att[i].target_fd = s->att[i].err_fd = -1;
		}
	}
	if (s->auto_markers && !(s->markers = strace_markers_new()))
		return -ENOMEM;
	return 0;
}

void strace_source_drop_tid(void *src, long tid)
{
	rec_source_t *rs = src;

	(void)drop_add(rs->self, tid); /* out of memory: its lines stay */
}

unsigned long strace_source_dropped(const rec_source_t *src)
{
	return ((const strace_src_t *)src->self)->dropped;
}

int strace_source_new(rec_source_t *src, const strace_source_opts_t *opts)
{
	strace_src_t *s = NULL;
	int rc = src_new_state(&s, opts);
	if (rc < 0)
		goto fail;
	s->strace_path = find_strace();
	if (!s->strace_path) {
		rec_note(s->notes, "tracecast: --strace needs strace, which is not in PATH; "
			 "install it: apt-get install strace");
		rc = -ENOENT;
		goto fail;
	}
	rc = probe_strace(s);
	if (rc == 0)
		rc = src_setup(s);
	if (rc < 0)
		goto fail;
	memset(src, 0, sizeof(*src));
	src->name = "strace";
	src->late = true;
	src->self = s;
	src->prepare = src_prepare;
	src->started = src_started;
	src->poll_fd = src_poll_fd;
	src->readable = src_readable;
	src->deadline = src_deadline;
	src->tick = src_tick;
	src->finish = src_finish;
	src->free = src_free;
	return 0;
fail:
	src_free(s);
	return rc;
}
