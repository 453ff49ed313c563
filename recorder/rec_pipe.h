/* rec_pipe: the recorder's event pipeline, from the session's callbacks
 * and the sources' events to the file.
 *
 * Each chunk read from the pty master is stamped once with CLOCK_MONOTONIC
 * by the loop -> utf8_repair with the stream's carry -> redact stream
 * (only with --redact) -> reorder window (W = 0, no copy, when no source
 * stamps its events after the fact) -> cast_writer_event; the writer is
 * flushed at least every flush_ms, on the batch grid. Events of sources
 * take the same path through rec_pipe_emit() (repaired without a carry,
 * redacted whole). Times in the file are (mono - t0) + the appended file's
 * last time, added with saturation.
 *
 * The redaction count is known only at the end. For a plain file made with
 * --redact the header line is rewritten right after it is written with
 * room after the number (rec_file_pad_header) and the number is patched in
 * place at the end. Where that cannot be done (gzip, stdout: the header
 * says "redactions": null; an appended file without room) a "t" event
 * (JSON text {"redactions":N}) is written just before the final "x".
 *
 * A write error stops the writing, never the session: the first error and
 * its time are kept (rec_pipe_write_error). With --overwrite the file is
 * committed (renamed over the target) at the first successful flush. */
#ifndef TRACECAST_REC_PIPE_H
#define TRACECAST_REC_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rec_file.h"
#include "rec_notice.h"
#include "rec_session.h"
#include "rec_source.h"

typedef struct rec_pipe rec_pipe_t;

typedef struct rec_pipe_opts {
	rec_file_t *file;          /* open, not owned */
	rec_notes_t *notes;        /* not owned */
	int flush_ms;
	int64_t window;            /* reorder window (ns), 0 for none */
	bool capture_stdin;        /* record "i" events */
	const char *const *redact; /* --redact patterns (n_redact), may be none */
	size_t n_redact;
	bool redact_keep_buffers;  /* keep read/write-like data (redacted) */
	/* Told after each pause and resume (the front-end's notice), or NULL. */
	void (*paused)(void *user, bool paused);
	void *paused_user;
} rec_pipe_opts_t;

/* Make the pipeline (not yet writing). Returns 0, -EINVAL with the
 * pattern's error in err (a bad --redact), or -ENOMEM. */
int rec_pipe_new(rec_pipe_t **out, const rec_pipe_opts_t *o, char *err, size_t errsize);

/* Pause (paused true) or resume capture at now: paused time is left out
 * of the recording's times and what falls in it is dropped (an exit, a
 * marker or a resize is kept at the pause's start); a resume adds the
 * marker "paused N s". 0, or -ENOMEM (the pause is not taken). */
int rec_pipe_pause(rec_pipe_t *p, int64_t now, bool paused);

/* The session callbacks that feed the pipeline (user: the pipe); the
 * session's pause key pauses and resumes through rec_pipe_pause(). */
void rec_pipe_callbacks(rec_pipe_t *p, rec_session_cbs_t *cbs);

/* Where the sources emit (valid while p lives). */
const rec_emit_t *rec_pipe_emit(rec_pipe_t *p);

/* Time 0 is t0 (CLOCK_MONOTONIC ns). Write the header (redacted with the
 * --redact patterns first); in append mode the header goes nowhere and the
 * events after the file's last one. Returns 0 or -errno (nothing of the
 * session is written then). */
int rec_pipe_start(rec_pipe_t *p, json_t *header, int64_t t0);

/* An "r" event now (append: the terminal's size differs from the file's). */
void rec_pipe_resize(rec_pipe_t *p, int64_t mono_ns, unsigned cols, unsigned rows);

/* The session is over with exit code `code`: finish the streams, write
 * what the window holds, the count, the "x" event, close the writer and
 * commit the file. */
void rec_pipe_finish(rec_pipe_t *p, int code);

/* The first write error (-errno, 0 for none) and when it happened (ns
 * since time 0). */
int rec_pipe_write_error(const rec_pipe_t *p, int64_t *when_ns);

/* Counts for the end notice: replacements, late events clamped. */
unsigned long rec_pipe_redacted(const rec_pipe_t *p);
unsigned long rec_pipe_late(const rec_pipe_t *p);
/* The largest lateness of a clamped event (ns), 0 without any. */
int64_t rec_pipe_max_late(const rec_pipe_t *p);
bool rec_pipe_redacting(const rec_pipe_t *p);

/* NULL is a no-op. */
void rec_pipe_free(rec_pipe_t *p);

#endif
