/* strace_stream: a strace output FIFO read live and cut into lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strace_stream.h"

#define STREAM_MAX_LINE (4u << 20) /* strace -s 1M lines still fit */
#define STREAM_PIPE_SIZE (1 << 20)

void strace_stream_init(strace_stream_t *st, long tag)
{
	memset(st, 0, sizeof(*st));
	st->fd = -1;
	st->dummy_wr = -1;
	st->tag = tag;
	st->max_line = STREAM_MAX_LINE;
}

int strace_stream_open(strace_stream_t *st, const char *path, long tag)
{
	int rc;
	strace_stream_init(st, tag);
	if (mkfifo(path, 0600) < 0)
		return -errno;
	st->path = strdup(path);
	if (!st->path) {
		rc = -ENOMEM;
		goto fail;
	}
	st->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (st->fd < 0) {
		rc = -errno;
		goto fail;
	}
	/* succeeds at once: the read end is open */
	st->dummy_wr = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (st->dummy_wr < 0) {
		rc = -errno;
		goto fail;
	}
	/* a bigger pipe lets strace run ahead while the loop is busy */
	(void)fcntl(st->fd, F_SETPIPE_SZ, STREAM_PIPE_SIZE);
	st->pipe_size = fcntl(st->fd, F_GETPIPE_SZ);
	if (st->pipe_size < 0)
		st->pipe_size = 0;
	return 0;
fail:
	strace_stream_cleanup(st);
	unlink(path);
	return rc;
}

static int stream_reserve(strace_stream_t *st, size_t need)
{
	if (need <= st->cap)
		return 0;
	size_t cap = st->cap ? st->cap : 4096;
	while (cap < need)
		cap *= 2;
	char *b = realloc(st->buf, cap);
	if (!b)
		return -ENOMEM;
	st->buf = b;
	st->cap = cap;
	return 0;
}

/* Pass buf[0..len) on as a line and empty the buffer. */
static void stream_emit_buf(strace_stream_t *st, strace_stream_line_fn fn, void *user)
{
	st->buf[st->len] = '\0';
	fn(user, st->buf, st->len);
	st->len = 0;
}

/* strace_stream_feed; when mut (the bytes are ours to change: a read
 * buffer), a whole line is passed on in place, its '\n' made the '\0'. */
static int stream_feed(strace_stream_t *st, char *mut, const char *data, size_t n,
		       strace_stream_line_fn fn, void *user)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl ? (size_t)(nl - data) : n;
		if (st->len == 0 && nl && mut) {
			/* the common case: a whole line in the read */
			mut[nl - data] = '\0';
			fn(user, data, take);
		} else if (st->len == 0 && nl) {
			/* a whole line of const bytes: copied for its '\0' */
			if (stream_reserve(st, take + 1) < 0)
				return -ENOMEM;
			memcpy(st->buf, data, take);
			st->len = take;
			stream_emit_buf(st, fn, user);
		} else {
			size_t room = st->max_line > st->len ? st->max_line - st->len : 0;
			size_t copy = take < room ? take : room; /* over-long: cut */
			if (stream_reserve(st, st->len + copy + 1) < 0)
				return -ENOMEM;
			memcpy(st->buf + st->len, data, copy);
			st->len += copy;
			if (nl)
				stream_emit_buf(st, fn, user);
		}
		if (!nl)
			break;
		if (mut)
			mut += take + 1;
		data = nl + 1;
		n -= take + 1;
	}
	return 0;
}

int strace_stream_feed(strace_stream_t *st, const char *data, size_t n,
		       strace_stream_line_fn fn, void *user)
{
	return stream_feed(st, NULL, data, n, fn, user);
}

ssize_t strace_stream_read(strace_stream_t *st, size_t max,
			   strace_stream_line_fn fn, void *user)
{
	char chunk[65536];
	size_t total = 0;
	if (st->fd < 0 || st->eof)
		return 0;
	while (total < max) {
		ssize_t r = read(st->fd, chunk, sizeof(chunk));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return total ? (ssize_t)total : -EAGAIN;
			return -errno;
		}
		if (r == 0) {
			st->eof = true;
			return (ssize_t)total;
		}
		if (stream_feed(st, chunk, chunk, (size_t)r, fn, user) < 0)
			return -ENOMEM;
		total += (size_t)r;
		if ((size_t)r < sizeof(chunk))
			break; /* drained for now */
	}
	return (ssize_t)total;
}

void strace_stream_flush(strace_stream_t *st, strace_stream_line_fn fn, void *user)
{
	if (st->len > 0)
		stream_emit_buf(st, fn, user);
}

void strace_stream_close_writer(strace_stream_t *st)
{
	if (st->dummy_wr >= 0) {
		close(st->dummy_wr);
		st->dummy_wr = -1;
	}
}

void strace_stream_unlink(strace_stream_t *st)
{
	if (st->path)
		unlink(st->path);
	free(st->path);
	st->path = NULL;
}

void strace_stream_cleanup(strace_stream_t *st)
{
	strace_stream_close_writer(st);
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	strace_stream_unlink(st);
	free(st->buf);
	st->buf = NULL;
	st->len = st->cap = 0;
}
