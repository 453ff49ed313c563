/* zio: byte streams in and out, plain or gzip.
 *
 * zio_in detects gzip by its magic bytes and inflates on the fly (zlib),
 * including concatenated members; a stream cut mid-block yields what could
 * be inflated and reports truncation instead of failing. zio_out writes
 * plain or gzip with a sync flush at each zio_out_flush(), so a file cut
 * anywhere reads up to its last flush. */
#ifndef TRACECAST_ZIO_H
#define TRACECAST_ZIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct zio_in zio_in_t;
typedef struct zio_out zio_out_t;

/* Gzip by content: the first len bytes of a stream start with the gzip
 * magic (1f 8b; a lone 1f, len 1, counts: a file cut after one byte).
 * The one test every reader and `rec -a` use (never the file's name). */
bool zio_sniff_gzip(const void *head, size_t len);

/* The same on a file, read with pread at offset 0 (the offset is kept).
 * Returns 1 gzip, 0 not (empty included), or -errno (not seekable). */
int zio_fd_is_gzip(int fd);

/* Take ownership of fd (closed by zio_in_free; on failure it is left open
 * for the caller). Reads the first bytes to tell gzip (1f 8b) from plain
 * text; a file holding only 1f is taken as gzip cut after one byte.
 * Returns 0 or -errno. */
int zio_in_open_fd(zio_in_t **out, int fd);

/* Read up to size decompressed bytes. Returns bytes read, 0 at the end,
 * or -errno (-EBADMSG for corrupt gzip data, or bytes after a member that
 * do not start another one). Errors are sticky. */
ssize_t zio_in_read(zio_in_t *z, void *buf, size_t size);

bool zio_in_is_gzip(const zio_in_t *z);
/* True once the end was reached before a complete gzip trailer. */
bool zio_in_truncated(const zio_in_t *z);
/* Free and close the fd. NULL: no-op. */
void zio_in_free(zio_in_t *z);

/* Write to fd (not owned unless close_fd). gzip: level 3 (see zio.c).
 * Write errors are sticky: every later call returns the first -errno.
 * Returns 0 or -errno. */
int zio_out_open_fd(zio_out_t **out, int fd, bool gzip, bool close_fd);
/* Append bytes; may write to the fd when the internal buffer fills. */
int zio_out_write(zio_out_t *z, const void *buf, size_t len);
/* Everything appended so far reaches the fd (gzip: Z_SYNC_FLUSH). */
int zio_out_flush(zio_out_t *z);
/* Flush, finish the gzip stream, close the fd if owned (also after an
 * error). First -errno or 0. Later writes and flushes give -EBADF. */
int zio_out_close(zio_out_t *z);
uint64_t zio_out_bytes(const zio_out_t *z);
/* Free (closing as zio_out_close first if not yet closed). NULL: no-op. */
void zio_out_free(zio_out_t *z);

#endif
