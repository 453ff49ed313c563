/* rec_cmd: `tracecast rec`, the recorder's entry point (cmd_rec in
 * commands.h): options, setup, the pipeline from the session's callbacks
 * to the writer (UTF-8 repair, redaction, reorder window), and the one
 * cleanup path that restores the terminal, flushes and closes the file on
 * every exit.
 *
 * Pipeline of each chunk read from the pty master: stamped once with
 * CLOCK_MONOTONIC by the loop -> utf8_repair with the "o" carry ->
 * redact stream (only with --redact) -> reorder window (W = 0, no copy,
 * when no source but the control socket runs) -> cast_writer_event;
 * cast_writer_flush at least every --flush-ms. Events of sources take the
 * same path through rec_emit_t (repaired without a carry, redacted whole).
 *
 * The redaction count is known only at the end. For a plain file made with
 * --redact the header line is rewritten right after it is written with
 * room after the number (spaces, JSON whitespace) and the number is patched
 * in place at the end (rec_file.h). Where that cannot be done (gzip,
 * stdout: the header says "redactions": null; an appended file without
 * room) a "t" event (JSON text {"redactions":N}) is written just before
 * the final "x" event. */
#ifndef TRACECAST_REC_CMD_H
#define TRACECAST_REC_CMD_H

#include "commands.h"

/* Most sources a recording runs (strace, profilers, control socket). */
#define REC_MAX_SOURCES 16

#endif
