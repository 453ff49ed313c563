/* zio: byte streams in and out, plain or gzip (zlib).
 *
 * Input: the first two bytes decide (1f 8b = gzip). gzip members are
 * inflated one after the other; an input that ends inside a member yields
 * everything inflatable and sets the truncated flag (a recorder killed
 * mid-write), corrupt data gives -EBADMSG.
 *
 * Output: an internal buffer, written (plain) or deflated (gzip) when full
 * and at each flush; every write(2) is checked and retried on EINTR and
 * partial writes; the first error is sticky. */
#include "tracecast/fdio.h"
#include "tracecast/zio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define ZIO_IN_BUF (128 * 1024)
#define ZIO_OUT_BUF (128 * 1024)
/* gzip level: measured on the corpus' big casts re-written through
 * cast_writer, level 3 deflates 1.5x faster than zlib's default 6 for 4%
 * more output (2.8x faster, 17% more on very repetitive text). */
#ifndef ZIO_GZIP_LEVEL
#define ZIO_GZIP_LEVEL 3
#endif

struct zio_in {
	int fd;
	bool gzip;
	bool eof;          /* read(2) returned 0 */
	bool member_open;  /* inside a gzip member (header seen or expected) */
	bool truncated;
	bool zinit;
	int err;           /* sticky -errno */
	unsigned char *buf;
	size_t pos, len;   /* unread bytes buf[pos..len) (plain and gzip) */
	z_stream zs;
};

struct zio_out {
	int fd;
	bool gzip;
	bool close_fd;
	bool closed;
	int err;           /* sticky -errno */
	uint64_t bytes;    /* bytes handed to the fd */
	unsigned char *buf; /* plain: pending output; gzip: pending input */
	size_t len;
	unsigned char *zbuf; /* gzip: deflate's output */
	z_stream zs;
};

/* read(2) retried on EINTR. Returns bytes, 0 at the end, or -errno. */
static ssize_t fd_read(int fd, void *buf, size_t size)
{
	for (;;) {
		ssize_t n = read(fd, buf, size);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

/* Refill z->buf (only when it is empty). Returns bytes read, 0, -errno. */
static ssize_t zio_in_fill(zio_in_t *z)
{
	ssize_t n;

	if (z->eof)
		return 0;
	n = fd_read(z->fd, z->buf, ZIO_IN_BUF);
	if (n < 0)
		return n;
	z->pos = 0;
	z->len = (size_t)n;
	if (n == 0)
		z->eof = true;
	return n;
}

int zio_in_open_fd(zio_in_t **out, int fd)
{
	zio_in_t *z;
	int ret;

	*out = NULL;
	z = calloc(1, sizeof *z);
	if (!z)
		return -ENOMEM;
	z->fd = fd;
	z->buf = malloc(ZIO_IN_BUF);
	if (!z->buf) {
		ret = -ENOMEM;
		goto fail;
	}
	/* Sniff: get at least two bytes (pipes may deliver one at a time). */
	while (z->len < 2 && !z->eof) {
		ssize_t n = fd_read(fd, z->buf + z->len, ZIO_IN_BUF - z->len);
		if (n < 0) {
			ret = (int)n;
			goto fail;
		}
		if (n == 0)
			z->eof = true;
		z->len += (size_t)n;
	}
	/* A lone 1f at the end is taken as a gzip stream cut after one byte
	 * (no text recording is a single US control byte). */
	if (zio_sniff_gzip(z->buf, z->len)) {
		z->gzip = true;
		if (inflateInit2(&z->zs, 16 + MAX_WBITS) != Z_OK) {
			ret = -ENOMEM;
			goto fail;
		}
		z->zinit = true;
		z->member_open = true;
	}
	*out = z;
	return 0;
fail:
	free(z->buf);
	free(z);
	return ret;
}

/* Inflate into buf; see zio_in_read. At the end of the input inflate is
 * still called (with no input): output may be pending inside zlib from a
 * match cut short by a full buffer. */
static ssize_t zio_in_inflate(zio_in_t *z, void *buf, size_t size)
{
	for (;;) {
		if (z->pos == z->len && !z->eof) {
			ssize_t n = zio_in_fill(z);
			if (n < 0)
				return n;
		}
		if (!z->member_open) {
			if (z->pos == z->len)
				return 0; /* the end, after a complete member */
			/* Another member follows the previous one's trailer. */
			if (inflateReset(&z->zs) != Z_OK)
				return -EBADMSG;
			z->member_open = true;
		}
		z->zs.next_in = z->buf + z->pos;
		z->zs.avail_in = (uInt)(z->len - z->pos);
		z->zs.next_out = buf;
		z->zs.avail_out = (uInt)(size > UINT32_MAX ? UINT32_MAX : size);
		int rc = inflate(&z->zs, Z_NO_FLUSH);
		size_t produced = (size_t)((unsigned char *)z->zs.next_out - (unsigned char *)buf);
		z->pos = z->len - z->zs.avail_in;
		switch (rc) {
		case Z_STREAM_END:
			z->member_open = false;
			break;
		case Z_OK:
		case Z_BUF_ERROR: /* no progress: more input needed */
			break;
		case Z_MEM_ERROR:
			return -ENOMEM;
		default: /* Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR */
			return -EBADMSG;
		}
		if (produced)
			return (ssize_t)produced;
		if (z->eof && z->pos == z->len && z->member_open) {
			z->truncated = true; /* cut inside a member */
			return 0;
		}
	}
}

ssize_t zio_in_read(zio_in_t *z, void *buf, size_t size)
{
	ssize_t n;

	if (z->err)
		return z->err;
	if (size == 0)
		return 0;
	if (z->gzip) {
		n = zio_in_inflate(z, buf, size);
	} else if (z->pos < z->len) {
		n = (ssize_t)(z->len - z->pos < size ? z->len - z->pos : size);
		memcpy(buf, z->buf + z->pos, (size_t)n);
		z->pos += (size_t)n;
	} else if (z->eof) {
		n = 0;
	} else {
		/* Plain: read straight into the caller's buffer. */
		n = fd_read(z->fd, buf, size);
		if (n == 0)
			z->eof = true;
	}
	if (n < 0)
		z->err = (int)n;
	return n;
}

bool zio_in_is_gzip(const zio_in_t *z)
{
	return z->gzip;
}

bool zio_in_truncated(const zio_in_t *z)
{
	return z->truncated;
}

void zio_in_free(zio_in_t *z)
{
	if (!z)
		return;
	if (z->zinit)
		inflateEnd(&z->zs);
	if (z->fd >= 0)
		close(z->fd);
	free(z->buf);
	free(z);
}

/* Write all of buf to the fd (EINTR and partial writes handled). */
static int zio_out_put(zio_out_t *z, const void *buf, size_t len)
{
	int rc;

	if (z->err)
		return z->err;
	rc = fdio_write_all(z->fd, buf, len);
	if (rc < 0) {
		z->err = rc;
		return rc;
	}
	z->bytes += len;
	return 0;
}

/* Deflate in[0..len) with flush mode, writing every full output buffer
 * (in pieces zlib's 32-bit counters can hold). */
static int zio_out_deflate(zio_out_t *z, const void *in, size_t len, int flush)
{
	const unsigned char *p = in;
	int ret;

	do {
		size_t take = len > (1u << 30) ? (1u << 30) : len;
		int mode = take == len ? flush : Z_NO_FLUSH;
		z->zs.next_in = (Bytef *)(uintptr_t)p;
		z->zs.avail_in = (uInt)take;
		for (;;) {
			z->zs.next_out = z->zbuf;
			z->zs.avail_out = ZIO_OUT_BUF;
			int rc = deflate(&z->zs, mode);
			if (rc == Z_STREAM_ERROR) {
				z->err = -EINVAL;
				return z->err;
			}
			size_t have = ZIO_OUT_BUF - z->zs.avail_out;
			if (have && (ret = zio_out_put(z, z->zbuf, have)) < 0)
				return ret;
			if (mode == Z_FINISH ? rc == Z_STREAM_END
					     : z->zs.avail_in == 0 && z->zs.avail_out != 0)
				break;
		}
		p += take;
		len -= take;
	} while (len);
	return 0;
}

/* Hand the pending buffer on (plain: to the fd; gzip: to deflate). */
static int zio_out_drain(zio_out_t *z)
{
	int ret = 0;

	if (z->err)
		return z->err;
	if (!z->len)
		return 0;
	if (z->gzip)
		ret = zio_out_deflate(z, z->buf, z->len, Z_NO_FLUSH);
	else
		ret = zio_out_put(z, z->buf, z->len);
	z->len = 0;
	return ret;
}

int zio_out_open_fd(zio_out_t **out, int fd, bool gzip, bool close_fd)
{
	zio_out_t *z;

	*out = NULL;
	z = calloc(1, sizeof *z);
	if (!z)
		return -ENOMEM;
	z->fd = fd;
	z->gzip = gzip;
	z->close_fd = close_fd;
	z->buf = malloc(ZIO_OUT_BUF);
	if (!z->buf)
		goto fail;
	if (gzip) {
		z->zbuf = malloc(ZIO_OUT_BUF);
		if (!z->zbuf)
			goto fail;
		/* memLevel 8; 16+ = gzip wrapper */
		if (deflateInit2(&z->zs, ZIO_GZIP_LEVEL, Z_DEFLATED, 16 + MAX_WBITS, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			goto fail;
	}
	*out = z;
	return 0;
fail:
	free(z->zbuf);
	free(z->buf);
	free(z);
	return -ENOMEM;
}

int zio_out_write(zio_out_t *z, const void *buf, size_t len)
{
	int ret;

	if (z->err)
		return z->err;
	if (z->closed)
		return -EBADF;
	if (len <= ZIO_OUT_BUF - z->len) {
		memcpy(z->buf + z->len, buf, len);
		z->len += len;
		return 0;
	}
	if ((ret = zio_out_drain(z)) < 0)
		return ret;
	if (len >= ZIO_OUT_BUF / 2) /* big: no copy */
		return z->gzip ? zio_out_deflate(z, buf, len, Z_NO_FLUSH)
			       : zio_out_put(z, buf, len);
	memcpy(z->buf, buf, len);
	z->len = len;
	return 0;
}

int zio_out_flush(zio_out_t *z)
{
	int ret;

	if (z->err)
		return z->err;
	if (z->closed)
		return -EBADF;
	if (z->gzip) {
		ret = zio_out_deflate(z, z->buf, z->len, Z_SYNC_FLUSH);
		z->len = 0;
		return ret;
	}
	return zio_out_drain(z);
}

int zio_out_close(zio_out_t *z)
{
	int ret = 0;

	if (z->closed)
		return z->err;
	if (!z->err) {
		if (z->gzip) {
			ret = zio_out_deflate(z, z->buf, z->len, Z_FINISH);
			z->len = 0;
		} else {
			ret = zio_out_drain(z);
		}
	}
	if (z->gzip)
		deflateEnd(&z->zs);
	if (z->close_fd && z->fd >= 0 && close(z->fd) < 0 && !z->err && errno != EINTR)
		z->err = -errno;
	z->closed = true;
	(void)ret;
	return z->err;
}

uint64_t zio_out_bytes(const zio_out_t *z)
{
	return z->bytes;
}

void zio_out_free(zio_out_t *z)
{
	if (!z)
		return;
	if (!z->closed)
		zio_out_close(z);
	free(z->zbuf);
	free(z->buf);
	free(z);
}

bool zio_sniff_gzip(const void *head, size_t len)
{
	const unsigned char *m = head;

	return (len >= 2 && m[0] == 0x1f && m[1] == 0x8b) || (len == 1 && m[0] == 0x1f);
}

int zio_fd_is_gzip(int fd)
{
	unsigned char m[2];
	ssize_t n;

	do
		n = pread(fd, m, 2, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return zio_sniff_gzip(m, (size_t)n);
}
