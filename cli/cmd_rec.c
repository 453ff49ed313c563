/* rec_cmd: `tracecast rec`: setup, the event pipeline and the one cleanup
 * path. */
#include "rec_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracecast/cast_writer.h"
#include "recorder/ctl.h"
#include "recorder/profile_source.h"
#include "recorder/rec_file.h"
#include "rec_opts.h"
#include "recorder/rec_session.h"
#include "recorder/redact.h"
#include "recorder/reorder.h"
#include "recorder/strace_source.h"
#include "tracecast/tc_clock.h"
#include "tracecast/term.h"
#include "tracecast/utf8.h"

extern char **environ;

typedef struct rec {
	rec_opts_t o;
	rec_file_t f;
	cast_writer_t *w;
	reorder_t *rq;
	redact_t *rd;
	redact_stream_t *rs_o, *rs_i;
	utf8_carry_t carry_o, carry_i;
	char *ubuf;                 /* UTF-8 repair output of one read */
	int64_t t0;                 /* CLOCK_MONOTONIC of time 0 */
	int64_t offset;             /* append: time of the file's last event */
	bool dirty;                 /* written since the last flush */
	int64_t next_flush;
	int werr;                   /* first write error (recording stopped) */
	int64_t werr_t;             /* when, since time 0 */
	bool count_room;            /* the header has room for the count */
	term_t term;
	int relay_fd;               /* /dev/tty opened for FILE "-" */
	rec_source_t src[REC_MAX_SOURCES];
	size_t n_src;
	int64_t window; /* the reorder window (ns): 0 without late sources */
	rec_source_t *ctl;
	rec_emit_t emit;
	rec_session_t *sess;
	unsigned cols, rows;
	char key_name[16];
} rec_t;

/* The writer failed: keep the session going, stop writing. */
static void rec_write_failed(rec_t *r, int err, int64_t t)
{
	if (r->werr)
		return;
	r->werr = err;
	r->werr_t = t;
}

/* Output of the reorder window: one event to the writer. */
static int rec_write(void *user, int64_t mono_ns, const char *code,
		     const char *data, size_t len)
{
	rec_t *r = user;
	int64_t t = mono_ns - r->t0;
	int ret;

	if (r->werr)
		return 0;
	ret = cast_writer_event(r->w, r->offset + t, code, data, len);
	if (ret < 0) {
		rec_write_failed(r, ret, t);
		return 0;
	}
	if (!r->dirty) {
		r->dirty = true;
		r->next_flush = tc_clock_mono_ns() + (int64_t)r->o.flush_ms * 1000000;
	}
	return 0;
}

/* Into the reorder window. */
static void rec_put(rec_t *r, int64_t mono_ns, const char *code, const char *data,
		    size_t len)
{
	if (reorder_push(r->rq, mono_ns, code, data, len) == -ENOMEM)
		rec_write_failed(r, -ENOMEM, mono_ns - r->t0);
}

static void rec_put_o(void *user, int64_t t, const char *data, size_t len)
{
	rec_put(user, t, "o", data, len);
}

static void rec_put_i(void *user, int64_t t, const char *data, size_t len)
{
	rec_put(user, t, "i", data, len);
}

/* A byte stream (o or i): repair, redact, reorder. (Skipping the repair
 * copy for reads found valid by utf8_valid() was measured: no faster.) */
static void rec_stream(rec_t *r, int64_t now, const char *buf, size_t len, bool final,
		       utf8_carry_t *carry, redact_stream_t *rs, redact_emit_fn put)
{
	size_t n = utf8_repair(carry, buf, len, r->ubuf, final);

	if (rs)
		redact_stream_feed(rs, now, r->ubuf, n, final, put, r);
	else if (n)
		put(r, now, r->ubuf, n);
}

static void rec_on_output(void *user, int64_t now, const char *buf, size_t len)
{
	rec_t *r = user;

	rec_stream(r, now, buf, len, false, &r->carry_o, r->rs_o, rec_put_o);
}

static void rec_on_input(void *user, int64_t now, const char *buf, size_t len)
{
	rec_t *r = user;

	if (r->o.capture_stdin)
		rec_stream(r, now, buf, len, false, &r->carry_i, r->rs_i, rec_put_i);
}

static void rec_on_marker(void *user, int64_t now)
{
	rec_put(user, now, "m", "", 0);
}

static void rec_on_resize(void *user, int64_t now, unsigned cols, unsigned rows)
{
	rec_t *r = user;
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ux%u", cols, rows);

	r->cols = cols;
	r->rows = rows;
	rec_put(r, now, "r", buf, (size_t)n);
}

/* Events of the sources (strace, profilers, control socket). */
static void rec_on_source(void *user, int64_t mono_ns, const char *code,
			  const char *data, size_t len)
{
	rec_t *r = user;
	char *fixed = NULL, *red = NULL;
	size_t n;

	if (!utf8_valid(data, len)) {
		utf8_carry_t c;
		utf8_carry_init(&c);
		fixed = malloc(UTF8_REPAIR_MAX(len));
		if (!fixed)
			return;
		len = utf8_repair(&c, data, len, fixed, true);
		data = fixed;
	}
	if (r->rd) {
		red = code[0] == 's' && !code[1]
			? redact_strace(r->rd, data, len, r->o.redact_keep_buffers, &n)
			: redact_apply(r->rd, data, len, &n);
		if (!red) {
			free(fixed);
			return; /* never write it unfiltered */
		}
		data = red;
		len = n;
	}
	rec_put(r, mono_ns, code, data, len);
	free(red);
	free(fixed);
}

/* When the loop must wake at the latest. The reorder window's events are
 * due one by one, and the writer's flush at its own time, but rec_tick
 * runs after every wake-up and does all that is due then; so the loop's
 * own wake-up for them is put off to the next point of the batch grid
 * (REC_BATCH_NS): at most 20 wake-ups a second, not one per event time
 * (the python sampler stamps 100 a second), shared with the control
 * socket's batch reads and the proc sampler's ticks. An event is written,
 * and the file flushed, at most REC_BATCH_NS after it is due. */
static int64_t rec_deadline(void *user)
{
	rec_t *r = user;
	int64_t d = reorder_deadline(r->rq);

	/* held redaction bytes go out when they are a window old */
	for (int k = 0; k < 2; k++) {
		int64_t h = redact_stream_held_since(k ? r->rs_i : r->rs_o);
		if (h != INT64_MAX && h + r->window < d)
			d = h + r->window;
	}

	if (r->dirty && r->next_flush < d)
		d = r->next_flush;
	/* the first grid point at or after d */
	return d == INT64_MAX ? d : rec_batch_next(d - 1, REC_BATCH_NS);
}

static void rec_tick(void *user, int64_t now)
{
	rec_t *r = user;

	/* first what redaction held a window long, stamped with its read
	 * times: not late for the drain that follows */
	if (r->rs_o)
		redact_stream_expire(r->rs_o, now, r->window, rec_put_o, r);
	if (r->rs_i)
		redact_stream_expire(r->rs_i, now, r->window, rec_put_i, r);
	reorder_drain(r->rq, now);
	if (r->dirty && now >= r->next_flush) {
		r->dirty = false;
		if (!r->werr) {
			int ret = cast_writer_flush(r->w);
			if (ret < 0)
				rec_write_failed(r, ret, now - r->t0);
		}
	}
}

/* The header object (keys in asciinema's order). */
static json_t *rec_header(rec_t *r, json_t *sources, int64_t start_unix_ns, const char *command)
{
	json_t *h = json_object(), *env = json_object(), *tc = json_object();
	char *vars = strdup(r->o.env_vars), *save = NULL;

	json_object_set_new(h, "version", json_integer(2));
	json_object_set_new(h, "width", json_integer(r->cols));
	json_object_set_new(h, "height", json_integer(r->rows));
	json_object_set_new(h, "timestamp", json_integer(start_unix_ns / 1000000000));
	if (r->o.has_idle)
		json_object_set_new(h, "idle_time_limit", json_real(r->o.idle_time_limit));
	if (r->o.title)
		json_object_set_new(h, "title", json_string(r->o.title));
	if (command)
		json_object_set_new(h, "command", json_string(command));
	for (char *v = vars ? strtok_r(vars, ",", &save) : NULL; v; v = strtok_r(NULL, ",", &save)) {
		const char *val = getenv(v);
		if (val && utf8_valid(val, strlen(val)))
			json_object_set_new(env, v, json_string(val));
	}
	free(vars);
	json_object_set_new(h, "env", env);
	json_object_set_new(tc, "version", json_integer(1));
	json_object_set_new(tc, "start_unix_ns", json_integer(start_unix_ns));
	json_object_set_new(tc, "clock", json_string("monotonic"));
	json_object_set(tc, "sources", sources);
	/* Unknown until the end where the header cannot be patched. */
	json_object_set_new(tc, "redactions",
			    r->rd && !r->f.patchable ? json_null() : json_integer(0));
	json_object_set_new(h, "tracecast", tc);
	return h;
}

/* The command line as one string for the header. */
static char *rec_join(char **argv)
{
	size_t len = 1;
	char *s;

	for (char **a = argv; *a; a++)
		len += strlen(*a) + 1;
	s = calloc(1, len);
	for (char **a = argv; s && *a; a++) {
		if (a != argv)
			strcat(s, " ");
		strcat(s, *a);
	}
	return s;
}

/* 0 when path is a file we may execute, else -errno (as execve would). */
static int rec_exec_ok(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

/* Find the command as execvp would (a name with a '/' as is, else the
 * first executable in PATH, "/bin:/usr/bin" when unset). Used when strace
 * wraps the command: strace's own exec error would land in the recording.
 * Returns 0 or -errno (-ENOENT, or -EACCES when a match is not
 * executable). */
static int rec_resolve(const char *name)
{
	const char *path = getenv("PATH");
	int ret = -ENOENT;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/'))
		return rec_exec_ok(name);
	if (!path)
		path = "/bin:/usr/bin";
	size_t nlen = strlen(name);
	while (1) {
		const char *end = strchrnul(path, ':');
		size_t dlen = (size_t)(end - path);
		char *cand = malloc(dlen + nlen + 3);
		if (!cand)
			return -ENOMEM;
		/* an empty PATH entry is the current folder */
		snprintf(cand, dlen + nlen + 3, "%.*s/%s", (int)(dlen ? dlen : 1),
			 dlen ? path : ".", name);
		int r = rec_exec_ok(cand);
		free(cand);
		if (r == 0)
			return 0;
		if (r == -EACCES)
			ret = -EACCES;
		if (!*end)
			return ret;
		path = end + 1;
	}
}

/* Create the sources the options ask for. Returns 0 or an exit code. */
static int rec_sources(rec_t *r)
{
	int ret;

	if (r->o.strace || r->o.n_strace_pids) {
		strace_source_opts_t so = {
			.extra_args = r->o.strace_args,
			.attach_pids = r->o.strace_pids,
			.n_attach = r->o.n_strace_pids,
			.trace_command = r->o.strace,
			.auto_markers = !r->o.no_auto_markers,
		};
		if (strace_source_new(&r->src[r->n_src], &so) < 0)
			return 1;
		r->n_src++;
	}
	if (r->o.profile) {
		size_t k = 0;
		ret = profile_sources_new(r->o.profile_spec, r->src + r->n_src,
					  REC_MAX_SOURCES - 1 - r->n_src, &k);
		if (ret < 0)
			return ret == -EINVAL ? 2 : 1;
		r->n_src += k;
	}
	if (ctl_source_new(&r->src[r->n_src]) < 0)
		return 1;
	r->ctl = &r->src[r->n_src++];
	return 0;
}

/* Open the writer; in append mode the header goes to /dev/null and the
 * file is put under the writer's fd afterwards (the writer always starts
 * with a header). */
static int rec_writer(rec_t *r, json_t *header)
{
	cast_writer_opts_t wo = { .version = 2, .gzip = r->f.gzip };
	int ret, fd = r->f.fd;

	if (r->f.appending) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		wo.close_fd = true;
	}
	ret = cast_writer_open_fd(&r->w, fd, &wo);
	if (ret < 0) {
		if (r->f.appending)
			close(fd);
		return ret;
	}
	ret = cast_writer_header(r->w, header);
	if (ret < 0 || !r->f.appending)
		return ret;
	if (dup3(r->f.fd, fd, O_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/* Everything before the session. Returns 0 or an exit code. */
static int rec_setup(rec_t *r, rec_spawn_t *sp, char **command_text)
{
	char errbuf[256];
	int ret;

	/* TRACECAST=1 is what a recording sets (test harnesses use the same
	 * name for the binary's path: not a nested recording). */
	const char *nested = getenv("TRACECAST");
	if (nested && !strcmp(nested, "1") && !r->o.quiet)
		fprintf(stderr, "tracecast: warning: this session is already being recorded "
			"(into %s); recording a recording\n",
			getenv("TRACECAST_FILE") ? getenv("TRACECAST_FILE") : "?");
	if (r->o.redact.n) {
		ret = redact_new(&r->rd, (const char *const *)r->o.redact.v, r->o.redact.n,
				 errbuf, sizeof errbuf);
		if (ret < 0) {
			fprintf(stderr, "tracecast rec: --redact: %s\n",
				ret == -EINVAL ? errbuf : strerror(-ret));
			return 2;
		}
		r->rs_o = redact_stream_new(r->rd);
		r->rs_i = redact_stream_new(r->rd);
		if (!r->rs_o || !r->rs_i)
			return 1;
	}
	if ((ret = rec_sources(r)) != 0)
		return ret;
	/* The command. */
	if (r->o.command) {
		for (char **a = r->o.command; *a; a++)
			strv_push(&sp->argv, *a);
		*command_text = rec_join(r->o.command);
	} else if (r->o.shell_cmd) {
		strv_push(&sp->argv, "/bin/sh");
		strv_push(&sp->argv, "-c");
		strv_push(&sp->argv, r->o.shell_cmd);
		*command_text = strdup(r->o.shell_cmd);
	} else {
		const char *sh = getenv("SHELL");
		strv_push(&sp->argv, sh && *sh ? sh : "/bin/sh");
	}
	/* Under strace a missing command would fail inside the session with
	 * strace's message recorded as output: fail now, as plain rec's child
	 * does (same message, status 127), before any file is made. */
	if (r->o.strace && sp->argv.n && (ret = rec_resolve(sp->argv.v[0])) < 0) {
		fprintf(stderr, "tracecast: cannot run '%s': %s\n", sp->argv.v[0],
			strerror(-ret));
		return 127;
	}
	for (char **e = environ; *e; e++)
		strv_push(&sp->env, *e);
	if ((ret = rec_file_open(&r->f, r->o.file, r->o.overwrite, r->o.append)) != 0)
		return ret;
	strv_setenv(&sp->env, "TRACECAST", "1");
	strv_setenv(&sp->env, "TRACECAST_FILE", r->f.abspath);
	for (size_t i = 0; i < r->n_src; i++)
		if (r->src[i].prepare && r->src[i].prepare(r->src[i].self, sp) < 0)
			return 1;
	if (!sp->argv.n)
		return 1;
	return 0;
}

/* Redact every string inside j (object values, array items) in place. */
static int rec_redact_json(redact_t *rd, json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		size_t n;
		char *red = redact_apply(rd, json_string_value(j), json_string_length(j), &n);
		if (!red)
			return -ENOMEM;
		/* a match that cut a character leaves nothing of the string */
		int ret = json_string_setn(j, utf8_valid(red, n) ? red : REDACT_TEXT,
					   utf8_valid(red, n) ? n : strlen(REDACT_TEXT));
		free(red);
		return ret < 0 ? -ENOMEM : 0;
	}
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			if (rec_redact_json(rd, v) < 0)
				return -ENOMEM;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (rec_redact_json(rd, v) < 0)
				return -ENOMEM;
	}
	return 0;
}

/* --redact on the header's free text: title, command, env values and the
 * sources' details (strace's argv holds the command line). Counted with
 * the rest: the header's "redactions" covers the header too. */
static int rec_redact_header(rec_t *r, json_t *h)
{
	static const char *const keys[] = { "title", "command", "env" };
	int ret = 0;

	for (size_t k = 0; k < sizeof keys / sizeof keys[0] && ret == 0; k++) {
		json_t *v = json_object_get(h, keys[k]);
		if (v)
			ret = rec_redact_json(r->rd, v);
	}
	json_t *src = json_object_get(json_object_get(h, "tracecast"), "sources");
	if (src && ret == 0)
		ret = rec_redact_json(r->rd, src);
	return ret;
}

/* Start and end notices (stderr, not the recording). */
static void rec_notice_start(rec_t *r)
{
	if (r->o.quiet)
		return;
	if (r->o.headless)
		fprintf(stderr, "tracecast: recording to %s (headless; `tracecast mark` adds "
			"a marker)\n", r->o.file);
	else
		fprintf(stderr, "tracecast: recording to %s (%s m or `tracecast mark` adds "
			"a marker)\r\n", r->o.file, r->key_name);
}

/* Finish the streams, write the last events, flush, patch the header.
 * Returns the exit code. */
static int rec_finish(rec_t *r, int code)
{
	int64_t end = tc_clock_mono_ns();
	char buf[64];
	int ret, n;

	rec_stream(r, end, "", 0, true, &r->carry_o, r->rs_o, rec_put_o);
	if (r->o.capture_stdin)
		rec_stream(r, end, "", 0, true, &r->carry_i, r->rs_i, rec_put_i);
	reorder_flush(r->rq);
	if (r->rd && !r->werr) {
		/* The count goes into the header's reserved room, or else into a
		 * "t" event before the last one. */
		unsigned long count = redact_count(r->rd);
		bool patched = r->count_room &&
			(count == 0 || rec_file_patch_count(r->f.fd, count) == 0);
		if (!patched) {
			n = snprintf(buf, sizeof buf, "{\"redactions\":%lu}", count);
			rec_write(r, end, "t", buf, (size_t)n);
		}
	}
	n = snprintf(buf, sizeof buf, "%d", code);
	rec_write(r, end, "x", buf, (size_t)n);
	ret = cast_writer_close(r->w);
	if (ret < 0)
		rec_write_failed(r, ret, end - r->t0);
	return code;
}

int cmd_rec(int argc, char **argv)
{
	rec_t r = { .relay_fd = -1 };
	rec_spawn_t sp;
	char *command_text = NULL;
	json_t *sources = json_object(), *header = NULL;
	int code, ret;
	bool started = false;

	/* A closed 0, 1 or 2 would be taken by the recording's file: the relay
	 * would then write into it. */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) {
			json_decref(sources);
			return 1;
		}
	strv_init(&sp.argv);
	strv_init(&sp.env);
	sp.sources = sources;
	term_init(&r.term, 0);
	r.f.fd = -1;
	code = rec_opts_parse(&r.o, argc, argv);
	if (code) {
		code = code == 1 ? 0 : 2; /* --help, or a usage error */
		goto out_opts;
	}
	if (!r.o.headless && !isatty(0))
		r.o.headless = true;
	rec_opts_key_name(r.o.prefix_key, r.key_name, sizeof r.key_name);
	utf8_carry_init(&r.carry_o);
	utf8_carry_init(&r.carry_i);
	r.ubuf = malloc(UTF8_REPAIR_MAX(REC_SESSION_READ));
	code = r.ubuf ? rec_setup(&r, &sp, &command_text) : 1;
	if (code)
		goto out;
	/* Size: the options, else the terminal, else 80x24. */
	r.cols = 80;
	r.rows = 24;
	if (!r.o.headless)
		term_size(0, &r.cols, &r.rows);
	if (r.o.cols)
		r.cols = r.o.cols;
	if (r.o.rows)
		r.rows = r.o.rows;
	/* Only sources that stamp events after the fact need the window. */
	for (size_t i = 0; i < r.n_src; i++)
		if (r.src[i].late)
			r.window = (int64_t)r.o.reorder_ms * 1000000;
	/* and --redact, which holds back what could start a secret as long */
	if (r.o.redact.n)
		r.window = (int64_t)r.o.reorder_ms * 1000000;
	ctl_source_batch(r.ctl, r.window >= 2 * REC_BATCH_NS);
	if (reorder_new(&r.rq, r.window, 0, rec_write, &r) < 0) {
		code = 1;
		goto out;
	}
	r.emit = (rec_emit_t){ .emit = rec_on_source, .user = &r };
	rec_session_opts_t so = {
		.in_fd = 0,
		.out_fd = 1,
		.tty_fd = (!r.o.headless && !r.o.cols && !r.o.rows) ? 0 : -1,
		.headless = r.o.headless,
		.prefix_key = r.o.prefix_key,
		.cols = r.cols,
		.rows = r.rows,
		.sources = r.src,
		.n_sources = r.n_src,
		.emit = &r.emit,
	};
	if (r.f.is_stdout) {
		so.out_fd = -1;
		if (!r.o.headless && (r.relay_fd = open("/dev/tty", O_WRONLY | O_CLOEXEC)) >= 0)
			so.out_fd = r.relay_fd;
	}
	if (!r.o.headless) {
		if (term_raw(&r.term) < 0) {
			r.o.headless = so.headless = true;
			so.tty_fd = -1;
		} else {
			so.slave_termios = &r.term.orig;
		}
	}
	rec_session_cbs_t cbs = {
		.output = rec_on_output, .input = rec_on_input, .marker = rec_on_marker,
		.resize = rec_on_resize, .deadline = rec_deadline, .tick = rec_tick,
	};
	if ((ret = rec_session_new(&r.sess, &so, &cbs, &r)) < 0) {
		fprintf(stderr, "tracecast rec: %s\n", strerror(-ret));
		code = 1;
		goto out;
	}
	r.t0 = tc_clock_mono_ns();
	int64_t start_unix = r.t0 + tc_clock_offset_ns(5, NULL);
	if (r.f.appending)
		r.offset = r.f.last_ns;
	header = rec_header(&r, sources, start_unix, command_text);
	/* (appending, the header goes nowhere: nothing to redact or count) */
	if (r.rd && !r.f.appending && (ret = rec_redact_header(&r, header)) < 0) {
		term_restore(&r.term);
		fprintf(stderr, "tracecast rec: --redact: %s\n", strerror(-ret));
		code = 1;
		goto out;
	}
	if ((ret = rec_writer(&r, header)) < 0) {
		term_restore(&r.term);
		fprintf(stderr, "tracecast rec: cannot write %s: %s\n", r.o.file, strerror(-ret));
		code = 1;
		goto out;
	}
	/* Room for the redaction count: after a fresh header, or in the
	 * header of the recording appended to (from an earlier --redact). */
	if (r.rd && r.f.patchable)
		r.count_room = r.f.appending || rec_file_pad_header(r.f.fd) == 0;
	if (r.f.appending && (r.f.cols != r.cols || r.f.rows != r.rows))
		rec_on_resize(&r, r.t0, r.cols, r.rows);
	rec_notice_start(&r);
	if ((ret = rec_session_spawn(r.sess, sp.argv.v, sp.env.v)) < 0) {
		term_restore(&r.term);
		fprintf(stderr, "tracecast rec: cannot start the command: %s\n", strerror(-ret));
		code = 1;
		goto out;
	}
	started = true;
	ret = rec_session_run(r.sess);
	term_restore(&r.term);
	if (ret < 0)
		fprintf(stderr, "tracecast rec: the session loop failed: %s\n", strerror(-ret));
	code = rec_finish(&r, rec_session_exit_code(rec_session_status(r.sess)));
	if (r.werr) {
		fprintf(stderr, "tracecast: recording stopped at %.1f s: %s\n",
			(double)r.werr_t / 1e9, strerror(-r.werr));
		fprintf(stderr, "tracecast: the command exited with status %d; %s keeps "
			"everything recorded before that (exit status %d)\n",
			code, r.o.file, REC_EXIT_WRITE_ERROR);
		code = REC_EXIT_WRITE_ERROR;
	} else if (!r.o.quiet) {
		fprintf(stderr, "tracecast: recording saved to %s (%.1f s", r.o.file,
			(double)(tc_clock_mono_ns() - r.t0) / 1e9);
		if (r.rd)
			fprintf(stderr, ", %lu redacted", redact_count(r.rd));
		if (ctl_source_dropped(r.ctl))
			fprintf(stderr, ", %lu malformed control lines dropped",
				ctl_source_dropped(r.ctl));
		if (reorder_late(r.rq))
			fprintf(stderr, ", %lu late events clamped", reorder_late(r.rq));
		fprintf(stderr, ")\n");
	}
out:
	/* The one cleanup path: terminal first, then everything else. */
	term_restore(&r.term);
	rec_session_free(r.sess);
	cast_writer_free(r.w);
	for (size_t i = 0; i < r.n_src; i++)
		if (r.src[i].free)
			r.src[i].free(r.src[i].self);
	rec_file_close(&r.f, started || code == 0, r.o.file);
	if (r.relay_fd >= 0)
		close(r.relay_fd);
	reorder_free(r.rq);
	redact_stream_free(r.rs_o);
	redact_stream_free(r.rs_i);
	redact_free(r.rd);
	free(r.ubuf);
	free(command_text);
out_opts:
	json_decref(header);
	json_decref(sources);
	strv_cleanup(&sp.argv);
	strv_cleanup(&sp.env);
	rec_opts_cleanup(&r.o);
	return code;
}
