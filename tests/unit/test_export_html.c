/* Unit tests for export_html: the page's shape (CSP, the two blobs, the
 * licence, the escaped title, no recorded text in the markup), the data
 * inside the blobs (inflated here with zlib and read with jansson), the
 * range options and their errors. */
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <zlib.h>

#include "tracecast/cast_reader.h"
#include "report/export_html.h"

static char path[64];

static void write_cast(void)
{
	strcpy(path, "/tmp/tc-test-export-html.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	fputs("{\"version\": 2, \"width\": 40, \"height\": 5, \"idle_time_limit\": 1,"
	      " \"title\": \"</script><script>alert(1)</script>\","
	      " \"tracecast\": {\"version\": 1, \"s_time\": \"end\"}}\n"
	      "[0.1, \"o\", \"before \\u00e9\\r\\n\"]\n"
	      "[0.2, \"m\", \"A <img src=x onerror=alert(2)>\"]\n"
	      "[0.3, \"s\", \"7 openat(AT_FDCWD, \\\"/x\\\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>\"]\n"
	      "[0.35, \"s\", \"7 write(1, \\\"\\u00e9t\\u00e9\\\", 5) = 5 <0.000010>\"]\n"
	      "[0.4, \"s\", \"8 read(0,  <unfinished ...>\"]\n"
	      "[0.5, \"p\", \"{\\\"src\\\":\\\"proc\\\",\\\"procs\\\":[{\\\"pid\\\":7,\\\"comm\\\":\\\"py\\\",\\\"cpu\\\":0.5,\\\"rss_kb\\\":100}]}\"]\n"
	      "[0.5, \"p\", \"{\\\"src\\\":\\\"py\\\",\\\"pid\\\":7,\\\"tid\\\":7,\\\"stack\\\":\\\"a;b\\\"}\"]\n"
	      "[0.6, \"s\", \"8 <... read resumed>\\\"x\\\", 10) = 1 <0.200000>\"]\n"
	      "[0.7, \"t\", \"{\\\"redactions\\\":0}\"]\n"
	      "[0.8, \"m\", \"B\"]\n"
	      "[0.9, \"o\", \"after\\r\\n\"]\n"
	      "[1.0, \"x\", \"0\"]\n", fp);
	fclose(fp);
}

/* Inflate the base64 blob of the <script id=ID> element of page. */
static char *blob(const char *page, const char *id)
{
	char key[64];
	snprintf(key, sizeof key, "id=\"%s\">", id);
	const char *p = strstr(page, key);
	assert_non_null(p);
	p += strlen(key);
	const char *e = strchr(p, '<');
	assert_non_null(e);
	size_t n = (size_t)(e - p), k = 0;
	unsigned char *bin = malloc(n);
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n && p[i] != '='; i++) {
		const char *al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *q = strchr(al, p[i]);
		assert_non_null(q);
		acc = (acc << 6) | (uint32_t)(q - al);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bin[k++] = (unsigned char)(acc >> bits);
		}
	}
	size_t cap = 1 << 20;
	char *out = calloc(1, cap);
	z_stream zs = { 0 };
	assert_int_equal(inflateInit2(&zs, 31), Z_OK);
	zs.next_in = bin;
	zs.avail_in = (uInt)k;
	zs.next_out = (unsigned char *)out;
	zs.avail_out = (uInt)cap - 1;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	inflateEnd(&zs);
	free(bin);
	return out;
}

static char *export_page(const export_html_opts_t *o, export_html_stats_t *st, int *rc,
			 cast_error_t *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	*rc = export_html_write(path, fp, o, st, err);
	fclose(fp);
	return buf;
}

static void test_page(void **state)
{
	(void)state;
	export_html_opts_t o = { .from_ns = -1, .to_ns = -1 };
	export_html_stats_t st;
	cast_error_t err;
	int rc;
	char *page = export_page(&o, &st, &rc, &err);

	assert_int_equal(rc, 0);
	assert_int_equal(st.page_bytes, strlen(page));
	assert_non_null(strstr(page, "Content-Security-Policy\" content=\"default-src 'none';"));
	assert_non_null(strstr(page, "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
	assert_null(strstr(page, "<img"));
	assert_non_null(strstr(page, "Apache License"));
	/* exactly the page's five script elements end */
	int ends = 0;
	for (const char *p = page; (p = strstr(p, "</script>")); p++)
		ends++;
	assert_int_equal(ends, 5);
	assert_int_equal(st.n_sys, 4);
	assert_int_equal(st.n_markers, 2);
	assert_int_equal(st.n_proc, 1);
	assert_int_equal(st.n_py, 1);

	/* the player's events: terminal codes only, a plain v2 header */
	char *term = blob(page, "tc-term");
	assert_non_null(strstr(term, "\"idle_time_limit\":1"));
	assert_null(strstr(term, "tracecast"));
	assert_null(strstr(term, "\"s\""));
	assert_null(strstr(term, "\"p\""));
	assert_null(strstr(term, "\"t\""));
	assert_non_null(strstr(term, "[0.200000,\"m\",\"A <img src=x onerror=alert(2)>\"]"));
	assert_non_null(strstr(term, "[1.000000,\"x\",\"0\"]"));

	/* the panels' data */
	char *panel = blob(page, "tc-panel");
	json_error_t je;
	json_t *d = json_loads(panel, 0, &je);
	assert_non_null(d);
	assert_true(json_is_true(json_object_get(d, "s_end")));
	json_t *sys = json_object_get(d, "sys");
	assert_int_equal(json_integer_value(json_object_get(sys, "n")), 4);
	/* call and result as lengths into the line (UTF-16 units: é is one) */
	json_t *c = json_object_get(sys, "c"), *r = json_object_get(sys, "r");
	assert_int_equal(json_integer_value(json_array_get(c, 0)), strlen("openat(AT_FDCWD, \"/x\", O_RDONLY)"));
	assert_int_equal(json_integer_value(json_array_get(r, 0)), strlen("= -1 ENOENT"));
	assert_int_equal(json_integer_value(json_array_get(c, 1)), strlen("write(1, \"ete\", 5)"));
	/* the resumed half: joined with its unfinished half's arguments */
	assert_string_equal(json_string_value(json_array_get(c, 3)), "read(0, \"x\", 10)");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(sys, "p"), 2)), 1);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(sys, "f"), 0)), 1);
	json_t *m = json_object_get(d, "markers");
	assert_string_equal(json_string_value(json_array_get(json_array_get(m, 0), 1)),
			    "A <img src=x onerror=alert(2)>");
	assert_string_equal(json_string_value(json_array_get(json_object_get(d, "stacks"), 0)), "a;b");
	json_decref(d);
	free(term);
	free(panel);
	free(page);
}

static void test_ranges(void **state)
{
	(void)state;
	export_html_opts_t o = { .from_ns = -1, .to_ns = -1, .mark_a = "A <img src=x onerror=alert(2)>",
				 .mark_b = "B" };
	export_html_stats_t st;
	cast_error_t err;
	int rc;
	char *page = export_page(&o, &st, &rc, &err);

	assert_int_equal(rc, 0);
	assert_int_equal(st.from_ns, 200000000);
	assert_int_equal(st.to_ns, 800000000);
	assert_int_equal(st.n_sys, 4);
	char *term = blob(page, "tc-term");
	/* the output before the range is replayed at time 0, the rest shifted */
	assert_non_null(strstr(term, "[0.000000,\"o\",\"before \xc3\xa9\\r\\n\"]"));
	assert_non_null(strstr(term, "[0.000000,\"m\",\"A "));
	assert_non_null(strstr(term, "[0.600000,\"m\",\"B\"]"));
	assert_null(strstr(term, "after"));
	free(term);
	free(page);

	o.mark_b = "nope";
	page = export_page(&o, &st, &rc, &err);
	assert_int_equal(rc, -ENOENT);
	assert_non_null(strstr(err.text, "marker 'nope' not found after the first"));
	free(page);

	o = (export_html_opts_t){ .from_ns = 500000000, .to_ns = 550000000 };
	page = export_page(&o, &st, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(st.n_sys, 0);
	assert_int_equal(st.n_proc, 1);
	free(page);

	o = (export_html_opts_t){ .from_ns = -1, .to_ns = -1, .mark_a = "B", .mark_b = "A <img src=x onerror=alert(2)>" };
	page = export_page(&o, &st, &rc, &err);
	assert_int_equal(rc, -ENOENT);
	free(page);
}

/* The panels' JSON of an export with options o, parsed. */
static json_t *export_panel(const export_html_opts_t *o)
{
	export_html_stats_t st;
	cast_error_t err;
	int rc;
	json_error_t je;
	char *page = export_page(o, &st, &rc, &err);
	assert_int_equal(rc, 0);
	char *panel = blob(page, "tc-panel");
	json_t *d = json_loads(panel, 0, &je);
	assert_non_null(d);
	free(panel);
	free(page);
	return d;
}

static json_int_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* The stats table's data (html_stats.h): per line call or not, name and
 * error; the lines `stats` counts; each marker's place among the lines. */
static void test_stats_data(void **state)
{
	(void)state;
	export_html_opts_t o = { .from_ns = -1, .to_ns = -1 };
	json_t *d = export_panel(&o);
	json_t *st = json_object_get(d, "stats");
	char *k = json_dumps(json_object_get(st, "k"), JSON_COMPACT);
	char *names = json_dumps(json_object_get(st, "names"), JSON_COMPACT);
	/* openat failed, write, read <unfinished> (no call), read resumed */
	assert_string_equal(k, "[1,2,-1,4]");
	assert_string_equal(names, "[\"openat\",\"write\",\"read\"]");
	free(k);
	free(names);
	assert_int_equal(jint(st, "lo"), 0);
	assert_int_equal(jint(st, "hi"), 4);
	assert_int_equal(json_array_size(json_object_get(st, "dx")), 0);
	json_t *m = json_object_get(d, "markers");
	assert_int_equal(json_integer_value(json_array_get(json_array_get(m, 0), 2)), 0);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(m, 1), 2)), 4);
	json_decref(d);

	/* from 0.32 to 0.65: lines 1.. exported, the window's three of them */
	o = (export_html_opts_t){ .from_ns = 320000000, .to_ns = 650000000 };
	d = export_panel(&o);
	st = json_object_get(d, "stats");
	k = json_dumps(json_object_get(st, "k"), JSON_COMPACT);
	assert_string_equal(k, "[0,-1,2]");
	free(k);
	assert_int_equal(jint(st, "lo"), 0);
	assert_int_equal(jint(st, "hi"), 3);
	json_decref(d);

	/* between the markers: the lines after A and before B in the file */
	o = (export_html_opts_t){ .from_ns = -1, .to_ns = 500000000,
				  .mark_a = "A <img src=x onerror=alert(2)>", .mark_b = "B" };
	d = export_panel(&o);
	st = json_object_get(d, "stats");
	assert_int_equal(jint(st, "lo"), 0);
	assert_int_equal(jint(st, "hi"), 3);
	json_decref(d);
}

int main(void)
{
	setlocale(LC_CTYPE, "C.UTF-8");
	write_cast();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_stats_data),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return rc;
}
