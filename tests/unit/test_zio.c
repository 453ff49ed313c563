/* Unit tests for zio: plain and gzip round trips, concatenated members,
 * a gzip file cut at every byte offset, corrupt data, short reads from a
 * pipe, write errors, and partial/interrupted write(2) calls.
 *
 * write(2) is interposed in this binary (see below) so that partial writes
 * and EINTR can be forced on the real code path. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "tracecast/zio.h"

/* --- write(2) interposition -------------------------------------------- */

static int fake_write_fd = -1;  /* the fd whose writes are disturbed */
static unsigned long fake_calls;

/* Writes to fake_write_fd: every third call fails with EINTR, the others
 * write at most 7 bytes. Everything else goes straight to the kernel. */
ssize_t write(int fd, const void *buf, size_t len)
{
	if (fd == fake_write_fd) {
		if (++fake_calls % 3 == 0) {
			errno = EINTR;
			return -1;
		}
		if (len > 7)
			len = 7;
	}
	return syscall(SYS_write, fd, buf, len);
}

/* --- helpers ------------------------------------------------------------ */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * UINT64_C(2685821657736338717);
}

static int memfd(void)
{
	int fd = memfd_create("zio-test", 0);
	assert_true(fd >= 0);
	return fd;
}

/* The whole content of fd. *len receives its size. */
static unsigned char *fd_slurp(int fd, size_t *len)
{
	off_t size = lseek(fd, 0, SEEK_END);
	unsigned char *p = malloc((size_t)size + 1);

	assert_non_null(p);
	assert_int_equal(pread(fd, p, (size_t)size, 0), size);
	*len = (size_t)size;
	return p;
}

/* A memfd holding buf[0..len), positioned at 0. */
static int memfd_with(const void *buf, size_t len)
{
	int fd = memfd();
	assert_int_equal(syscall(SYS_write, fd, buf, len), (long)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Read everything from z in reads of `step` bytes. Returns the final
 * return value (0 at a clean end, or -errno). */
static ssize_t read_all(zio_in_t *z, unsigned char *out, size_t cap, size_t *got, size_t step)
{
	ssize_t n;

	*got = 0;
	for (;;) {
		size_t want = cap - *got < step ? cap - *got : step;
		n = zio_in_read(z, out + *got, want);
		if (n <= 0)
			return n;
		*got += (size_t)n;
		assert_true(*got <= cap);
	}
}

/* Text with colour escapes and multibyte characters, some repetition. */
static size_t make_text(uint64_t *rng, unsigned char *buf, size_t len)
{
	static const char *const words[] = {
		"hello ", "world ", "\x1b[31m", "\x1b[0m", "\r\n", "caf\xc3\xa9 ",
		"\xf0\x9f\x98\x80", "strace ", "read(3, ...) = 42\n", "0123456789",
	};
	size_t n = 0;

	while (n < len) {
		uint64_t r = rng_next(rng);
		if (r % 5 == 0) {
			buf[n++] = (unsigned char)(r >> 8);
			continue;
		}
		const char *w = words[(r >> 8) % (sizeof words / sizeof *words)];
		size_t wl = strlen(w);
		if (wl > len - n)
			wl = len - n;
		memcpy(buf + n, w, wl);
		n += wl;
	}
	return n;
}

/* --- tests -------------------------------------------------------------- */

static void test_plain_roundtrip(void **state)
{
	unsigned char text[300000], back[300001];
	uint64_t rng = 11;
	size_t got;
	zio_out_t *zo;
	zio_in_t *zi;
	int fd = memfd();

	(void)state;
	make_text(&rng, text, sizeof text);
	assert_int_equal(zio_out_open_fd(&zo, fd, false, false), 0);
	/* Small writes, one bigger than the buffer, flushes in between. */
	size_t i = 0;
	while (i < sizeof text) {
		size_t n = i == 1000 ? 200000 : rng_next(&rng) % 300;
		if (n > sizeof text - i)
			n = sizeof text - i;
		assert_int_equal(zio_out_write(zo, text + i, n), 0);
		i += n;
		if (rng_next(&rng) % 50 == 0)
			assert_int_equal(zio_out_flush(zo), 0);
	}
	assert_int_equal(zio_out_close(zo), 0);
	assert_int_equal(zio_out_bytes(zo), sizeof text);
	zio_out_free(zo);

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(zio_in_open_fd(&zi, fd), 0);
	assert_false(zio_in_is_gzip(zi));
	assert_int_equal(read_all(zi, back, sizeof back, &got, 4096), 0);
	assert_int_equal(got, sizeof text);
	assert_memory_equal(back, text, got);
	assert_false(zio_in_truncated(zi));
	zio_in_free(zi); /* closes fd */
}

/* Write text as gzip through zio_out, with a sync flush every `every`
 * bytes; ends[k] / plain[k] receive the compressed size and the text
 * length at the k-th flush. Returns the number of flushes. */
static size_t write_gzip(int fd, const unsigned char *text, size_t len, size_t every,
			 uint64_t *ends, size_t *plain, size_t max)
{
	zio_out_t *zo;
	size_t k = 0;

	assert_int_equal(zio_out_open_fd(&zo, fd, true, false), 0);
	for (size_t i = 0; i < len; i += every) {
		size_t n = len - i < every ? len - i : every;
		assert_int_equal(zio_out_write(zo, text + i, n), 0);
		assert_int_equal(zio_out_flush(zo), 0);
		if (k < max) {
			ends[k] = zio_out_bytes(zo);
			plain[k] = i + n;
			k++;
		}
	}
	assert_int_equal(zio_out_close(zo), 0);
	zio_out_free(zo);
	return k;
}

static void test_gzip_roundtrip(void **state)
{
	static unsigned char text[1 << 20], back[(1 << 20) + 1];
	uint64_t rng = 12, ends[64];
	size_t plain[64], got, zlen;
	zio_in_t *zi;
	int fd = memfd();

	(void)state;
	make_text(&rng, text, sizeof text);
	write_gzip(fd, text, sizeof text, 100000, ends, plain, 64);
	unsigned char *z = fd_slurp(fd, &zlen);
	assert_int_equal(z[0], 0x1f);
	assert_int_equal(z[1], 0x8b);
	assert_true(zlen < sizeof text); /* it did compress */

	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(zio_in_open_fd(&zi, fd), 0);
	assert_true(zio_in_is_gzip(zi));
	assert_int_equal(read_all(zi, back, sizeof back, &got, 1000), 0);
	assert_int_equal(got, sizeof text);
	assert_memory_equal(back, text, got);
	assert_false(zio_in_truncated(zi));
	zio_in_free(zi);

	/* Two members concatenated (as `cat a.gz b.gz`) read as one stream. */
	unsigned char *two = malloc(2 * zlen);
	assert_non_null(two);
	memcpy(two, z, zlen);
	memcpy(two + zlen, z, zlen);
	assert_int_equal(zio_in_open_fd(&zi, memfd_with(two, 2 * zlen)), 0);
	unsigned char *back2 = malloc(2 * sizeof text + 1);
	assert_non_null(back2);
	assert_int_equal(read_all(zi, back2, 2 * sizeof text + 1, &got, 65536), 0);
	assert_int_equal(got, 2 * sizeof text);
	assert_memory_equal(back2, text, sizeof text);
	assert_memory_equal(back2 + sizeof text, text, sizeof text);
	assert_false(zio_in_truncated(zi));
	zio_in_free(zi);

	/* An empty gzip stream and an empty plain file: no data, no error. */
	int efd = memfd();
	write_gzip(efd, text, 0, 1, ends, plain, 64);
	assert_int_equal(lseek(efd, 0, SEEK_SET), 0);
	assert_int_equal(zio_in_open_fd(&zi, efd), 0);
	assert_true(zio_in_is_gzip(zi));
	assert_int_equal(zio_in_read(zi, back, 10), 0);
	assert_false(zio_in_truncated(zi));
	zio_in_free(zi);
	assert_int_equal(zio_in_open_fd(&zi, memfd()), 0);
	assert_false(zio_in_is_gzip(zi));
	assert_int_equal(zio_in_read(zi, back, 10), 0);
	zio_in_free(zi);

	free(back2);
	free(two);
	free(z);
}

/* How many bytes zlib itself inflates from z[0..len) in one call with
 * room to spare: everything inflatable from a cut stream. */
static size_t zlib_inflatable(const unsigned char *z, size_t len, size_t cap)
{
	z_stream zs = {0};
	unsigned char *out = malloc(cap);
	size_t n;

	assert_non_null(out);
	assert_int_equal(inflateInit2(&zs, 16 + MAX_WBITS), Z_OK);
	zs.next_in = (unsigned char *)(uintptr_t)z;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	int rc = inflate(&zs, Z_SYNC_FLUSH);
	assert_true(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
	n = cap - zs.avail_out;
	inflateEnd(&zs);
	free(out);
	return n;
}

/* Cut a flushed gzip file at every byte offset: what was flushed before
 * the cut reads back, the rest is a prefix of the original, truncation is
 * reported, nothing crashes or fails. */
static void test_gzip_cut_everywhere(void **state)
{
	unsigned char text[6000], back[6001];
	uint64_t rng = 13, ends[64];
	size_t plain[64], got, zlen;
	int fd = memfd();

	(void)state;
	make_text(&rng, text, sizeof text);
	size_t nflush = write_gzip(fd, text, sizeof text, 500, ends, plain, 64);
	unsigned char *z = fd_slurp(fd, &zlen);
	close(fd);

	for (size_t cut = 0; cut <= zlen; cut++) {
		zio_in_t *zi;
		/* Reads of one byte leave zlib's output pending mid-match, so
		 * the end of input must still drain it (every 5th cut). */
		size_t step = cut % 5 == 0 ? 1 : 777;
		assert_int_equal(zio_in_open_fd(&zi, memfd_with(z, cut)), 0);
		ssize_t rc = read_all(zi, back, sizeof back, &got, step);
		if (rc != 0)
			fail_msg("cut at %zu of %zu: read error %zd", cut, zlen, rc);
		assert_true(got <= sizeof text);
		assert_memory_equal(back, text, got);
		size_t must = 0; /* text flushed before the cut */
		for (size_t k = 0; k < nflush; k++)
			if (ends[k] <= cut)
				must = plain[k];
		if (got < must)
			fail_msg("cut at %zu: read %zu bytes, %zu were flushed before", cut, got, must);
		size_t all = cut < 2 ? 0 : zlib_inflatable(z, cut, sizeof text + 64);
		if (got != all)
			fail_msg("cut at %zu (reads of %zu): read %zu bytes, zlib inflates %zu",
				 cut, step, got, all);
		if (cut == 0) {
			assert_false(zio_in_truncated(zi)); /* an empty file */
		} else {
			assert_true(zio_in_is_gzip(zi));
			assert_int_equal(zio_in_truncated(zi), cut < zlen);
		}
		if (cut == zlen)
			assert_int_equal(got, sizeof text);
		zio_in_free(zi);
	}
	free(z);
}

static void test_gzip_corrupt(void **state)
{
	unsigned char text[20000], back[40000];
	uint64_t rng = 14, ends[4];
	size_t plain[4], got, zlen;
	int fd = memfd();

	(void)state;
	make_text(&rng, text, sizeof text);
	write_gzip(fd, text, sizeof text, sizeof text, ends, plain, 4);
	unsigned char *z = fd_slurp(fd, &zlen);
	close(fd);

	/* A flipped byte in the body or the trailer (CRC, length). */
	size_t spots[] = {12, zlen / 2, zlen - 6, zlen - 2};
	for (size_t k = 0; k < sizeof spots / sizeof *spots; k++) {
		zio_in_t *zi;
		z[spots[k]] ^= 0x55;
		assert_int_equal(zio_in_open_fd(&zi, memfd_with(z, zlen)), 0);
		ssize_t rc = read_all(zi, back, sizeof back, &got, 4096);
		if (rc != -EBADMSG)
			fail_msg("corrupt byte at %zu: got %zd, want -EBADMSG", spots[k], rc);
		/* The error is sticky. */
		assert_int_equal(zio_in_read(zi, back, 10), -EBADMSG);
		zio_in_free(zi);
		z[spots[k]] ^= 0x55;
	}
	/* Garbage after a complete member. */
	unsigned char *g = malloc(zlen + 5);
	assert_non_null(g);
	memcpy(g, z, zlen);
	memcpy(g + zlen, "junk\n", 5);
	zio_in_t *zi;
	assert_int_equal(zio_in_open_fd(&zi, memfd_with(g, zlen + 5)), 0);
	assert_int_equal(read_all(zi, back, sizeof back, &got, 4096), -EBADMSG);
	assert_int_equal(got, sizeof text);
	zio_in_free(zi);
	free(g);
	free(z);
}

/* A pipe fed one byte per write(): the gzip sniffing copes with short
 * reads, and stdin-like input works. */
static void test_gzip_from_pipe(void **state)
{
	unsigned char text[3000], back[3001];
	uint64_t rng = 15, ends[2];
	size_t plain[2], got, zlen;
	int fd = memfd(), p[2];
	pid_t pid;

	(void)state;
	make_text(&rng, text, sizeof text);
	write_gzip(fd, text, sizeof text, sizeof text, ends, plain, 2);
	unsigned char *z = fd_slurp(fd, &zlen);
	close(fd);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		for (size_t i = 0; i < zlen; i++)
			if (syscall(SYS_write, p[1], z + i, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	zio_in_t *zi;
	assert_int_equal(zio_in_open_fd(&zi, p[0]), 0);
	assert_true(zio_in_is_gzip(zi));
	assert_int_equal(read_all(zi, back, sizeof back, &got, 100), 0);
	assert_int_equal(got, sizeof text);
	assert_memory_equal(back, text, got);
	assert_false(zio_in_truncated(zi));
	zio_in_free(zi);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	free(z);
}

/* ENOSPC from /dev/full: reported at the first write to the fd, sticky,
 * and returned by close. */
static void test_write_error_sticky(void **state)
{
	(void)state;
	for (int gz = 0; gz < 2; gz++) {
		int fd = open("/dev/full", O_WRONLY);
		zio_out_t *zo;
		assert_true(fd >= 0);
		assert_int_equal(zio_out_open_fd(&zo, fd, gz, true), 0);
		assert_int_equal(zio_out_write(zo, "hello\n", 6), 0); /* buffered */
		assert_int_equal(zio_out_flush(zo), -ENOSPC);
		assert_int_equal(zio_out_write(zo, "more\n", 5), -ENOSPC);
		assert_int_equal(zio_out_flush(zo), -ENOSPC);
		assert_int_equal(zio_out_close(zo), -ENOSPC);
		assert_int_equal(zio_out_bytes(zo), 0);
		zio_out_free(zo);
	}
}

/* Partial writes and EINTR (forced by the write() above) lose nothing. */
static void test_partial_writes(void **state)
{
	unsigned char text[50000];
	uint64_t rng = 16;
	size_t len;

	(void)state;
	make_text(&rng, text, sizeof text);
	for (int gz = 0; gz < 2; gz++) {
		int fd = memfd();
		zio_out_t *zo;
		assert_int_equal(zio_out_open_fd(&zo, fd, gz, false), 0);
		fake_write_fd = fd;
		fake_calls = 0;
		for (size_t i = 0; i < sizeof text; i += 5000) {
			assert_int_equal(zio_out_write(zo, text + i, 5000), 0);
			assert_int_equal(zio_out_flush(zo), 0);
		}
		assert_int_equal(zio_out_close(zo), 0);
		fake_write_fd = -1;
		assert_true(fake_calls > 100); /* the disturbance did happen */
		unsigned char *out = fd_slurp(fd, &len);
		assert_int_equal(zio_out_bytes(zo), len);
		zio_out_free(zo);

		zio_in_t *zi;
		unsigned char back[sizeof text + 1];
		size_t got;
		assert_int_equal(zio_in_open_fd(&zi, memfd_with(out, len)), 0);
		assert_int_equal(zio_in_is_gzip(zi), gz);
		assert_int_equal(read_all(zi, back, sizeof back, &got, 8192), 0);
		assert_int_equal(got, sizeof text);
		assert_memory_equal(back, text, got);
		zio_in_free(zi);
		free(out);
		close(fd);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_roundtrip),
		cmocka_unit_test(test_gzip_roundtrip),
		cmocka_unit_test(test_gzip_cut_everywhere),
		cmocka_unit_test(test_gzip_corrupt),
		cmocka_unit_test(test_gzip_from_pipe),
		cmocka_unit_test(test_write_error_sticky),
		cmocka_unit_test(test_partial_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
