/* cmd_rec: `tracecast rec`: options, messages and exit codes around the
 * recording engine (recorder/: rec_file's creation policy, rec_session's
 * pty loop, rec_pipe's event pipeline, rec_header, the sources), with one
 * cleanup path that restores the terminal, then frees everything, then
 * prints what the engine noted. */
#include "rec_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recorder/ctl.h"
#include "recorder/profile_source.h"
#include "recorder/rec_child.h"
#include "recorder/rec_file.h"
#include "recorder/rec_header.h"
#include "recorder/rec_notice.h"
#include "recorder/rec_pipe.h"
#include "recorder/rec_session.h"
#include "recorder/redact.h"
#include "recorder/strace_source.h"
#include "cli_common.h"
#include "rec_opts.h"
#include "tracecast/strv.h"
#include "tracecast/tc_clock.h"
#include "tracecast/tc_path.h"
#include "tracecast/term.h"

extern char **environ;

typedef struct rec {
	rec_opts_t o;
	rec_file_t f;
	rec_pipe_t *pipe;
	term_t term;
	int relay_fd;               /* /dev/tty opened for FILE "-" */
	rec_source_t src[REC_MAX_SOURCES];
	size_t n_src;
	rec_source_t *ctl;
	rec_session_t *sess;
	rec_children_t *children;   /* every child we start, reaped there */
	int64_t t0;                 /* CLOCK_MONOTONIC of time 0 */
	unsigned cols, rows;
	char key_name[16];
	rec_notes_t notes;          /* the engine's messages, printed by us */
} rec_t;

/* Print the engine's messages held so far (the terminal is normal). */
static void rec_print_notes(rec_t *r)
{
	const char *t;

	while ((t = rec_notes_take(&r->notes)))
		fprintf(stderr, "%s\n", t);
	if (r->notes.lost) {
		fprintf(stderr, "tracecast: %lu more messages were left out\n", r->notes.lost);
		r->notes.lost = 0;
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
			.notes = &r->notes,
			.window_ns = (int64_t)r->o.reorder_ms * 1000000,
			.children = r->children,
		};
		if (strace_source_new(&r->src[r->n_src], &so) < 0)
			return 1;
		r->n_src++;
	}
	if (r->o.profile) {
		size_t k = 0;
		ret = profile_sources_new_attach(r->o.profile_spec, r->o.strace_pids,
						 r->o.n_strace_pids, r->src + r->n_src,
						 REC_MAX_SOURCES - 1 - r->n_src, &k, &r->notes);
		if (ret < 0)
			return ret == -EINVAL ? 2 : 1;
		r->n_src += k;
	}
	if (ctl_source_new(&r->src[r->n_src], &r->notes) < 0)
		return 1;
	r->ctl = &r->src[r->n_src++];
	/* the python sampler's threads name themselves: strace drops them */
	if (r->o.strace || r->o.n_strace_pids)
		ctl_source_on_sampler_tid(r->ctl, strace_source_drop_tid, &r->src[0]);
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
	if (r->o.redact.n) { /* checked first: a bad pattern is a usage error */
		redact_t *rd = NULL;
		ret = redact_new(&rd, (const char *const *)r->o.redact.v, r->o.redact.n,
				 errbuf, sizeof errbuf);
		redact_free(rd);
		if (ret < 0) {
			fprintf(stderr, "tracecast rec: --redact: %s\n",
				ret == -EINVAL ? errbuf : strerror(-ret));
			return ret == -EINVAL ? 2 : 1;
		}
	}
	if ((ret = rec_sources(r)) != 0)
		return ret;
	/* The command. */
	if (r->o.command) {
		for (char **a = r->o.command; *a; a++)
			strv_push(&sp->argv, *a);
		*command_text = strv_join(r->o.command, (size_t)-1, " ");
	} else if (r->o.shell_cmd) {
		strv_push(&sp->argv, "/bin/sh");
		strv_push(&sp->argv, "-c");
		strv_push(&sp->argv, r->o.shell_cmd);
		*command_text = strdup(r->o.shell_cmd);
	} else {
		const char *sh = getenv("SHELL");
		strv_push(&sp->argv, sh && *sh ? sh : "/bin/sh");
	}
	/* A missing command would fail inside the session (under strace with
	 * strace's message recorded as output): fail now, with status 127,
	 * before any file is made. */
	if (sp->argv.n && (ret = tc_path_search(sp->argv.v[0], getenv("PATH"), NULL)) < 0) {
		fprintf(stderr, "tracecast rec: cannot run '%s': %s\n", sp->argv.v[0],
			strerror(-ret));
		return 127;
	}
	for (char **e = environ; *e; e++)
		strv_push(&sp->env, *e);
	if ((ret = rec_file_open(&r->f, r->o.file, r->o.overwrite, r->o.append,
				 &r->notes)) < 0)
		return ret == -EEXIST || ret == -EINVAL ? 2 : 1;
	strv_setenv(&sp->env, "TRACECAST", "1");
	strv_setenv(&sp->env, "TRACECAST_FILE", r->f.abspath);
	for (size_t i = 0; i < r->n_src; i++)
		if (r->src[i].prepare && r->src[i].prepare(r->src[i].self, sp) < 0)
			return 1;
	if (!sp->argv.n)
		return 1;
	return 0;
}

/* Start and end notices (stderr, not the recording). */
static void rec_notice_start(rec_t *r)
{
	if (r->o.quiet)
		return;
	if (r->o.headless)
		fprintf(stderr, "tracecast: recording to %s (headless: stops when the command "
			"exits; `tracecast mark` adds a marker)\n", r->o.file);
	else if (r->o.prefix_key < 0)
		fprintf(stderr, "tracecast: recording to %s; the command's exit (or Ctrl-D in a "
			"shell) stops, `tracecast mark` adds a marker\r\n", r->o.file);
	else
		fprintf(stderr, "tracecast: recording to %s; to stop, exit the command (Ctrl-D "
			"in a shell); %s pauses/resumes, %s m or `tracecast mark` adds a "
			"marker, %s %s sends %s\r\n", r->o.file, r->key_name, r->key_name,
			r->key_name, r->key_name, r->key_name);
}

/* The pause notice (the terminal is raw: \r\n). */
static void rec_notice_pause(void *user, bool paused)
{
	rec_t *r = user;

	if (!r->o.quiet)
		fprintf(stderr, paused ? "tracecast: paused: nothing is recorded (%s p resumes)\r\n"
				       : "tracecast: recording again\r\n", r->key_name);
}

/* The closing lines into buf (printed after the notes), and the exit
 * code: the command's, or REC_EXIT_WRITE_ERROR when the recording
 * stopped early. */
static int rec_summary(rec_t *r, int code, char *buf, size_t size)
{
	size_t n = 0;
	int64_t werr_t;
	int werr = rec_pipe_write_error(r->pipe, &werr_t);

#define REC_SUMMARY(...) \
	(n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__), \
	 n = n < size ? n : size - 1)
	if (werr) {
		REC_SUMMARY("tracecast rec: recording stopped at %.1f s: %s\n",
			    (double)werr_t / 1e9, strerror(-werr));
		REC_SUMMARY("tracecast: the command exited with status %d; %s keeps "
			    "everything recorded before that (exit status %d)\n",
			    code, r->o.file, REC_EXIT_WRITE_ERROR);
		return REC_EXIT_WRITE_ERROR;
	}
	if (r->o.quiet)
		return code;
	REC_SUMMARY("tracecast: recording saved to %s (%.1f s", r->o.file,
		    (double)(tc_clock_mono_ns() - r->t0) / 1e9);
	if (rec_pipe_redacting(r->pipe))
		REC_SUMMARY(", %lu redacted", rec_pipe_redacted(r->pipe));
	if (ctl_source_dropped(r->ctl))
		REC_SUMMARY(", %lu malformed control lines dropped", ctl_source_dropped(r->ctl));
	if (ctl_source_limited(r->ctl))
		REC_SUMMARY(", %lu control lines over the rate limit dropped",
			    ctl_source_limited(r->ctl));
	if (rec_pipe_late(r->pipe))
		REC_SUMMARY(", %lu late events clamped, the latest by %.3f s",
			    rec_pipe_late(r->pipe), (double)rec_pipe_max_late(r->pipe) / 1e9);
	REC_SUMMARY(")\n");
#undef REC_SUMMARY
	return code;
}

int cmd_rec(int argc, char **argv)
{
	static rec_t r; /* big (the notes): not on the stack */
	rec_spawn_t sp;
	char *command_text = NULL, errbuf[256];
	json_t *sources = json_object(), *header = NULL;
	int code, ret;
	bool started = false;
	char summary[1024] = "";

	/* A closed 0, 1 or 2 would be taken by the recording's file: the relay
	 * would then write into it. */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd) {
			json_decref(sources);
			return 1;
		}
	/* An ignored SIGCHLD (inherited through execve) would reap our
	 * children behind our back: strace's probe and tracers, the command
	 * (rec_session also sets it for the session, and gives it back). */
	signal(SIGCHLD, SIG_DFL);
	memset(&r, 0, sizeof r);
	r.relay_fd = -1;
	rec_notes_init(&r.notes);
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
	if (rec_children_new(&r.children) < 0) {
		code = 1;
		goto out;
	}
	rec_opts_key_name(r.o.prefix_key, r.key_name, sizeof r.key_name);
	code = rec_setup(&r, &sp, &command_text);
	rec_print_notes(&r); /* warnings of the setup: before the terminal is raw */
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
	int64_t window = 0;
	for (size_t i = 0; i < r.n_src; i++)
		if (r.src[i].late)
			window = (int64_t)r.o.reorder_ms * 1000000;
	/* and --redact, which holds back what could start a secret as long */
	if (r.o.redact.n)
		window = (int64_t)r.o.reorder_ms * 1000000;
	ctl_source_batch(r.ctl, window >= 2 * REC_BATCH_NS);
	rec_pipe_opts_t po = {
		.file = &r.f, .notes = &r.notes, .flush_ms = r.o.flush_ms, .window = window,
		.capture_stdin = r.o.capture_stdin,
		.redact = (const char *const *)r.o.redact.v, .n_redact = r.o.redact.n,
		.redact_keep_buffers = r.o.redact_keep_buffers,
		.paused = rec_notice_pause, .paused_user = &r,
	};
	if ((ret = rec_pipe_new(&r.pipe, &po, errbuf, sizeof errbuf)) < 0) {
		rec_note(&r.notes, "tracecast rec: %s", ret == -EINVAL ? errbuf : strerror(-ret));
		code = 1;
		goto out;
	}
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
		.emit = rec_pipe_emit(r.pipe),
		.children = r.children,
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
	rec_session_cbs_t cbs;
	rec_pipe_callbacks(r.pipe, &cbs);
	if ((ret = rec_session_new(&r.sess, &so, &cbs, r.pipe)) < 0) {
		rec_note(&r.notes, "tracecast rec: %s", strerror(-ret));
		code = 1;
		goto out;
	}
	r.t0 = tc_clock_mono_ns();
	rec_header_opts_t ho = {
		.cols = r.cols, .rows = r.rows,
		.start_unix_ns = r.t0 + tc_clock_offset_ns(5, NULL),
		.has_idle = r.o.has_idle, .idle_time_limit = r.o.idle_time_limit,
		.title = r.o.title, .command = command_text, .env_vars = r.o.env_vars,
		.sources = sources,
		.redactions_unknown = r.o.redact.n && !r.f.patchable,
	};
	if (!(header = rec_header_new(&ho))) {
		code = 1;
		goto out;
	}
	if ((ret = rec_pipe_start(r.pipe, header, r.t0)) < 0) {
		rec_note(&r.notes, "tracecast rec: cannot write %s: %s", r.o.file, strerror(-ret));
		code = 1;
		goto out;
	}
	if (r.f.appending && (r.f.cols != r.cols || r.f.rows != r.rows))
		rec_pipe_resize(r.pipe, r.t0, r.cols, r.rows);
	rec_notice_start(&r);
	if ((ret = rec_session_spawn(r.sess, sp.argv.v, sp.env.v)) < 0) {
		rec_note(&r.notes, "tracecast rec: cannot start the command: %s", strerror(-ret));
		code = 1;
		goto out;
	}
	started = true;
	ret = rec_session_run(r.sess);
	if (ret < 0)
		rec_note(&r.notes, "tracecast rec: the session loop failed: %s", strerror(-ret));
	code = rec_session_exit_code(rec_session_status(r.sess));
	rec_pipe_finish(r.pipe, code);
	code = rec_summary(&r, code, summary, sizeof summary);
out:
	/* The one cleanup path: terminal first, then everything else, then
	 * every message (the sources' last ones come from their free). */
	term_restore(&r.term);
	rec_session_free(r.sess);
	rec_pipe_free(r.pipe);
	for (size_t i = 0; i < r.n_src; i++)
		if (r.src[i].free)
			r.src[i].free(r.src[i].self);
	rec_children_free(r.children); /* after their owners */
	rec_file_close(&r.f, started || code == 0);
	if (r.relay_fd >= 0)
		close(r.relay_fd);
	free(command_text);
	rec_print_notes(&r);
	/* -f asciicast-v3|raw|txt: recorded as v2 (flushed as it goes),
	 * turned into the format now that the file is complete */
	if (started && code != REC_EXIT_WRITE_ERROR && r.o.format != CLI_FMT_V2 &&
	    cli_convert_file("rec", r.o.file, r.o.file, r.o.format, true) != 0) {
		code = code ? code : 1;
		summary[0] = '\0';
	}
	if (summary[0])
		fputs(summary, stderr);
out_opts:
	json_decref(header);
	json_decref(sources);
	strv_cleanup(&sp.argv);
	strv_cleanup(&sp.env);
	rec_opts_cleanup(&r.o);
	return code;
}
