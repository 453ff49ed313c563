/* Unit tests of cast_reader: v1/v2/v3 inputs, headers, escapes, the
 * fixtures in tests/fixtures/reader/{valid,invalid}, truncation at every
 * byte offset (plain and gzip), long lines, stdin. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "src_root.h"
#include <zlib.h>

#include "tracecast/cast_reader.h"

/* --- helpers --- */

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* An fd holding data[0..len) at offset 0. */
static int mem_fd(const void *data, size_t len)
{
	int fd = memfd_create("cast", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

typedef struct ev_copy {
	int64_t time_ns;
	char code[8];
	char *data;
	size_t data_len;
	unsigned long line;
} ev_copy_t;

typedef struct collected {
	int open_rc;
	cast_error_t open_err;
	ev_copy_t *ev;
	size_t nev;
	int nerr;                /* CAST_ERR_SYNTAX results */
	cast_error_t first_err;
	int io_rc;               /* a -errno from next, or 0 */
	int nwarn;
	cast_error_t last_warn;
	bool truncated;
	uint64_t offset;
	FILE *log;               /* transcript, if set */
} collected_t;

static void log_data(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void on_warn(void *user, const cast_error_t *w)
{
	collected_t *c = user;
	char buf[600];

	c->nwarn++;
	c->last_warn = *w;
	if (c->log)
		fprintf(c->log, "warning: %s\n", cast_error_format(w, buf, sizeof buf));
}

/* Read everything from fd (taken) into c; with events=false the
 * transcript holds only diagnostics. */
static void collect_fd(int fd, const char *name, collected_t *c, bool events)
{
	cast_reader_t *r;
	cast_event_t ev;
	cast_error_t err;
	char buf[600];
	int rc;

	c->open_rc = cast_reader_open_fd(&r, fd, name, &c->open_err);
	if (c->open_rc < 0) {
		assert_null(r);
		if (c->log)
			fprintf(c->log, "%s\n", cast_error_format(&c->open_err, buf, sizeof buf));
		return;
	}
	cast_reader_set_warn(r, on_warn, c);
	if (c->log && events) {
		const cast_header_t *h = cast_reader_header(r);
		fprintf(c->log, "v%d %ux%u\n", h->version, h->width, h->height);
	}
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == 1) {
			ev_copy_t *e;
			c->ev = realloc(c->ev, (c->nev + 1) * sizeof *c->ev);
			assert_non_null(c->ev);
			e = &c->ev[c->nev++];
			e->time_ns = ev.time_ns;
			snprintf(e->code, sizeof e->code, "%s", ev.code);
			e->data = malloc(ev.data_len + 1);
			assert_non_null(e->data);
			memcpy(e->data, ev.data, ev.data_len + 1);
			e->data_len = ev.data_len;
			e->line = ev.line;
			if (c->log && events) {
				fprintf(c->log, "%lu %lld %s ", ev.line, (long long)ev.time_ns, ev.code);
				log_data(c->log, ev.data, ev.data_len);
				fputc('\n', c->log);
			}
			continue;
		}
		if (c->log)
			fprintf(c->log, "%s\n", cast_error_format(&err, buf, sizeof buf));
		if (rc != CAST_ERR_SYNTAX) {
			c->io_rc = rc;
			break;
		}
		if (!c->nerr++)
			c->first_err = err;
	}
	c->truncated = cast_reader_truncated(r);
	c->offset = cast_reader_offset(r);
	assert_int_equal(cast_reader_warnings(r), (unsigned long)c->nwarn);
	cast_reader_free(r);
}

static void collect_mem(const void *data, size_t len, collected_t *c)
{
	memset(c, 0, sizeof *c);
	collect_fd(mem_fd(data, len), "mem", c, true);
}

static void collected_free(collected_t *c)
{
	for (size_t i = 0; i < c->nev; i++)
		free(c->ev[i].data);
	free(c->ev);
	c->ev = NULL;
	c->nev = 0;
}

/* gzip data[0..len) with zlib (independent of lib/zio.c). */
static unsigned char *gz_compress(const void *data, size_t len, size_t *outlen)
{
	z_stream zs;
	size_t cap = compressBound((uLong)len) + 64;
	unsigned char *out = malloc(cap);

	assert_non_null(out);
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

/* --- fixtures --- */

/* Compare the transcript of every fixture in DIR/NAME/input with
 * DIR/NAME/<expected>. */
static void check_fixtures(const char *sub, const char *expected, bool events)
{
	char dir[4096], path[4096 + 512];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof dir, "%s/tests/fixtures/reader/%s", src_root(), sub);
	d = opendir(dir);
	if (!d)
		fail_msg("cannot open fixture folder %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		collected_t c;
		char *want, *got = NULL;
		size_t wlen, glen = 0;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s/%s", dir, de->d_name, expected);
		want = read_file(path, &wlen);
		if (!want)
			fail_msg("missing %s", path);
		snprintf(path, sizeof path, "%s/%s/input", dir, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		assert_true(fd >= 0);
		memset(&c, 0, sizeof c);
		c.log = open_memstream(&got, &glen);
		collect_fd(fd, "input", &c, events);
		fclose(c.log);
		if (strcmp(want, got) != 0)
			fail_msg("fixture %s/%s:\n--- expected\n%s--- got\n%s", sub, de->d_name, want, got);
		if (!events) /* an invalid case gives at least one diagnostic */
			assert_true(c.nerr + c.nwarn + (c.open_rc < 0) > 0);
		else
			assert_int_equal(c.nerr, 0);
		collected_free(&c);
		free(want);
		free(got);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

static void test_valid_fixtures(void **state)
{
	(void)state;
	check_fixtures("valid", "output", true);
}

static void test_invalid_fixtures(void **state)
{
	(void)state;
	check_fixtures("invalid", "error", false);
}

/* --- headers --- */

static const cast_header_t *open_str(cast_reader_t **r, const char *s)
{
	cast_error_t err;

	if (cast_reader_open_fd(r, mem_fd(s, strlen(s)), "mem", &err) < 0)
		fail_msg("open: %s", err.text);
	return cast_reader_header(*r);
}

static void test_v1_header(void **state)
{
	static const char *const forms[] = {
		"{\n  \"version\": 1,\n  \"width\": 80,\n  \"height\": 24,\n  \"duration\": 1.5,\n"
		"  \"command\": \"/bin/sh\",\n  \"title\": \"t\",\n  \"env\": {\"TERM\": \"xterm\", \"SHELL\": null},\n"
		"  \"stdout\": [[0.5, \"a\"], [0.25, \"b\"]]\n}\n",
		"{\"version\":1,\"width\":80,\"height\":24,\"duration\":1.5,\"command\":\"/bin/sh\",\"title\":\"t\","
		"\"env\":{\"TERM\":\"xterm\",\"SHELL\":null},\"stdout\":[[0.5,\"a\"],[0.25,\"b\"]]}",
	};
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		cast_reader_t *r;
		const cast_header_t *h = open_str(&r, forms[i]);
		cast_event_t ev;
		cast_error_t err;

		assert_int_equal(h->version, 1);
		assert_int_equal(h->width, 80);
		assert_int_equal(h->height, 24);
		assert_string_equal(h->title, "t");
		assert_string_equal(h->command, "/bin/sh");
		assert_false(h->has_timestamp);
		assert_null(json_object_get(h->json, "stdout"));
		assert_true(json_real_value(json_object_get(h->json, "duration")) == 1.5);
		assert_true(json_is_null(json_object_get(json_object_get(h->json, "env"), "SHELL")));
		assert_int_equal(cast_reader_next(r, &ev, &err), 1);
		assert_int_equal(ev.time_ns, 500000000);
		assert_string_equal(ev.code, "o");
		assert_string_equal(ev.data, "a");
		assert_int_equal(cast_reader_next(r, &ev, &err), 1);
		assert_int_equal(ev.time_ns, 750000000);
		assert_int_equal(cast_reader_next(r, &ev, &err), 0);
		assert_int_equal(cast_reader_next(r, &ev, &err), 0);
		cast_reader_free(r);
	}
}

static void test_v2_header(void **state)
{
	cast_reader_t *r;
	const cast_header_t *h;
	json_t *env;
	(void)state;

	h = open_str(&r, "{\"version\": 2, \"width\": 96, \"height\": 26, \"timestamp\": 1506410422, "
			 "\"command\": \"/bin/bash -l\", \"title\": \"bashing :)\", \"idle_time_limit\": 2.5, "
			 "\"env\": {\"TERM\": null, \"SHELL\": \"/bin/zsh\"}, \"theme\": {\"fg\": \"#aaaaaa\"}, "
			 "\"tracecast\": {\"version\": 1}, \"zzz\": [1, 2]}\n");
	assert_int_equal(h->version, 2);
	assert_int_equal(h->width, 96);
	assert_int_equal(h->height, 26);
	assert_true(h->has_timestamp);
	assert_int_equal(h->timestamp, 1506410422);
	assert_true(h->has_idle_time_limit);
	assert_true(h->idle_time_limit == 2.5);
	assert_string_equal(h->title, "bashing :)");
	assert_string_equal(h->command, "/bin/bash -l");
	env = json_object_get(h->json, "env");
	assert_true(json_is_null(json_object_get(env, "TERM")));
	assert_string_equal(json_string_value(json_object_get(env, "SHELL")), "/bin/zsh");
	assert_string_equal(json_string_value(json_object_get(json_object_get(h->json, "theme"), "fg")), "#aaaaaa");
	assert_non_null(json_object_get(h->json, "tracecast"));
	assert_int_equal(json_array_size(json_object_get(h->json, "zzz")), 2);
	cast_reader_free(r);

	/* the minimal header: nothing optional */
	h = open_str(&r, "{\"version\":2,\"width\":100,\"height\":50}");
	assert_false(h->has_timestamp);
	assert_false(h->has_idle_time_limit);
	assert_null(h->title);
	assert_null(h->command);
	cast_reader_free(r);
}

static void test_v3_header(void **state)
{
	cast_reader_t *r;
	const cast_header_t *h;
	json_t *term;
	(void)state;

	h = open_str(&r, "\n  \n{\"version\": 3, \"term\": {\"cols\": 160, \"rows\": 76, \"type\": \"xterm-ghostty\", "
			 "\"version\": \"ghostty 1.1.3\", \"theme\": {\"fg\": \"#aaaaaa\", \"bg\": \"#bbbbbb\", "
			 "\"palette\": \"#151515:#ac4142\"}}, \"timestamp\": 1744302022, \"idle_time_limit\": 1, "
			 "\"env\": {\"TERM\": \"xterm-ghostty\", \"SHELL\": null}}\n");
	assert_int_equal(h->version, 3);
	assert_int_equal(h->width, 160);
	assert_int_equal(h->height, 76);
	assert_int_equal(h->timestamp, 1744302022);
	assert_true(h->has_idle_time_limit);
	assert_true(h->idle_time_limit == 1.0);
	term = json_object_get(h->json, "term");
	assert_string_equal(json_string_value(json_object_get(term, "type")), "xterm-ghostty");
	assert_string_equal(json_string_value(json_object_get(term, "version")), "ghostty 1.1.3");
	assert_string_equal(json_string_value(json_object_get(json_object_get(term, "theme"), "palette")),
			    "#151515:#ac4142");
	assert_true(json_is_null(json_object_get(json_object_get(h->json, "env"), "SHELL")));
	cast_reader_free(r);
}

/* --- events --- */

static void test_nul_and_escapes(void **state)
{
	static const char s[] = "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
				"[1, \"o\", \"a\\u0000b\"]\n"
				"[2, \"o\", \"\\u001b\\u00e9\\ud83d\\ude00\xc3\xa9\x7f\"]\n";
	collected_t c;
	(void)state;

	collect_mem(s, sizeof s - 1, &c);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.ev[0].data_len, 3);
	assert_memory_equal(c.ev[0].data, "a\0b", 4);
	assert_int_equal(c.ev[1].data_len, 1 + 2 + 4 + 2 + 1);
	assert_memory_equal(c.ev[1].data, "\x1b\xc3\xa9\xf0\x9f\x98\x80\xc3\xa9\x7f", 10);
	collected_free(&c);
}

static void test_continue_after_error(void **state)
{
	static const char s[] = "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
				"[1, \"o\", \"a\"]\nlol!\n[2, 5, \"x\"]\n[3, \"o\", \"b\"]\n";
	collected_t c;
	(void)state;

	collect_mem(s, sizeof s - 1, &c);
	assert_int_equal(c.nerr, 2);
	assert_int_equal(c.first_err.line, 3);
	assert_int_equal(c.nev, 2);
	assert_string_equal(c.ev[1].data, "b");
	assert_int_equal(c.ev[1].line, 5);
	assert_int_equal(c.ev[1].time_ns, 3 * CAST_NS_PER_SEC);
	assert_false(c.truncated);
	collected_free(&c);
}

static void test_resize(void **state)
{
	static const char s[] = "{\"version\": 2, \"width\": 80, \"height\": 24}\n"
				"[1, \"r\", \"-1x0\"]\n[2, \"r\", \"100x30\"]\n[3, \"r\", \"0x5\"]\n"
				"[4, \"r\", \"80 x 24\"]\n[5, \"r\", \"70000x1\"]\n[6, \"o\", \"z\"]\n";
	collected_t c;
	unsigned cols, rows;
	(void)state;

	collect_mem(s, sizeof s - 1, &c);
	assert_int_equal(c.nerr, 0);
	assert_int_equal(c.nwarn, 4);
	assert_int_equal(c.nev, 2);
	assert_string_equal(c.ev[0].data, "100x30");
	assert_string_equal(c.ev[1].code, "o");
	assert_int_equal(c.last_warn.line, 6);
	collected_free(&c);

	assert_int_equal(cast_parse_size("80x24", 5, &cols, &rows), 0);
	assert_int_equal(cols, 80);
	assert_int_equal(rows, 24);
	assert_int_equal(cast_parse_size("65535x1", 7, &cols, &rows), 0);
	assert_int_equal(cast_parse_size("65536x1", 7, &cols, &rows), -1);
	assert_int_equal(cast_parse_size("80x24 ", 6, &cols, &rows), -1);
	assert_int_equal(cast_parse_size("80x", 3, &cols, &rows), -1);
	assert_int_equal(cast_parse_size("x24", 3, &cols, &rows), -1);
	assert_int_equal(cast_parse_size("+8x2", 4, &cols, &rows), -1);
	assert_int_equal(cast_parse_size("8x24", 3, &cols, &rows), 0); /* len honoured */
	assert_int_equal(rows, 2);
}

/* The jansson paths (v1 here) give the same ns as the scanner (v2). */
static void test_time_paths_agree(void **state)
{
	static const char *const toks[] = {"1.2000000005", "3e-1", "0.1234567895", "7", "0.000000000499",
					   "1E+2", "12.5e-10", "0.0"};
	(void)state;
	for (size_t i = 0; i < sizeof toks / sizeof *toks; i++) {
		char v1[256], v2[256];
		collected_t a, b;

		snprintf(v1, sizeof v1, "{\"version\":1,\"width\":2,\"height\":2,\"stdout\":[[%s,\"x\"]]}", toks[i]);
		snprintf(v2, sizeof v2, "{\"version\":2,\"width\":2,\"height\":2}\n[%s, \"o\", \"x\"]\n", toks[i]);
		collect_mem(v1, strlen(v1), &a);
		collect_mem(v2, strlen(v2), &b);
		assert_int_equal(a.nev, 1);
		assert_int_equal(b.nev, 1);
		assert_int_equal(a.ev[0].time_ns, b.ev[0].time_ns);
		collected_free(&a);
		collected_free(&b);
	}
}

/* --- truncation --- */

static const char trunc_src[] =
	"{\"version\": 2, \"width\": 80, \"height\": 24}\n"
	"[0.5, \"o\", \"hello \\u001b[1mworld\\u001b[0m\"]\n"
	"[1.25, \"o\", \"\xc3\xa9t\xc3\xa9 \xf0\x9f\x98\x80 \\ud83d\\ude00\"]\n"
	"[1.5, \"r\", \"100x30\"]\n"
	"[2.0,      \"i\", \"\\r\"]\n"
	"\n"
	"[3.141592653, \"m\", \"marker \\\"quoted\\\"\"]\n"
	"[4, \"o\", \"bye\\r\\n\"]\n";

/* Read the full source once: the reference events. */
static void trunc_reference(collected_t *full)
{
	collect_mem(trunc_src, sizeof trunc_src - 1, full);
	assert_int_equal(full->nev, 6);
	assert_int_equal(full->nwarn, 0);
	assert_false(full->truncated);
}

static void assert_prefix(const collected_t *c, const collected_t *full)
{
	assert_true(c->nev <= full->nev);
	for (size_t i = 0; i < c->nev; i++) {
		assert_int_equal(c->ev[i].time_ns, full->ev[i].time_ns);
		assert_string_equal(c->ev[i].code, full->ev[i].code);
		assert_int_equal(c->ev[i].data_len, full->ev[i].data_len);
		assert_memory_equal(c->ev[i].data, full->ev[i].data, full->ev[i].data_len);
	}
}

static void test_truncation_plain(void **state)
{
	const size_t len = sizeof trunc_src - 1;
	const size_t hdr = (size_t)(strchr(trunc_src, '\n') - trunc_src);
	collected_t full;
	(void)state;

	trunc_reference(&full);
	for (size_t cut = 0; cut <= len; cut++) {
		collected_t c;
		size_t complete = 0, ls = hdr + 1;
		bool cut_inside = false, last_whole = false;

		/* independent expectation: event lines wholly before the cut */
		for (size_t p = hdr + 1; p < cut; p++) {
			if (trunc_src[p] == '\n') {
				complete += p > ls; /* not the blank line */
				ls = p + 1;
			}
		}
		if (cut > ls) { /* a partial last line */
			last_whole = trunc_src[cut] == '\n';
			cut_inside = !last_whole;
		}
		collect_mem(trunc_src, cut, &c);
		if (cut < hdr) {
			assert_int_equal(c.open_rc, CAST_ERR_SYNTAX);
			continue;
		}
		assert_int_equal(c.open_rc, 0);
		assert_int_equal(c.nerr, 0);
		assert_int_equal(c.io_rc, 0);
		assert_prefix(&c, &full);
		assert_int_equal(c.nev, complete + last_whole);
		assert_int_equal(c.nwarn, cut_inside ? 1 : 0);
		assert_int_equal(c.truncated, cut_inside);
		assert_int_equal(c.offset, cut);
		if (cut_inside) {
			unsigned long line = 1;
			for (size_t p = 0; p < ls; p++)
				line += trunc_src[p] == '\n';
			assert_int_equal(c.last_warn.line, line);
		}
		collected_free(&c);
	}
	collected_free(&full);
}

static void test_truncation_gzip(void **state)
{
	size_t gzlen, prev = 0;
	unsigned char *gz = gz_compress(trunc_src, sizeof trunc_src - 1, &gzlen);
	collected_t full;
	(void)state;

	trunc_reference(&full);
	for (size_t cut = 0; cut <= gzlen; cut++) {
		collected_t c;

		collect_mem(gz, cut, &c);
		if (c.open_rc < 0) {
			/* nothing usable inflated yet: a clean "no header" */
			assert_int_equal(c.open_rc, CAST_ERR_SYNTAX);
			assert_int_equal(prev, 0);
			continue;
		}
		assert_int_equal(c.nerr, 0);
		assert_int_equal(c.io_rc, 0);
		assert_prefix(&c, &full);
		assert_true(c.nev >= prev);
		prev = c.nev;
		if (cut < gzlen) {
			assert_true(c.truncated);
			assert_int_equal(c.nwarn, 1);
		} else {
			assert_false(c.truncated);
			assert_int_equal(c.nwarn, 0);
			assert_int_equal(c.nev, full.nev);
		}
		if (cut + 8 >= gzlen) /* only the trailer is missing */
			assert_int_equal(c.nev, full.nev);
		collected_free(&c);
	}
	assert_int_equal(prev, full.nev);
	free(gz);
	collected_free(&full);
}

static void test_last_line_without_newline(void **state)
{
	static const char s[] = "{\"version\": 2, \"width\": 80, \"height\": 24}\n[1, \"o\", \"a\"]\n[2, \"o\", \"b\"]  ";
	collected_t c;
	(void)state;

	collect_mem(s, sizeof s - 1, &c);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.nwarn, 0);
	assert_false(c.truncated);
	assert_int_equal(c.nerr, 0);
	collected_free(&c);
}

/* Many events of varied sizes across buffer refills, one of 1 MiB. */
static void test_long_lines(void **state)
{
	size_t cap = 8u << 20, len = 0, n = 3000, big = n / 2;
	char *s = malloc(cap);
	collected_t c;
	(void)state;

	assert_non_null(s);
	len += (size_t)sprintf(s, "{\"version\": 2, \"width\": 80, \"height\": 24}\n");
	for (size_t i = 0; i < n; i++) {
		size_t dl = i == big ? (1u << 20) : (i * 7919) % 2000;
		len += (size_t)sprintf(s + len, "[%zu.%03zu, \"o\", \"", i, i % 1000);
		for (size_t k = 0; k < dl; k++) {
			if (k % 97 == 5) {
				memcpy(s + len, "\\u001b", 6);
				len += 6;
			} else {
				s[len++] = (char)('a' + (i + k) % 26);
			}
		}
		len += (size_t)sprintf(s + len, "\"]\n");
		assert_true(len < cap - 4096);
	}
	collect_mem(s, len, &c);
	assert_int_equal(c.nerr, 0);
	assert_int_equal(c.nev, n);
	for (size_t i = 0; i < n; i++) {
		size_t dl = i == big ? (1u << 20) : (i * 7919) % 2000;
		assert_int_equal(c.ev[i].time_ns, (int64_t)i * CAST_NS_PER_SEC + (int64_t)(i % 1000) * 1000000);
		assert_int_equal(c.ev[i].data_len, dl);
		for (size_t k = 0; k < dl; k += 89)
			assert_int_equal(c.ev[i].data[k], k % 97 == 5 ? 0x1b : (char)('a' + (i + k) % 26));
		assert_int_equal(c.ev[i].line, i + 2);
	}
	assert_int_equal(c.offset, len);
	collected_free(&c);
	free(s);
}

static void test_gzip_v3(void **state)
{
	static const char s[] = "{\"version\": 3, \"term\": {\"cols\": 10, \"rows\": 4}}\n"
				"# comment\n[0.5, \"o\", \"a\"]\n[0.25, \"x\", \"0\"]\n";
	size_t gzlen;
	unsigned char *gz = gz_compress(s, sizeof s - 1, &gzlen);
	collected_t c;
	(void)state;

	collect_mem(gz, gzlen, &c);
	assert_int_equal(c.open_rc, 0);
	assert_int_equal(c.nev, 2);
	assert_int_equal(c.ev[1].time_ns, 750000000);
	assert_string_equal(c.ev[1].code, "x");
	assert_false(c.truncated);
	assert_int_equal(c.nwarn, 0);
	collected_free(&c);
	free(gz);
}

static void test_stdin_and_missing(void **state)
{
	static const char s[] = "{\"version\": 2, \"width\": 3, \"height\": 2}\n[1, \"o\", \"via stdin\"]\n";
	int saved = dup(STDIN_FILENO), fd = mem_fd(s, sizeof s - 1);
	cast_reader_t *r;
	cast_error_t err;
	cast_event_t ev;
	(void)state;

	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	assert_int_equal(cast_reader_open(&r, "-", &err), 0);
	assert_int_equal(cast_reader_next(r, &ev, &err), 1);
	assert_string_equal(ev.data, "via stdin");
	cast_reader_free(r);
	assert_int_equal(fcntl(STDIN_FILENO, F_GETFD), 0); /* stdin still open */
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);

	assert_int_equal(cast_reader_open(&r, "/nonexistent/x.cast", &err), -ENOENT);
	assert_null(r);
	assert_string_equal(err.source, "/nonexistent/x.cast");
	cast_reader_free(NULL);
}

/* Issue 11 item 14 and issue 18 items 3, 5, 7, 8: the input boundary. */
static void test_hostile_limits(void **state)
{
	cast_reader_t *r;
	cast_event_t ev;
	cast_error_t err;
	const cast_header_t *h;
	(void)state;

	/* asciinema 2.2 without a terminal: 0x0 read as 80x24 */
	h = open_str(&r, "{\"version\": 2, \"width\": 0, \"height\": 0}\n[1, \"o\", \"x\"]\n");
	assert_int_equal(h->width, 80);
	assert_int_equal(h->height, 24);
	assert_true(h->size_defaulted);
	cast_reader_free(r);
	/* one 0 alone stays an error */
	assert_int_equal(cast_reader_open_fd(&r, mem_fd("{\"version\": 2, \"width\": 0, \"height\": 5}\n", 41),
					     "m", &err), CAST_ERR_SYNTAX);
	/* idle limits: huge clamped, negative none */
	h = open_str(&r, "{\"version\": 2, \"width\": 9, \"height\": 9, \"idle_time_limit\": 1e19}\n");
	assert_true(h->has_idle_time_limit && h->idle_time_limit == 4e9);
	cast_reader_free(r);
	h = open_str(&r, "{\"version\": 2, \"width\": 9, \"height\": 9, \"idle_time_limit\": -1}\n");
	assert_false(h->has_idle_time_limit);
	cast_reader_free(r);
	/* times clamped; v3 sums saturate */
	open_str(&r, "{\"version\": 2, \"width\": 9, \"height\": 9}\n[9223372036.0, \"o\", \"x\"]\n");
	assert_int_equal(cast_reader_next(r, &ev, &err), 1);
	assert_int_equal(ev.time_ns, CAST_TIME_MAX_NS);
	assert_int_equal(cast_reader_warnings(r), 1);
	cast_reader_free(r);
	open_str(&r, "{\"version\": 3, \"term\": {\"cols\": 9, \"rows\": 9}}\n[3000000000, \"o\", \"a\"]\n"
		     "[3000000000, \"o\", \"b\"]\n[9000000000, \"o\", \"c\"]\n");
	for (int i = 0; i < 3; i++)
		assert_int_equal(cast_reader_next(r, &ev, &err), 1);
	assert_int_equal(ev.time_ns, CAST_TIME_MAX_NS);
	cast_reader_free(r);
	/* a line longer than the bound: refused with its place */
	size_t big = (16u << 20) + 100;
	char *s = malloc(big + 64);
	assert_non_null(s);
	int n = sprintf(s, "{\"version\": 2, \"width\": 9, \"height\": 9}\n[1, \"o\", \"");
	memset(s + n, 'a', big - (size_t)n);
	open_str(&r, "{\"version\": 2, \"width\": 9, \"height\": 9}\n");
	cast_reader_free(r);
	assert_int_equal(cast_reader_open_fd(&r, mem_fd(s, big), "big", &err), 0);
	assert_int_equal(cast_reader_next(r, &ev, &err), -EFBIG);
	assert_int_equal(err.line, 2);
	assert_non_null(strstr(err.text, "longer than 16 MiB"));
	cast_reader_free(r);
	free(s);
	/* v1 with "stdout" first and frames of every kind: one by one */
	open_str(&r, "{\"stdout\": [[0.5, \"a\"], [1, 2], [0.25, \"b\"]],\n \"version\": 1, \"width\": 3, \"height\": 2}");
	assert_int_equal(cast_reader_next(r, &ev, &err), 1);
	assert_int_equal(ev.time_ns, 500000000);
	assert_int_equal(cast_reader_next(r, &ev, &err), CAST_ERR_SYNTAX);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 25);
	assert_int_equal(cast_reader_next(r, &ev, &err), 1);
	assert_int_equal(ev.time_ns, 750000000);
	assert_string_equal(ev.data, "b");
	assert_int_equal(cast_reader_next(r, &ev, &err), 0);
	cast_reader_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_fixtures),
		cmocka_unit_test(test_invalid_fixtures),
		cmocka_unit_test(test_v1_header),
		cmocka_unit_test(test_v2_header),
		cmocka_unit_test(test_v3_header),
		cmocka_unit_test(test_nul_and_escapes),
		cmocka_unit_test(test_continue_after_error),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_time_paths_agree),
		cmocka_unit_test(test_truncation_plain),
		cmocka_unit_test(test_truncation_gzip),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_gzip_v3),
		cmocka_unit_test(test_hostile_limits),
		cmocka_unit_test(test_stdin_and_missing),
	};
	return cmocka_run_group_tests_name("reader", tests, NULL, NULL);
}
