/* cast_writer: asciicast v2/v3 output, one event a line, plain or gzip.
 *
 * The hot path (an event of ordinary size) formats straight into one
 * internal buffer: hand-made time digits, then the escaped code and data,
 * with no allocation. The buffer goes to zio_out when it is full and at
 * each flush; a full buffer is handed over without a copy. Events too big
 * for the buffer, and data that is not valid UTF-8, take a slower path
 * that works in bounded pieces. */
#include "tracecast/cast_writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/jstr.h"
#include "tracecast/utf8.h"
#include "tracecast/zio.h"

#define CW_BUF (256 * 1024)
#define CW_LINE_EXTRA 64   /* '[', time, separators, "]\n" */
#define CW_REPAIR_CHUNK 4096

struct cast_writer {
	zio_out_t *zo;
	int version;
	int err;             /* sticky -errno of the output */
	bool header_done;
	bool closed;
	int64_t last_ns;     /* time of the last event written (after clamping) */
	int64_t last_us;     /* the same rounded to the microsecond */
	unsigned long clamped;
	char *buf;
	size_t len;
};

/* Nanoseconds to microseconds, rounded half up; negative gives 0. */
static int64_t cw_round_us(int64_t ns)
{
	if (ns <= 0)
		return 0;
	return ns / 1000 + (ns % 1000 >= 500);
}

/* Write us (>= 0) as seconds with 6 decimals; returns the length. */
static size_t cw_format_us(char *buf, int64_t us)
{
	char tmp[24];
	uint64_t sec = (uint64_t)us / 1000000, frac = (uint64_t)us % 1000000;
	size_t n = 0, k = 0;

	do {
		tmp[k++] = (char)('0' + sec % 10);
		sec /= 10;
	} while (sec);
	while (k)
		buf[n++] = tmp[--k];
	buf[n++] = '.';
	for (int d = 5; d >= 0; d--) {
		buf[n + (size_t)d] = (char)('0' + frac % 10);
		frac /= 10;
	}
	n += 6;
	buf[n] = '\0';
	return n;
}

size_t cast_format_time(char *buf, int64_t time_ns)
{
	return cw_format_us(buf, cw_round_us(time_ns));
}

/* Record an output error (the first one sticks) and return it. */
static int cw_fail(cast_writer_t *w, int ret)
{
	if (!w->err)
		w->err = ret;
	return w->err;
}

/* Hand the buffer to zio_out. */
static int cw_drain(cast_writer_t *w)
{
	int ret;

	if (!w->len)
		return 0;
	ret = zio_out_write(w->zo, w->buf, w->len);
	w->len = 0;
	return ret < 0 ? cw_fail(w, ret) : 0;
}

/* Make at least n (<= CW_BUF) bytes free in the buffer. */
static int cw_reserve(cast_writer_t *w, size_t n)
{
	return CW_BUF - w->len < n ? cw_drain(w) : 0;
}

static int cw_put_raw(cast_writer_t *w, const char *s, size_t n)
{
	int ret;

	if (n > CW_BUF) { /* (a huge header) straight to zio_out */
		if ((ret = cw_drain(w)) < 0)
			return ret;
		ret = zio_out_write(w->zo, s, n);
		return ret < 0 ? cw_fail(w, ret) : 0;
	}
	if ((ret = cw_reserve(w, n)) < 0)
		return ret;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	return 0;
}

/* Escape valid UTF-8 s[0..n) into the buffer, in pieces that fit. Pieces
 * may split a multibyte sequence: escaping works byte by byte. */
static int cw_put_escaped(cast_writer_t *w, const char *s, size_t n)
{
	while (n) {
		if (CW_BUF - w->len < JSTR_ESCAPE_MAX(64) && cw_drain(w) < 0)
			return w->err;
		size_t room = (CW_BUF - w->len) / 6;
		size_t take = n < room ? n : room;
		w->len += jstr_escape(w->buf + w->len, s, take);
		s += take;
		n -= take;
	}
	return 0;
}

/* Escape s[0..n), replacing invalid UTF-8 by U+FFFD first. */
static int cw_put_text(cast_writer_t *w, const char *s, size_t n)
{
	char fixed[UTF8_REPAIR_MAX(CW_REPAIR_CHUNK)];
	utf8_carry_t carry;

	if (utf8_valid(s, n))
		return cw_put_escaped(w, s, n);
	utf8_carry_init(&carry);
	do {
		size_t take = n < CW_REPAIR_CHUNK ? n : CW_REPAIR_CHUNK;
		size_t m = utf8_repair(&carry, s, take, fixed, take == n);
		if (cw_put_escaped(w, fixed, m) < 0)
			return w->err;
		s += take;
		n -= take;
	} while (n);
	return 0;
}

int cast_writer_open_fd(cast_writer_t **out, int fd, const cast_writer_opts_t *opts)
{
	cast_writer_opts_t dflt = {0};
	cast_writer_t *w;
	int ret;

	*out = NULL;
	if (!opts)
		opts = &dflt;
	if (opts->version != 0 && opts->version != 2 && opts->version != 3)
		return -EINVAL;
	w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->version = opts->version ? opts->version : 2;
	w->buf = malloc(CW_BUF);
	if (!w->buf) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = zio_out_open_fd(&w->zo, fd, opts->gzip, opts->close_fd);
	if (ret < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	free(w->buf);
	free(w);
	return ret;
}

/* Digits (15..17) a real needs to read back exactly (jansson's default,
 * 17, writes 0.1 as 0.10000000000000001). */
static int cw_real_digits(double v)
{
	char buf[40];

	for (int d = 15; d < 17; d++) {
		snprintf(buf, sizeof buf, "%.*g", d, v);
		if (strtod(buf, NULL) == v)
			return d;
	}
	return 17;
}

/* The most digits any real in j needs (15 when there is none). */
static int cw_json_digits(const json_t *j)
{
	int d = 15, k;

	if (json_is_real(j))
		return cw_real_digits(json_real_value(j));
	if (json_is_array(j)) {
		for (size_t i = 0; i < json_array_size(j); i++)
			if ((k = cw_json_digits(json_array_get(j, i))) > d)
				d = k;
	} else if (json_is_object(j)) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)(uintptr_t)j, key, v)
			if ((k = cw_json_digits(v)) > d)
				d = k;
	}
	return d;
}

int cast_writer_header(cast_writer_t *w, const json_t *header)
{
	char *text;
	int ret;

	if (w->err)
		return w->err;
	if (w->closed)
		return -EBADF;
	if (w->header_done || !json_is_object(header))
		return -EINVAL;
	/* No JSON_COMPACT: ", " and ": " separators on one line, as asciinema;
	 * reals with the fewest digits that read back exactly. */
	text = json_dumps(header, JSON_PRESERVE_ORDER |
				  JSON_REAL_PRECISION(cw_json_digits(header)));
	if (!text)
		return -ENOMEM;
	ret = cw_put_raw(w, text, strlen(text));
	if (ret == 0)
		ret = cw_put_raw(w, "\n", 1);
	free(text);
	if (ret < 0)
		return ret;
	w->header_done = true;
	/* The file is a valid recording from here on. */
	return cast_writer_flush(w);
}

int cast_writer_event(cast_writer_t *w, int64_t time_ns, const char *code,
		      const char *data, size_t len)
{
	size_t clen, need;
	int64_t us, shown;
	char *o;

	if (w->err)
		return w->err;
	if (w->closed)
		return -EBADF;
	if (!w->header_done)
		return -EINVAL;
	if (time_ns < w->last_ns) { /* also negative times: last_ns starts at 0 */
		time_ns = w->last_ns;
		w->clamped++;
	}
	w->last_ns = time_ns;
	us = cw_round_us(time_ns);
	shown = w->version == 3 ? us - w->last_us : us;
	w->last_us = us;

	clen = strlen(code);
	need = CW_LINE_EXTRA + JSTR_ESCAPE_MAX(clen) + JSTR_ESCAPE_MAX(len);
	if (need <= CW_BUF) {
		/* Fast path: the whole line at once into the buffer, escaped
		 * and checked for valid UTF-8 in one pass. */
		long n;
		if (cw_reserve(w, need) < 0)
			return w->err;
		o = w->buf + w->len;
		*o++ = '[';
		o += cw_format_us(o, shown);
		memcpy(o, ", \"", 3);
		o += 3;
		if ((n = jstr_escape_valid(o, code, clen)) >= 0) {
			o += n;
			memcpy(o, "\", \"", 4);
			o += 4;
			if ((n = jstr_escape_valid(o, data, len)) >= 0) {
				o += n;
				memcpy(o, "\"]\n", 3);
				o += 3;
				w->len = (size_t)(o - w->buf);
				return 0;
			}
		}
		/* Invalid UTF-8: drop the partial line, take the slow path. */
	}
	/* Slow path: big events, or text needing repair. */
	char head[40];
	head[0] = '[';
	size_t n = 1 + cw_format_us(head + 1, shown);
	memcpy(head + n, ", \"", 3);
	if (cw_put_raw(w, head, n + 3) < 0 || cw_put_text(w, code, clen) < 0 ||
	    cw_put_raw(w, "\", \"", 4) < 0 || cw_put_text(w, data, len) < 0 ||
	    cw_put_raw(w, "\"]\n", 3) < 0)
		return w->err;
	return 0;
}

int cast_writer_flush(cast_writer_t *w)
{
	int ret;

	if (w->err)
		return w->err;
	if (w->closed)
		return -EBADF;
	if ((ret = cw_drain(w)) < 0)
		return ret;
	ret = zio_out_flush(w->zo);
	return ret < 0 ? cw_fail(w, ret) : 0;
}

int cast_writer_close(cast_writer_t *w)
{
	int ret;

	if (w->closed)
		return w->err;
	if (!w->err)
		cw_drain(w);
	/* zio_out_close closes an owned fd even after an error. */
	ret = zio_out_close(w->zo);
	if (ret < 0)
		cw_fail(w, ret);
	w->closed = true;
	return w->err;
}

int cast_writer_error(const cast_writer_t *w)
{
	return w->err;
}

uint64_t cast_writer_bytes(const cast_writer_t *w)
{
	return zio_out_bytes(w->zo);
}

unsigned long cast_writer_clamped(const cast_writer_t *w)
{
	return w->clamped;
}

void cast_writer_free(cast_writer_t *w)
{
	if (!w)
		return;
	if (!w->closed)
		cast_writer_close(w);
	zio_out_free(w->zo);
	free(w->buf);
	free(w);
}
