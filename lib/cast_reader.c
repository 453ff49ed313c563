/* cast_reader: one API for asciicast v1, v2 and v3, plain or gzip.
 *
 * v2/v3 are streamed: a read buffer (READ_CHUNK, grown only for a longer
 * line, up to MAX_LINE) is searched for '\n' with memchr, and each event
 * line goes first to the castline scanner, which decodes in place into a
 * reusable buffer; only the header and declined lines go through jansson.
 *
 * v1 is one JSON object, loaded whole (up to MAX_V1) but never parsed
 * whole: the "stdout" array is found by a linear walk, the header is
 * parsed by jansson with that array's inside blanked (same length, so
 * jansson's lines and columns stay true), and each frame is parsed on its
 * own when it is read. Every step is linear in the file.
 *
 * Limits (a hostile file meets them, a real one does not): a line, hence
 * an event, of at most MAX_LINE bytes; times clamped to CAST_TIME_MAX_NS;
 * an idle_time_limit clamped likewise. Each refusal names FILE:LINE.
 *
 * Times: every time token is converted from its decimal text by
 * castline_parse_time(), also on the jansson paths (the token is located in
 * the line's text, which jansson has already validated), so a line gives
 * the same nanoseconds whichever path parsed it. v3 intervals and v1 delays
 * are summed in integer nanoseconds, with saturation. */
#include "tracecast/cast_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracecast/castline.h"
#include "tracecast/jstr.h"
#include "tracecast/zio.h"

#define READ_CHUNK ((size_t)256 * 1024)
#define MAX_LINE ((size_t)16 << 20)  /* longest line (event) we agree to buffer */
#define MAX_V1 ((size_t)256 << 20)   /* largest v1 file we load */
#define JFLAGS (JSON_ALLOW_NUL | JSON_DECODE_ANY)

/* Internal result of parsing a line: the last line was cut. */
#define LINE_CUT 2

struct cast_reader {
	zio_in_t *z;
	char source[CAST_ERROR_SOURCE];
	cast_header_t hdr;
	cast_warn_fn warn_fn;
	void *warn_user;
	unsigned long warnings;
	/* input buffer: bytes [pos, end) not consumed; [pos, scanned) has no
	 * '\n'; keep = never discard consumed bytes (while opening) */
	char *buf;
	size_t cap, pos, end, scanned;
	bool eof, keep;
	char *dec; /* decoded code and data of the current event */
	size_t dec_cap;
	unsigned long line; /* lines consumed */
	uint64_t offset;    /* bytes consumed */
	int64_t clock_ns;   /* v1/v3 running sum */
	bool done, truncated;
	/* v1: the whole text stays in buf; the next frame is at v1_pos;
	 * buf[v1_line_at] is at line v1_line, column v1_col */
	size_t v1_pos, v1_line_at;
	unsigned long v1_line, v1_col;
	bool time_warned;
	char raw_code[8];   /* events of this code are handed out raw; "" none */
};

static inline bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool is_numchar(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' ||
	       c == 'e' || c == 'E';
}

static size_t skip_ws(const char *t, size_t len, size_t p)
{
	while (p < len && is_ws(t[p]))
		p++;
	return p;
}

/* 1-based character (not byte) column of t[off] in the line starting at
 * t[0], counted as jansson counts: UTF-8 lead bytes. */
static unsigned long char_column(const char *t, size_t off)
{
	unsigned long col = 1;

	for (size_t i = 0; i < off; i++)
		col += ((unsigned char)t[i] & 0xc0) != 0x80;
	return col;
}

static void reader_warn(cast_reader_t *r, unsigned long line, unsigned long col,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Count a warning and hand it to the callback. */
static void reader_warn(cast_reader_t *r, unsigned long line, unsigned long col,
			const char *fmt, ...)
{
	cast_error_t w;
	va_list ap;

	r->warnings++;
	if (!r->warn_fn)
		return;
	cast_error_set(&w, r->source, line, col, "%s", "");
	va_start(ap, fmt);
	vsnprintf(w.text, sizeof w.text, fmt, ap);
	va_end(ap);
	r->warn_fn(r->warn_user, &w);
}

/* --- a minimal walker over JSON text that jansson has already accepted,
 * used only to find where values start (for times and error places) --- */

/* Offset just past the value starting at t[p]. */
static size_t walk_value(const char *t, size_t len, size_t p)
{
	int depth = 0;

	do {
		if (p >= len)
			return len;
		char c = t[p];
		if (c == '"') {
			for (p++; p < len && t[p] != '"'; p++)
				if (t[p] == '\\')
					p++;
			p++;
		} else if (c == '[' || c == '{') {
			depth++;
			p++;
		} else if (c == ']' || c == '}') {
			depth--;
			p++;
		} else if (is_ws(c) || c == ',' || c == ':') {
			p++;
		} else {
			while (p < len && t[p] != ',' && t[p] != ']' && t[p] != '}' &&
			       !is_ws(t[p]))
				p++;
		}
	} while (depth > 0);
	return p > len ? len : p;
}

/* Record the start of each element of the array at t[p] (up to max);
 * returns the element count. */
static size_t walk_array(const char *t, size_t len, size_t p, size_t *offs, size_t max)
{
	size_t n = 0;

	for (p++;;) {
		p = skip_ws(t, len, p);
		if (p >= len || t[p] == ']')
			return n;
		if (n < max)
			offs[n] = p;
		n++;
		p = skip_ws(t, len, walk_value(t, len, p));
		if (p < len && t[p] == ',')
			p++;
	}
}

/* Find the value of the last top-level key "stdout" of the object text. */
static bool walk_find_stdout(const char *t, size_t len, size_t *at)
{
	size_t p = skip_ws(t, len, 0);
	bool found = false;

	if (p >= len || t[p] != '{')
		return false;
	for (p++;;) {
		size_t ks, ke;
		char key[72];
		bool is_stdout = false;

		p = skip_ws(t, len, p);
		if (p >= len || t[p] != '"')
			return found;
		ks = p + 1;
		p = walk_value(t, len, p);
		ke = p - 1;
		if (ke >= ks && ke - ks <= 64) {
			long n = jstr_unescape(key, t + ks, ke - ks, NULL);
			is_stdout = n == 6 && memcmp(key, "stdout", 6) == 0;
		}
		p = skip_ws(t, len, p);
		if (p < len && t[p] == ':')
			p++;
		p = skip_ws(t, len, p);
		if (is_stdout) {
			*at = p;
			found = true;
		}
		p = skip_ws(t, len, walk_value(t, len, p));
		if (p < len && t[p] == ',')
			p++;
	}
}

/* The time token of the array at t[p]: its first element's text. */
static int time_from_text(const char *t, size_t len, size_t p, int64_t *ns)
{
	size_t s, e;

	p = skip_ws(t, len, p);
	if (p >= len || t[p] != '[')
		return -1;
	s = e = skip_ws(t, len, p + 1);
	while (e < len && is_numchar(t[e]))
		e++;
	return castline_parse_time(t + s, e - s, ns);
}

/* --- input --- */

/* Read more input after end, growing the buffer when it is full.
 * Returns bytes read, 0 at the end, or -errno. */
static ssize_t reader_fill(cast_reader_t *r)
{
	ssize_t n;

	if (!r->keep && r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->scanned -= r->pos;
		r->pos = 0;
	}
	if (r->end == r->cap) {
		size_t ncap = r->cap * 2;
		char *nb;
		/* only a v1 file (a JSON object, kept whole while opening) may
		 * be longer than a line */
		size_t p0 = skip_ws(r->buf, r->end, 0);
		size_t max = r->keep && p0 < r->end && r->buf[p0] == '{' ? MAX_V1 : MAX_LINE;
		if (r->cap >= max)
			return r->keep && max == MAX_V1 ? -E2BIG : -EFBIG;
		nb = realloc(r->buf, ncap);
		if (!nb)
			return -ENOMEM;
		r->buf = nb;
		r->cap = ncap;
	}
	n = zio_in_read(r->z, r->buf + r->end, r->cap - r->end);
	if (n > 0)
		r->end += (size_t)n;
	else if (n == 0)
		r->eof = true;
	return n;
}

/* Next line (without '\n') into *line and *len; *complete is false for a last
 * line without newline. Returns 1, 0 at the end, or -errno. */
static int reader_line(cast_reader_t *r, char **line, size_t *len, bool *complete)
{
	for (;;) {
		char *nl = memchr(r->buf + r->scanned, '\n', r->end - r->scanned);
		if (nl) {
			*line = r->buf + r->pos;
			*len = (size_t)(nl - *line);
			*complete = true;
			r->pos = r->scanned = (size_t)(nl - r->buf) + 1;
			r->offset += *len + 1;
			r->line++;
			return 1;
		}
		r->scanned = r->end;
		if (r->eof) {
			if (r->pos == r->end)
				return 0;
			*line = r->buf + r->pos;
			*len = r->end - r->pos;
			*complete = false;
			r->pos = r->scanned = r->end;
			r->offset += *len;
			r->line++;
			return 1;
		}
		ssize_t n = reader_fill(r);
		if (n < 0)
			return (int)n;
	}
}

static bool line_blank(const char *s, size_t len)
{
	return skip_ws(s, len, 0) == len;
}

/* Make the decode buffer hold at least need bytes. */
static int reader_dec_reserve(cast_reader_t *r, size_t need)
{
	char *nb;
	size_t ncap;

	if (need <= r->dec_cap)
		return 0;
	ncap = r->dec_cap ? r->dec_cap : 4096;
	while (ncap < need)
		ncap *= 2;
	nb = realloc(r->dec, ncap);
	if (!nb)
		return -ENOMEM;
	r->dec = nb;
	r->dec_cap = ncap;
	return 0;
}

static int io_error(cast_reader_t *r, int rc, cast_error_t *err)
{
	r->done = true;
	if (rc == -EBADMSG)
		cast_error_set(err, r->source, r->line + 1, 0,
			       "corrupt gzip data: the file is damaged, not only cut");
	else if (rc == -EFBIG)
		cast_error_set(err, r->source, r->line + 1, 0,
			       "line longer than %zu MiB: refused (not an asciicast file, or an event no recorder writes)",
			       MAX_LINE >> 20);
	else if (rc == -E2BIG)
		cast_error_set(err, r->source, 1, 1, "v1 file larger than %zu MiB: refused (convert it in pieces)",
			       MAX_V1 >> 20);
	else
		cast_error_set(err, r->source, r->line + 1, 0, "read error: %s", strerror(-rc));
	return rc;
}

/* --- header --- */

/* A width or height: an integer 0..65535 (0 = unknown, see header_fill). */
static bool size_value(json_t *v, unsigned *out)
{
	double d;

	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		if (i < 0 || i > 65535)
			return false;
		*out = (unsigned)i;
		return true;
	}
	if (!json_is_real(v))
		return false;
	d = json_real_value(v);
	if (!(d >= 0 && d <= 65535) || d != (double)(unsigned)d)
		return false;
	*out = (unsigned)d;
	return true;
}

/* Fill r->hdr from the header object j (ownership passes to r). */
static int header_fill(cast_reader_t *r, json_t *j, int version, unsigned long line,
		       cast_error_t *err)
{
	cast_header_t *h = &r->hdr;
	json_t *dims = j, *v;
	const char *wk = "width", *hk = "height";

	h->version = version;
	h->json = j;
	if (version == 3) {
		dims = json_object_get(j, "term");
		wk = "cols";
		hk = "rows";
		if (!json_is_object(dims)) {
			cast_error_set(err, r->source, line, 1,
				       "v3 header has no \"term\" object with cols and rows");
			return CAST_ERR_SYNTAX;
		}
	}
	if (!size_value(json_object_get(dims, wk), &h->width) ||
	    !size_value(json_object_get(dims, hk), &h->height)) {
		cast_error_set(err, r->source, line, 1,
			       "header: %s%s and %s%s must be integers from 1 to 65535",
			       version == 3 ? "term." : "", wk, version == 3 ? "term." : "", hk);
		return CAST_ERR_SYNTAX;
	}
	/* asciinema 2.2 writes 0x0 when it records without a terminal; it and
	 * its web player play those at 80x24 */
	if (h->width == 0 && h->height == 0) {
		h->width = 80;
		h->height = 24;
		h->size_defaulted = true;
	} else if (h->width == 0 || h->height == 0) {
		cast_error_set(err, r->source, line, 1,
			       "header: %s%s and %s%s must be integers from 1 to 65535 (or both 0)",
			       version == 3 ? "term." : "", wk, version == 3 ? "term." : "", hk);
		return CAST_ERR_SYNTAX;
	}
	/* a size beyond CAST_MAX_COLS x CAST_MAX_ROWS is kept as read (convert
	 * writes it back); players draw at most that, and info says so */
	v = json_object_get(j, "timestamp");
	if (json_is_integer(v)) {
		h->has_timestamp = true;
		h->timestamp = json_integer_value(v);
	} else if (json_is_real(v) && json_real_value(v) > -9e18 && json_real_value(v) < 9e18) {
		h->has_timestamp = true;
		h->timestamp = (int64_t)json_real_value(v);
	}
	v = json_object_get(j, "idle_time_limit");
	if (json_is_number(v) && json_number_value(v) > 0) {
		double lim = json_number_value(v), max = (double)(CAST_TIME_MAX_NS / CAST_NS_PER_SEC);
		h->has_idle_time_limit = true;
		h->idle_time_limit = lim < max ? lim : max;
	}
	h->title = json_string_value(json_object_get(j, "title"));
	h->command = json_string_value(json_object_get(j, "command"));
	return 0;
}

/* json_load_callback source: the v1 text with the inside of the "stdout"
 * array [skip_a, skip_b) blanked (newlines kept: jansson's places stay). */
typedef struct v1_src {
	const char *t;
	size_t len, pos, skip_a, skip_b;
} v1_src_t;

static size_t v1_src_read(void *buf, size_t size, void *data)
{
	v1_src_t *v = data;
	char *o = buf;
	size_t n = 0;

	while (n < size && v->pos < v->len) {
		char c = v->t[v->pos++];
		o[n++] = (v->pos > v->skip_a && v->pos <= v->skip_b && c != '\n') ? ' ' : c;
	}
	return n;
}

/* Load the rest of the input and read its header as one v1 object; the
 * frames are parsed one by one by v1_next. */
static int open_v1(cast_reader_t *r, cast_error_t *err)
{
	json_error_t je;
	json_t *j, *ver;
	size_t at = 0, end;
	ssize_t n;
	int rc;

	while (!r->eof)
		if ((n = reader_fill(r)) < 0)
			return io_error(r, (int)n, err);
	r->offset = r->end;
	v1_src_t src = { r->buf, r->end, 0, 0, 0 };
	if (walk_find_stdout(r->buf, r->end, &at) && at < r->end && r->buf[at] == '[') {
		end = walk_value(r->buf, r->end, at);
		src.skip_a = at + 1;
		src.skip_b = end > at + 1 ? end - 1 : at + 1;
	}
	j = json_load_callback(v1_src_read, &src, JFLAGS, &je);
	if (!j) {
		cast_error_set(err, r->source, je.line > 0 ? (unsigned long)je.line : 1,
			       je.column > 0 ? (unsigned long)je.column : 1,
			       "not an asciicast file: invalid JSON: %s", je.text);
		return CAST_ERR_SYNTAX;
	}
	ver = json_object_get(j, "version");
	if (!json_is_object(j) || !json_is_integer(ver) || json_integer_value(ver) != 1) {
		cast_error_set(err, r->source, 1, 1,
			       json_is_integer(ver) ? "unsupported asciicast version (v2/v3 headers must be on one line)"
						    : "not an asciicast file: no \"version\" in the header");
		json_decref(j);
		return CAST_ERR_SYNTAX;
	}
	if (!json_is_array(json_object_get(j, "stdout")) || !src.skip_a) {
		cast_error_set(err, r->source, 1, 1, "v1 file has no \"stdout\" array");
		json_decref(j);
		return CAST_ERR_SYNTAX;
	}
	json_object_del(j, "stdout");
	if ((rc = header_fill(r, j, 1, 1, err)) < 0)
		return rc;
	r->v1_pos = at + 1;
	r->v1_line = r->v1_col = 1;
	return 0;
}

/* Read the first non-blank line and decide the format. */
static int reader_start(cast_reader_t *r, cast_error_t *err)
{
	json_error_t je;
	json_t *j = NULL, *ver;
	char *line;
	size_t len;
	bool complete;
	int rc;

	r->keep = true;
	do {
		rc = reader_line(r, &line, &len, &complete);
		if (rc < 0)
			return io_error(r, rc, err);
		if (rc == 0) {
			cast_error_set(err, r->source, 1, 0, "empty file: no asciicast header");
			return CAST_ERR_SYNTAX;
		}
	} while (line_blank(line, len));
	j = json_loadb(line, len, JFLAGS, &je);
	ver = json_object_get(j, "version");
	if (json_is_object(j) && json_is_integer(ver) &&
	    (json_integer_value(ver) == 2 || json_integer_value(ver) == 3)) {
		r->keep = false;
		return header_fill(r, j, (int)json_integer_value(ver), r->line, err);
	}
	if (!j && line[skip_ws(line, len, 0)] != '{') {
		cast_error_set(err, r->source, r->line, je.column > 0 ? (unsigned long)je.column : 1,
			       "not an asciicast file: invalid JSON: %s", je.text);
		return CAST_ERR_SYNTAX;
	}
	if (j && !(json_is_integer(ver) && json_integer_value(ver) == 1)) {
		if (!json_is_object(j))
			cast_error_set(err, r->source, r->line, 1,
				       "not an asciicast file: the header is not a JSON object");
		else if (json_is_integer(ver))
			cast_error_set(err, r->source, r->line, 1, "unsupported asciicast version %lld",
				       (long long)json_integer_value(ver));
		else
			cast_error_set(err, r->source, r->line, 1,
				       "not an asciicast file: no \"version\" in the header");
		json_decref(j);
		return CAST_ERR_SYNTAX;
	}
	json_decref(j);
	return open_v1(r, err);
}

int cast_reader_open_fd(cast_reader_t **out, int fd, const char *name, cast_error_t *err)
{
	cast_reader_t *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r) {
		close(fd);
		cast_error_set(err, name, 0, 0, "out of memory");
		return -ENOMEM;
	}
	snprintf(r->source, sizeof r->source, "%s", name ? name : "");
	rc = zio_in_open_fd(&r->z, fd);
	if (rc < 0) {
		close(fd); /* zio_in_open_fd does not close it on failure */
		cast_error_set(err, r->source, 0, 0, "cannot read: %s", strerror(-rc));
		goto fail;
	}
	r->cap = READ_CHUNK;
	r->buf = malloc(r->cap);
	if (!r->buf || reader_dec_reserve(r, 4096) < 0) {
		rc = -ENOMEM;
		cast_error_set(err, r->source, 0, 0, "out of memory");
		goto fail;
	}
	rc = reader_start(r, err);
	if (rc < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	cast_reader_free(r);
	return rc;
}

int cast_reader_open(cast_reader_t **out, const char *path, cast_error_t *err)
{
	int fd;

	*out = NULL;
	if (strcmp(path, "-") == 0)
		fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3); /* keep our stdin open */
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		cast_error_set(err, path, 0, 0, "cannot open: %s", strerror(e));
		return -e;
	}
	return cast_reader_open_fd(out, fd, path, err);
}

void cast_reader_set_warn(cast_reader_t *r, cast_warn_fn fn, void *user)
{
	r->warn_fn = fn;
	r->warn_user = user;
}

const cast_header_t *cast_reader_header(const cast_reader_t *r)
{
	return &r->hdr;
}

/* --- events --- */

/* The end of the input: report a gzip stream without its trailer. */
static int reader_finish(cast_reader_t *r)
{
	if (r->done)
		return 0;
	r->done = true;
	if (!r->truncated && zio_in_truncated(r->z)) {
		r->truncated = true;
		reader_warn(r, r->line, 0,
			    "gzip stream is truncated (no trailer) after %llu decompressed bytes: read up to the cut",
			    (unsigned long long)r->offset);
	}
	return 0;
}

/* Add a v1 delay or v3 interval to the clock, saturating at the bound. */
static void clock_add(cast_reader_t *r, int64_t d)
{
	r->clock_ns = cast_time_add(r->clock_ns, d);
	if (r->clock_ns > CAST_TIME_MAX_NS)
		r->clock_ns = CAST_TIME_MAX_NS;
}

/* Clamp an event time at the input boundary (warned about once). */
static int64_t time_clamp(cast_reader_t *r, int64_t t)
{
	if (t <= CAST_TIME_MAX_NS)
		return t;
	if (!r->time_warned) {
		r->time_warned = true;
		reader_warn(r, r->line, 1, "event time beyond %lld s: clamped (and every later one)",
			    (long long)(CAST_TIME_MAX_NS / CAST_NS_PER_SEC));
	}
	return CAST_TIME_MAX_NS;
}

/* The next v1 "stdout" frame [delay, data] as an "o" event. */
static int v1_next(cast_reader_t *r, cast_event_t *ev, cast_error_t *err)
{
	json_error_t je;
	json_t *f = NULL, *d;
	size_t off, fend;
	int64_t ns;
	int rc = CAST_ERR_SYNTAX;

	off = r->v1_pos = skip_ws(r->buf, r->end, r->v1_pos);
	if (off >= r->end || r->buf[off] == ']')
		return reader_finish(r);
	/* line and column of the frame, counted once over the text */
	for (; r->v1_line_at < off; r->v1_line_at++) {
		unsigned char c = (unsigned char)r->buf[r->v1_line_at];
		if (c == '\n') {
			r->v1_line++;
			r->v1_col = 1;
		} else {
			r->v1_col += (c & 0xc0) != 0x80;
		}
	}
	unsigned long col = r->v1_col;
	fend = walk_value(r->buf, r->end, off);
	/* past the frame: ',' goes on, ']' ends, anything else is the end too */
	r->v1_pos = skip_ws(r->buf, r->end, fend);
	if (r->v1_pos < r->end && r->buf[r->v1_pos] == ',')
		r->v1_pos++;
	else
		r->v1_pos = r->end;
	const char *what = NULL;
	f = json_loadb(r->buf + off, fend - off, JFLAGS, &je);
	if (!f)
		what = "stdout frame is not valid JSON";
	else if (!json_is_array(f))
		what = "stdout frame is not a JSON array [delay, data]";
	else if (json_array_size(f) != 2)
		what = "stdout frame does not have 2 elements [delay, data]";
	else if (!json_is_number(json_array_get(f, 0)))
		what = "stdout frame delay is not a number";
	else if (!json_is_string(d = json_array_get(f, 1)))
		what = "stdout frame data is not a string";
	else if (time_from_text(r->buf, fend, off, &ns) < 0)
		what = "stdout frame delay is negative or too large";
	if (what) {
		cast_error_set(err, r->source, r->v1_line, col, "%s", what);
		goto out;
	}
	size_t len = json_string_length(d);
	if (reader_dec_reserve(r, len + 3) < 0) {
		rc = -ENOMEM;
		cast_error_set(err, r->source, r->v1_line, col, "out of memory");
		goto out;
	}
	r->dec[0] = 'o';
	r->dec[1] = '\0';
	memcpy(r->dec + 2, json_string_value(d), len + 1);
	clock_add(r, ns);
	ev->time_ns = r->clock_ns;
	ev->code = r->dec;
	ev->data = r->dec + 2;
	ev->data_len = len;
	ev->line = r->v1_line;
	ev->raw = false;
	rc = 1;
out:
	json_decref(f);
	return rc;
}

/* Parse a line the scanner declined, with jansson. Returns 1 (event in
 * *cl, strings copied to r->dec), CAST_ERR_SYNTAX, or LINE_CUT for a
 * last line without newline that is not JSON. */
static int line_slow(cast_reader_t *r, const char *line, size_t len, bool complete,
		     castline_t *cl, cast_error_t *err)
{
	json_error_t je;
	json_t *j, *code, *data;
	size_t offs[3] = {0, 0, 0}, start = skip_ws(line, len, 0);
	const char *what = NULL;
	size_t at = start;
	int rc = CAST_ERR_SYNTAX;

	j = json_loadb(line, len, JFLAGS, &je);
	if (!j) {
		if (!complete)
			return LINE_CUT;
		cast_error_set(err, r->source, r->line, je.column > 0 ? (unsigned long)je.column : 1,
			       "invalid JSON: %s", je.text);
		return CAST_ERR_SYNTAX;
	}
	if (!json_is_array(j)) {
		what = "event is not a JSON array";
		goto out;
	}
	walk_array(line, len, start, offs, 3); /* places, for messages */
	if (json_array_size(j) != 3) {
		what = "event does not have 3 elements [time, code, data]";
		goto out;
	}
	code = json_array_get(j, 1);
	data = json_array_get(j, 2);
	at = offs[0];
	if (!json_is_number(json_array_get(j, 0)))
		what = "event time is not a number";
	else if (time_from_text(line, len, start, &cl->time_ns) < 0)
		what = "event time is negative or too large";
	else if ((at = offs[1], !json_is_string(code)))
		what = "event code is not a string";
	else if ((at = offs[2], !json_is_string(data)))
		what = "event data is not a string";
	if (what)
		goto out;
	cl->code_len = json_string_length(code);
	cl->data_len = json_string_length(data);
	if (reader_dec_reserve(r, cl->code_len + cl->data_len + 2) < 0) {
		rc = -ENOMEM;
		cast_error_set(err, r->source, r->line, 0, "out of memory");
		goto out;
	}
	cl->code = r->dec;
	cl->data = r->dec + cl->code_len + 1;
	memcpy(cl->code, json_string_value(code), cl->code_len + 1);
	memcpy(cl->data, json_string_value(data), cl->data_len + 1);
	rc = 1;
out:
	if (what)
		cast_error_set(err, r->source, r->line, char_column(line, at), "%s", what);
	json_decref(j);
	return rc;
}

/* Quote s[0..len) for a message: at most 40 bytes, controls as '?'. */
static void quote_data(char *out, size_t size, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && i < 40 && o + 2 < size; i++)
		out[o++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	if (i < len && o + 5 < size) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

int cast_reader_set_raw(cast_reader_t *r, const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n >= sizeof(r->raw_code))
		return -EINVAL;
	memcpy(r->raw_code, code ? code : "", n + 1);
	return 0;
}

int cast_reader_next(cast_reader_t *r, cast_event_t *ev, cast_error_t *err)
{
	castline_t cl;
	char *line;
	size_t len;
	bool complete;
	int rc;

	if (r->done)
		return 0;
	if (r->hdr.version == 1)
		return v1_next(r, ev, err);
	for (;;) {
		rc = reader_line(r, &line, &len, &complete);
		if (rc < 0)
			return io_error(r, rc, err);
		if (rc == 0)
			return reader_finish(r);
		if (line_blank(line, len))
			continue;
		if (r->hdr.version == 3 && line[skip_ws(line, len, 0)] == '#')
			continue;
		if (reader_dec_reserve(r, len + 2) < 0) {
			cast_error_set(err, r->source, r->line, 0, "out of memory");
			return -ENOMEM;
		}
		rc = r->raw_code[0] ? castline_scan_raw(line, len, r->dec, r->raw_code, &cl)
				    : castline_scan(line, len, r->dec, &cl);
		ev->raw = rc == 2;
		if (!rc) {
			rc = line_slow(r, line, len, complete, &cl, err);
			if (rc == LINE_CUT) {
				r->truncated = true;
				if (zio_in_truncated(r->z))
					reader_warn(r, r->line, 0,
						    "gzip stream is truncated: last line cut at decompressed byte %llu (%zu bytes of it ignored)",
						    (unsigned long long)r->offset, len);
				else
					reader_warn(r, r->line, 0,
						    "file is truncated: last line cut at byte %llu (%zu bytes of it ignored)",
						    (unsigned long long)r->offset, len);
				return reader_finish(r);
			}
			if (rc < 0)
				return rc;
		}
		if (r->hdr.version == 3) {
			clock_add(r, cl.time_ns);
			cl.time_ns = r->clock_ns;
		}
		cl.time_ns = time_clamp(r, cl.time_ns);
		if (cl.code_len == 1 && cl.code[0] == 'r') {
			unsigned cols, rows;
			if (cast_parse_size(cl.data, cl.data_len, &cols, &rows) < 0) {
				char q[64];
				quote_data(q, sizeof q, cl.data, cl.data_len);
				reader_warn(r, r->line, 1,
					    "resize to \"%s\" ignored: expected COLSxROWS, both 1 to 65535", q);
				continue;
			}
			if (cols > CAST_MAX_COLS || rows > CAST_MAX_ROWS)
				reader_warn(r, r->line, 1,
					    "resize to %ux%u is larger than a player draws: drawn at most %ux%u",
					    cols, rows, CAST_MAX_COLS, CAST_MAX_ROWS);
		}
		ev->time_ns = cl.time_ns;
		ev->code = cl.code;
		ev->data = cl.data;
		ev->data_len = cl.data_len;
		ev->line = r->line;
		return 1;
	}
}

bool cast_reader_truncated(const cast_reader_t *r)
{
	return r->truncated;
}

uint64_t cast_reader_offset(const cast_reader_t *r)
{
	return r->offset;
}

unsigned long cast_reader_warnings(const cast_reader_t *r)
{
	return r->warnings;
}

void cast_reader_free(cast_reader_t *r)
{
	if (!r)
		return;
	zio_in_free(r->z);
	json_decref(r->hdr.json);
	free(r->buf);
	free(r->dec);
	free(r);
}

int cast_parse_size(const char *s, size_t len, unsigned *cols, unsigned *rows)
{
	unsigned long v[2] = {0, 0};
	size_t i = 0;

	for (int k = 0; k < 2; k++) {
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v[k] = v[k] * 10 + (unsigned long)(s[i] - '0');
			if (v[k] > 65535)
				return -1;
			i++;
		}
		if (i == start || v[k] < 1)
			return -1;
		if (k == 0) {
			if (i >= len || s[i] != 'x')
				return -1;
			i++;
		}
	}
	if (i != len)
		return -1;
	*cols = (unsigned)v[0];
	*rows = (unsigned)v[1];
	return 0;
}
