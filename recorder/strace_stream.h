/* strace_stream: one strace output FIFO, read live and cut into lines.
 *
 * The FIFO lives in a private folder; the recorder opens it O_RDONLY |
 * O_NONBLOCK before strace starts, plus a dummy O_WRONLY end of its own so
 * a read never sees "no writer yet" as end-of-file. The dummy end is closed
 * at the end (strace_stream_close_writer), after which a read of 0 bytes is
 * the real end. strace may write a line in pieces (entry text, later
 * " = ret <dur>"): bytes are kept until '\n'. Both fds are close-on-exec. */
#ifndef TRACECAST_STRACE_STREAM_H
#define TRACECAST_STRACE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Called with each complete line (without its '\n'; line[len] == '\0'). */
typedef void (*strace_stream_line_fn)(void *user, const char *line, size_t len);

typedef struct strace_stream {
	int fd;          /* read end, -1 when closed */
	int dummy_wr;    /* our write end, -1 once closed */
	char *path;      /* the FIFO (unlinked by cleanup), NULL for fed streams */
	long tag;        /* --strace-pid PID of this stream, 0 for the command */
	char *buf;       /* the incomplete line */
	size_t len, cap;
	size_t max_line; /* longer lines are cut here (kept as one line) */
	long pipe_size;  /* the FIFO's capacity in bytes (0: unknown) */
	bool eof;
} strace_stream_t;

/* A stream without a FIFO (fed by strace_stream_feed). */
void strace_stream_init(strace_stream_t *st, long tag);

/* mkfifo path (0600), open it for reading and the dummy writer. Returns 0
 * or -errno (st is then clean). */
int strace_stream_open(strace_stream_t *st, const char *path, long tag);

/* Append bytes; call fn for every completed line. Returns 0 or -ENOMEM. */
int strace_stream_feed(strace_stream_t *st, const char *data, size_t n,
		       strace_stream_line_fn fn, void *user);

/* Read what is there (up to max bytes) and feed it. Returns the bytes read
 * (> 0), 0 at end-of-file (st->eof set), -EAGAIN when nothing is waiting,
 * or another -errno. */
ssize_t strace_stream_read(strace_stream_t *st, size_t max,
			   strace_stream_line_fn fn, void *user);

/* Pass an incomplete last line on as a line (at the very end). */
void strace_stream_flush(strace_stream_t *st, strace_stream_line_fn fn, void *user);

/* Close the dummy writer: from now on a read of 0 means strace is done. */
void strace_stream_close_writer(strace_stream_t *st);

/* Remove the FIFO's name once strace has it open (the open fds keep
 * working); no-op when already done. */
void strace_stream_unlink(strace_stream_t *st);

/* Close the fds, unlink the FIFO, free the buffers. */
void strace_stream_cleanup(strace_stream_t *st);

#endif
