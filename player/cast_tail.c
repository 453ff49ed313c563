/* cast_tail: event lines from a byte offset on (see cast_tail.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tracecast/castline.h"
#include "tracecast/zio.h"
#include "cast_tail.h"

#define TAIL_CHUNK 65536
#define TAIL_MAX_LINE ((size_t)1 << 30)

struct cast_tail {
	char *path;
	int version;
	bool gz;
	int fd;             /* plain: the file */
	zio_in_t *z;        /* gzip: the inflated stream */
	char *buf;
	size_t cap, pos, end;
	uint64_t base;      /* offset of buf[0] */
	bool eof;
	char *dec;          /* decoded code and data */
	size_t dec_cap;
	int64_t clock;      /* v3: absolute time of the last event */
	char raw_code[8];   /* events of this code handed out raw; "" none */
};

/* (Re)open the gzip stream at its start. */
static int tail_gz_restart(cast_tail_t *t)
{
	zio_in_free(t->z);
	t->z = NULL;
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = zio_in_open_fd(&t->z, fd);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	t->base = 0;
	t->pos = t->end = 0;
	t->eof = false;
	return 0;
}

int cast_tail_open(cast_tail_t **out, const char *path, int version)
{
	cast_tail_t *t;
	unsigned char magic[2] = { 0, 0 };
	int rc;

	*out = NULL;
	if (version != 2 && version != 3)
		return -ENOTSUP;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = -1;
	t->version = version;
	t->path = strdup(path);
	t->cap = TAIL_CHUNK;
	t->buf = malloc(t->cap);
	if (!t->path || !t->buf) {
		rc = -ENOMEM;
		goto fail;
	}
	t->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->fd < 0) {
		rc = -errno;
		goto fail;
	}
	if (pread(t->fd, magic, 2, 0) < 0) {
		rc = -errno;
		goto fail;
	}
	t->gz = magic[0] == 0x1f && (magic[1] == 0x8b || magic[1] == 0);
	if (t->gz) {
		close(t->fd);
		t->fd = -1;
		if ((rc = tail_gz_restart(t)) < 0)
			goto fail;
	}
	*out = t;
	return 0;
fail:
	cast_tail_free(t);
	return rc;
}

void cast_tail_free(cast_tail_t *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	zio_in_free(t->z);
	free(t->buf);
	free(t->dec);
	free(t->path);
	free(t);
}

bool cast_tail_is_gzip(const cast_tail_t *t)
{
	return t->gz;
}

uint64_t cast_tail_offset(const cast_tail_t *t)
{
	return t->base + t->pos;
}

/* Read more after end (moving the unread part to the front, growing a full
 * buffer). Returns bytes read, 0 at the end, or -errno. */
static ssize_t tail_fill(cast_tail_t *t)
{
	ssize_t n;

	if (t->pos > 0) {
		memmove(t->buf, t->buf + t->pos, t->end - t->pos);
		t->end -= t->pos;
		t->base += t->pos;
		t->pos = 0;
	}
	if (t->end == t->cap) {
		if (t->cap >= TAIL_MAX_LINE)
			return -EFBIG;
		char *nb = realloc(t->buf, t->cap * 2);
		if (!nb)
			return -ENOMEM;
		t->buf = nb;
		t->cap *= 2;
	}
	if (t->gz) {
		n = zio_in_read(t->z, t->buf + t->end, t->cap - t->end);
	} else {
		do
			n = read(t->fd, t->buf + t->end, t->cap - t->end);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			n = -errno;
	}
	if (n > 0)
		t->end += (size_t)n;
	else if (n == 0)
		t->eof = true;
	return n;
}

int cast_tail_seek(cast_tail_t *t, uint64_t offset, int64_t clock_ns)
{
	int rc;

	t->clock = clock_ns;
	if (offset >= t->base && offset <= t->base + t->end) {
		t->pos = (size_t)(offset - t->base);
		return 0;
	}
	if (!t->gz) {
		if (lseek(t->fd, (off_t)offset, SEEK_SET) < 0)
			return -errno;
		t->base = offset;
		t->pos = t->end = 0;
		t->eof = false;
		return 0;
	}
	if (offset < t->base && (rc = tail_gz_restart(t)) < 0)
		return rc;
	/* inflate and drop up to offset */
	while (t->base + t->end < offset) {
		t->base += t->end;
		t->pos = t->end = 0;
		ssize_t n = tail_fill(t);
		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
	}
	t->pos = offset - t->base <= t->end ? (size_t)(offset - t->base) : t->end;
	return 0;
}

/* The time token of "[TIME, ..." exactly as the reader reads it. */
static int tail_time(const char *s, size_t len, int64_t *ns)
{
	size_t p = 0, e;

	while (p < len && strchr(" \t\r", s[p]))
		p++;
	if (p >= len || s[p] != '[')
		return -1;
	p++;
	while (p < len && strchr(" \t\r\n", s[p]))
		p++;
	for (e = p; e < len && strchr("0123456789+-.eE", s[e]); e++)
		;
	return castline_parse_time(s + p, e - p, ns);
}

/* Decode a line castline declined, with jansson. 1 or 0 (not an event). */
static int tail_slow(cast_tail_t *t, const char *line, size_t len, castline_t *cl)
{
	json_error_t je;
	json_t *j = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &je);
	json_t *code, *data;
	int rc = 0;

	if (!j || !json_is_array(j) || json_array_size(j) != 3)
		goto out;
	code = json_array_get(j, 1);
	data = json_array_get(j, 2);
	if (!json_is_string(code) || !json_is_string(data) ||
	    tail_time(line, len, &cl->time_ns) < 0)
		goto out;
	cl->code_len = json_string_length(code);
	cl->data_len = json_string_length(data);
	if (cl->code_len + cl->data_len + 2 > t->dec_cap)
		goto out; /* cannot be longer than the line */
	cl->code = t->dec;
	cl->data = t->dec + cl->code_len + 1;
	memcpy(cl->code, json_string_value(code), cl->code_len + 1);
	memcpy(cl->data, json_string_value(data), cl->data_len + 1);
	rc = 1;
out:
	json_decref(j);
	return rc;
}

int cast_tail_set_raw(cast_tail_t *t, const char *code)
{
	size_t n = code ? strlen(code) : 0;

	if (n >= sizeof(t->raw_code))
		return -EINVAL;
	memcpy(t->raw_code, code ? code : "", n + 1);
	return 0;
}

int cast_tail_next(cast_tail_t *t, cast_event_t *ev)
{
	for (;;) {
		char *nl = memchr(t->buf + t->pos, '\n', t->end - t->pos);
		if (!nl && !t->eof) {
			ssize_t n = tail_fill(t);
			if (n < 0)
				return (int)n;
			continue;
		}
		if (!nl && t->pos == t->end)
			return 0;
		if (!nl)
			return 0; /* a cut last line: the reader dropped it too */
		char *line = t->buf + t->pos;
		size_t len = (size_t)(nl - line);
		t->pos += len + 1;
		size_t p = 0;
		while (p < len && strchr(" \t\r", line[p]))
			p++;
		if (p == len || (t->version == 3 && line[p] == '#'))
			continue;
		if (len + 2 > t->dec_cap) {
			size_t nc = len + 2 > 4096 ? len + 2 : 4096;
			char *d = realloc(t->dec, nc);
			if (!d)
				return -ENOMEM;
			t->dec = d;
			t->dec_cap = nc;
		}
		castline_t cl;
		int sc = t->raw_code[0] ? castline_scan_raw(line, len, t->dec, t->raw_code, &cl)
					: castline_scan(line, len, t->dec, &cl);
		if (!sc && !tail_slow(t, line, len, &cl))
			continue;
		ev->raw = sc == 2;
		if (t->version == 3) {
			if (cl.time_ns > INT64_MAX - t->clock)
				continue;
			t->clock += cl.time_ns;
			cl.time_ns = t->clock;
		}
		/* a resize the reader drops (bad size) is dropped here too, so
		 * both hand out the same events: offsets taken from the reader
		 * point at (or before) the same next event */
		if (cl.code_len == 1 && cl.code[0] == 'r') {
			unsigned cols, rows;
			if (cast_parse_size(cl.data, cl.data_len, &cols, &rows) < 0)
				continue;
		}
		ev->time_ns = cl.time_ns;
		ev->code = cl.code;
		ev->data = cl.data;
		ev->data_len = cl.data_len;
		ev->line = 0;
		return 1;
	}
}
