/* Unit tests for the compact syscall index (texts read back from the file,
 * plain and gzip, in any order; records decoded) and the filter grammar
 * (sys_filter: name=, tid=/pid=, failed, slow>, regex without the TID). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "player/sys_filter.h"
#include "player/timeline.h"

#define N_LINES 3000

static char plain[64], gz[64 + 3]; /* gz: plain + ".gz" */
static char *texts[N_LINES];

/* Line i of the recording (no time). */
static void make_text(int i, char *buf, size_t size)
{
	switch (i % 6) {
	case 0:
		snprintf(buf, size, "%d openat(AT_FDCWD, \"/f%d\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000010>", 100 + i % 7, i);
		break;
	case 1:
		snprintf(buf, size, "%d poll([{fd=3, events=POLLIN}], 1, 5000) = 0 (Timeout) <%d.000100>", 100 + i % 7, 1 + i % 6);
		break;
	case 2:
		snprintf(buf, size, "%d futex(0x7f, FUTEX_WAIT, 0, NULL <unfinished ...>", 200 + i);
		break;
	case 3:
		snprintf(buf, size, "%d <... futex resumed>) = 0 <0.500000>", 200 + i - 1);
		break;
	case 4:
		snprintf(buf, size, "@%d 9%d read(3, \"x\", 1) = 1 <0.000002>", 4000 + i % 3, i % 10);
		break;
	default:
		snprintf(buf, size, "%d write(1, \"line %d\\n\", 7) = 7 <0.000003>", 100 + i % 7, i);
		break;
	}
}

static void put_json(FILE *fp, gzFile g, const char *s)
{
	char out[1024];
	size_t o = 0;
	for (; *s && o < sizeof(out) - 3; s++) {
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
	if (fp)
		fputs(out, fp);
	else
		gzputs(g, out);
}

static int setup(void **state)
{
	(void)state;
	strcpy(plain, "/tmp/tc-test-sysf.XXXXXX");
	int fd = mkstemp(plain);
	assert_true(fd >= 0);
	close(fd);
	snprintf(gz, sizeof gz, "%s.gz", plain);
	FILE *fp = fopen(plain, "w");
	gzFile g = gzopen(gz, "wb");
	const char *hdr = "{\"version\": 2, \"width\": 40, \"height\": 5}\n";
	fputs(hdr, fp);
	gzputs(g, hdr);
	for (int i = 0; i < N_LINES; i++) {
		char buf[512], pre[64];
		make_text(i, buf, sizeof buf);
		texts[i] = strdup(buf);
		if (i % 50 == 0) {
			snprintf(pre, sizeof pre, "[%d.%03d, \"o\", \"tick\\r\\n\"]\n", i / 100, i % 100 * 10);
			fputs(pre, fp);
			gzputs(g, pre);
		}
		/* every line 10 ms apart; a long gap in the middle (new block) */
		long long ms = i * 10LL + (i >= 1500 ? 10000 : 0);
		snprintf(pre, sizeof pre, "[%lld.%03lld, \"s\", \"", ms / 1000, ms % 1000);
		fputs(pre, fp);
		gzputs(g, pre);
		put_json(fp, g, buf);
		put_json(NULL, g, buf);
		fputs("\"]\n", fp);
		gzputs(g, "\"]\n");
	}
	fclose(fp);
	gzclose(g);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(plain);
	unlink(gz);
	for (int i = 0; i < N_LINES; i++)
		free(texts[i]);
	return 0;
}

/* Every text reads back equal, in order, backward and at random. */
static void check_readback(const char *path)
{
	timeline_opts_t to = { .quiet = true };
	timeline_t *tl = NULL;
	cast_error_t err;
	sbuf_t b;
	unsigned seed = 3;

	sbuf_init(&b);
	assert_int_equal(timeline_load(&tl, path, &to, &err), 0);
	assert_int_equal(timeline_sys_count(tl), N_LINES);
	for (int i = 0; i < N_LINES; i += 7) {
		assert_int_equal(timeline_sys_text(tl, (size_t)i, &b), 0);
		assert_string_equal(b.data, texts[i]);
	}
	for (int i = N_LINES; i-- > 0;) {
		assert_int_equal(timeline_sys_text(tl, (size_t)i, &b), 0);
		assert_string_equal(b.data, texts[i]);
	}
	for (int k = 0; k < 500; k++) {
		int i = rand_r(&seed) % N_LINES;
		assert_int_equal(timeline_sys_text(tl, (size_t)i, &b), 0);
		assert_string_equal(b.data, texts[i]);
	}
	/* records: times, tids, durations, pairs, errors */
	tl_sys_t e;
	timeline_sys_get(tl, 1500, &e);
	assert_int_equal(e.t, INT64_C(25000) * 1000000);
	timeline_sys_get(tl, 7, &e);   /* poll, 2 s */
	assert_int_equal(e.dur_ns, INT64_C(2000100000));
	assert_int_equal(e.tid, 100 + 7 % 7);
	timeline_sys_get(tl, 2, &e);   /* unfinished, paired with 3 */
	assert_true(e.flags & TL_SYS_UNFINISHED);
	assert_int_equal(e.pair, 3);
	timeline_sys_get(tl, 3, &e);
	assert_int_equal(e.pair, 2);
	assert_int_equal(timeline_sys_errors_upto(tl, N_LINES), N_LINES / 6);
	assert_int_equal(timeline_sys_upto(tl, INT64_C(25000) * 1000000), 1501);
	assert_string_equal(timeline_sys_name(tl, e.name), "futex");
	timeline_free(tl);
	sbuf_cleanup(&b);
}

static void test_readback_plain(void **state)
{
	(void)state;
	check_readback(plain);
}

static void test_readback_gzip(void **state)
{
	(void)state;
	check_readback(gz);
}

/* Count the lines f selects. */
static size_t count(const timeline_t *tl, const char *src)
{
	sys_filter_t *f;
	char msg[200];
	sbuf_t b;
	size_t n = 0;

	assert_int_equal(sys_filter_new(&f, src, msg, sizeof msg), 0);
	sbuf_init(&b);
	for (size_t i = 0; i < timeline_sys_count(tl); i++)
		n += sys_filter_match(f, tl, i, &b);
	sbuf_cleanup(&b);
	sys_filter_free(f);
	return n;
}

static void test_filter(void **state)
{
	(void)state;
	timeline_opts_t to = { .quiet = true };
	timeline_t *tl = NULL;
	cast_error_t err;
	char msg[200];
	sys_filter_t *f;

	assert_int_equal(timeline_load(&tl, plain, &to, &err), 0);
	assert_int_equal(count(tl, ""), N_LINES);
	assert_int_equal(count(tl, "name=openat"), N_LINES / 6);
	assert_int_equal(count(tl, "name=openat,poll"), N_LINES / 3);
	assert_int_equal(count(tl, "failed"), N_LINES / 6);
	assert_int_equal(count(tl, "name=poll failed"), 0);
	/* the polls take 2.0001 s, the futex pairs 0.5 s, the rest microseconds */
	assert_int_equal(count(tl, "slow>2s"), N_LINES / 6);
	assert_int_equal(count(tl, "slow>3s"), 0);
	assert_int_equal(count(tl, "slow>400ms"), N_LINES / 6 + N_LINES / 6);
	/* the regex sees the call without its TID: ^poll\( is a poll call */
	assert_int_equal(count(tl, "^poll\\("), N_LINES / 6);
	assert_int_equal(count(tl, "^[0-9]"), 0);
	/* a resumed half matches on its unfinished half's arguments */
	assert_int_equal(count(tl, "FUTEX_WAIT"), N_LINES / 3);
	/* tid and attached pid */
	size_t t100 = 0;
	for (int i = 0; i < N_LINES; i++)
		t100 += (i % 6 == 0 || i % 6 == 1 || i % 6 == 5) && i % 7 == 0;
	assert_int_equal(count(tl, "tid=100"), t100);
	/* lines 4 mod 6 are "@4001 9N read(...)": i % 3 == 1 there */
	assert_int_equal(count(tl, "pid=4001"), N_LINES / 6);
	assert_int_equal(count(tl, "pid=4000"), 0);
	assert_int_equal(count(tl, "tid=94,96"), N_LINES / 6 / 5 * 2);
	assert_int_equal(count(tl, "name=openat /f1[0-9]\""), 2); /* f12, f18 */
	/* errors */
	assert_int_equal(sys_filter_new(&f, "poll(", msg, sizeof msg), -EINVAL);
	assert_non_null(strstr(msg, "'poll('"));
	assert_int_equal(sys_filter_new(&f, "name=", msg, sizeof msg), -EINVAL);
	assert_non_null(strstr(msg, "expected a syscall name"));
	assert_int_equal(sys_filter_new(&f, "name=Po!l", msg, sizeof msg), -EINVAL);
	assert_int_equal(sys_filter_new(&f, "tid=12x", msg, sizeof msg), -EINVAL);
	assert_int_equal(sys_filter_new(&f, "slow>fast", msg, sizeof msg), -EINVAL);
	assert_int_equal(sys_filter_new(&f, "   ", msg, sizeof msg), 0);
	assert_null(f);
	timeline_free(tl);
}

static void test_duration(void **state)
{
	(void)state;
	int64_t ns;
	assert_int_equal(sys_filter_parse_duration("10ms", 4, &ns), 0);
	assert_int_equal(ns, 10000000);
	assert_int_equal(sys_filter_parse_duration("1.5s", 4, &ns), 0);
	assert_int_equal(ns, 1500000000);
	assert_int_equal(sys_filter_parse_duration("200us", 5, &ns), 0);
	assert_int_equal(ns, 200000);
	assert_int_equal(sys_filter_parse_duration("12", 2, &ns), 0);
	assert_int_equal(ns, 12000000);
	assert_int_equal(sys_filter_parse_duration("5h", 2, &ns), -1);
	assert_int_equal(sys_filter_parse_duration("", 0, &ns), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readback_plain),
		cmocka_unit_test(test_readback_gzip),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_duration),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
