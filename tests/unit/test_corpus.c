/* Reader conformance over the public corpus ($TC_CORPUS, else
 * tests/corpus of the source tree): every valid file reads with no
 * error and as many events as an independent count made with zlib's gzgets
 * and jansson; every file SOURCES.md marks NEGATIVE gives an error with a
 * line number. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "src_root.h"
#include <jansson.h>
#include <zlib.h>

#include "tracecast/cast_reader.h"

static const char *corpus_dir(void)
{
	static char dir[4096];
	const char *env = getenv("TC_CORPUS");

	if (env && *env)
		return env;
	snprintf(dir, sizeof dir, "%s/tests/corpus", src_root());
	return dir;
}

/* One line (without '\n') from gz into *buf; false at the end. */
static bool gz_line(gzFile gz, char **buf, size_t *cap)
{
	size_t len = 0;

	for (;;) {
		if (*cap - len < 2) {
			*cap = *cap ? *cap * 2 : 65536;
			*buf = realloc(*buf, *cap);
			assert_non_null(*buf);
		}
		if (!gzgets(gz, *buf + len, (int)(*cap - len)))
			return len > 0;
		len += strlen(*buf + len);
		if (len && (*buf)[len - 1] == '\n') {
			(*buf)[len - 1] = '\0';
			return true;
		}
	}
}

static bool blank(const char *s)
{
	return s[strspn(s, " \t\r")] == '\0';
}

/* A resize size the reader must drop: not DIGITSxDIGITS, both >= 1. */
static bool bad_resize(const char *s)
{
	unsigned c, r;
	char tail;

	return !(strspn(s, "0123456789x") == strlen(s) && sscanf(s, "%ux%u%c", &c, &r, &tail) == 2 &&
		 c >= 1 && r >= 1 && c <= 65535 && r <= 65535);
}

/* Independent count of events and dropped resizes. Returns the version. */
static int independent_count(const char *path, size_t *events, size_t *dropped)
{
	gzFile gz = gzopen(path, "rb"); /* reads plain files as they are */
	char *buf = NULL;
	size_t cap = 0;
	int version = 0;
	json_t *j;

	assert_non_null(gz);
	*events = *dropped = 0;
	while (gz_line(gz, &buf, &cap) && blank(buf))
		;
	j = json_loads(buf, 0, NULL);
	if (j)
		version = (int)json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	if (version == 2 || version == 3) {
		while (gz_line(gz, &buf, &cap)) {
			if (blank(buf) || (version == 3 && buf[strspn(buf, " \t")] == '#'))
				continue;
			(*events)++;
			j = json_loads(buf, JSON_ALLOW_NUL, NULL);
			if (j && json_is_string(json_array_get(j, 1)) &&
			    strcmp(json_string_value(json_array_get(j, 1)), "r") == 0 &&
			    json_is_string(json_array_get(j, 2)) &&
			    bad_resize(json_string_value(json_array_get(j, 2))))
				(*dropped)++;
			json_decref(j);
		}
	} else {
		j = json_load_file(path, 0, NULL);
		assert_non_null(j);
		version = (int)json_integer_value(json_object_get(j, "version"));
		*events = json_array_size(json_object_get(j, "stdout"));
		json_decref(j);
	}
	gzclose(gz);
	free(buf);
	return version;
}

/* Independent place of the first bad event: the first line that jansson
 * does not read as [number, string, string] (v2/v3), or, in a v1 file, the
 * first line holding a whole frame that is not [number, string]. */
static unsigned long independent_bad_line(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;
	unsigned long line = 0, bad = 0;
	int version = 0;
	json_t *j;

	assert_non_null(gz);
	while (gz_line(gz, &buf, &cap) && (++line, blank(buf)))
		;
	j = json_loads(buf, 0, NULL);
	version = j ? (int)json_integer_value(json_object_get(j, "version")) : 1;
	json_decref(j);
	while (!bad && gz_line(gz, &buf, &cap)) {
		char *p = buf + strspn(buf, " \t");
		size_t n = strlen(p);
		line++;
		if (version == 1) {
			while (n && strchr(" \t\r,", p[n - 1]))
				p[--n] = '\0';
			if (*p != '[')
				continue;
			j = json_loads(p, JSON_ALLOW_NUL, NULL);
			if (j && !(json_array_size(j) == 2 && json_is_number(json_array_get(j, 0)) &&
				   json_is_string(json_array_get(j, 1))))
				bad = line;
		} else {
			if (blank(p) || (version == 3 && *p == '#'))
				continue;
			j = json_loads(p, JSON_ALLOW_NUL, NULL);
			if (!(json_array_size(j) == 3 && json_is_number(json_array_get(j, 0)) &&
			      json_is_string(json_array_get(j, 1)) && json_is_string(json_array_get(j, 2))))
				bad = line;
		}
		json_decref(j);
	}
	gzclose(gz);
	free(buf);
	return bad;
}

/* Names SOURCES.md marks NEGATIVE, as one string "|name|name|". */
static char *negatives(const char *dir)
{
	char path[4400], line[8192];
	size_t cap = 4096, len = 1;
	char *out = malloc(cap);
	FILE *f;

	assert_non_null(out);
	strcpy(out, "|");
	snprintf(path, sizeof path, "%s/SOURCES.md", dir);
	f = fopen(path, "r");
	if (!f)
		return out;
	while (fgets(line, sizeof line, f)) {
		char *a, *b;
		if (!strstr(line, "NEGATIVE") || line[0] != '|' || !(a = strchr(line, '`')) ||
		    !(b = strchr(a + 1, '`')))
			continue;
		if (len + (size_t)(b - a) + 2 >= cap) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		len += (size_t)sprintf(out + len, "%.*s|", (int)(b - a - 1), a + 1);
	}
	fclose(f);
	return out;
}

static unsigned long nwarn_cb;

static void on_warn(void *user, const cast_error_t *w)
{
	(void)user;
	(void)w;
	nwarn_cb++;
}

static void test_corpus(void **state)
{
	const char *dir = corpus_dir();
	DIR *d = opendir(dir);
	struct dirent *de;
	char *neg;
	int nvalid = 0, nneg = 0;
	(void)state;

	if (!d) {
		print_message("corpus: %s not found (tests/corpus is part of the project)\n", dir);
		fail();
	}
	neg = negatives(dir);
	while ((de = readdir(d))) {
		char path[4400], needle[300];
		cast_reader_t *r;
		cast_error_t err;
		cast_event_t ev;
		size_t want, dropped, got = 0;
		unsigned long errors = 0, err_line = 0;
		bool is_neg;
		int rc, version;

		if (de->d_name[0] == '.' || strcmp(de->d_name, "SOURCES.md") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		snprintf(needle, sizeof needle, "|%s|", de->d_name);
		is_neg = strstr(neg, needle) != NULL;
		rc = cast_reader_open(&r, path, &err);
		if (rc < 0)
			fail_msg("%s: cannot open: %s", de->d_name, err.text);
		nwarn_cb = 0;
		cast_reader_set_warn(r, on_warn, NULL);
		while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
			if (rc == 1) {
				got++;
				continue;
			}
			if (rc != CAST_ERR_SYNTAX)
				fail_msg("%s: read error %d: %s", de->d_name, rc, err.text);
			if (!errors++)
				err_line = err.line;
		}
		if (is_neg) {
			unsigned long want_line = independent_bad_line(path);
			if (!errors || err_line == 0 || err_line != want_line)
				fail_msg("%s: NEGATIVE file gave %lu errors (first at line %lu, expected %lu)",
					 de->d_name, errors, err_line, want_line);
			nneg++;
		} else {
			version = independent_count(path, &want, &dropped);
			if (errors)
				fail_msg("%s: %lu errors in a valid file, first at line %lu", de->d_name, errors,
					 err_line);
			if (got != want - dropped)
				fail_msg("%s (v%d): %zu events, independent count %zu - %zu dropped resizes",
					 de->d_name, version, got, want, dropped);
			assert_int_equal(cast_reader_header(r)->version, version);
			assert_int_equal(nwarn_cb, dropped);
			assert_false(cast_reader_truncated(r));
			nvalid++;
		}
		cast_reader_free(r);
	}
	closedir(d);
	free(neg);
	print_message("corpus: %d valid files and %d NEGATIVE files checked in %s\n", nvalid, nneg, dir);
	assert_true(nvalid > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests_name("corpus", tests, NULL, NULL);
}
