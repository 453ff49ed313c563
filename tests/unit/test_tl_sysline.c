/* tl_sysline (the index's parse of escaped "s" lines) against
 * strace_line_parse on the decoded line: every field but the arguments must
 * be equal. Lines: every "s" event of the recordings in tests/ and samples/,
 * canned shapes that stress the walk (quotes, backslashes and brackets
 * inside strings, \u escapes, cut lines), and 200,000 random lines built
 * from those pieces (fixed seed). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "src_root.h"

#include "tracecast/cast_reader.h"
#include "tracecast/jstr.h"
#include "tracecast/strace_line.h"
#include "player/tl_sysline.h"

static size_t n_checked, n_failed;

/* Same (ptr, len) text, or both absent. */
static int same_text(const char *a, size_t al, const char *b, size_t bl)
{
	if (!a || !b)
		return !a && !b;
	return al == bl && !memcmp(a, b, al);
}

/* Parse line both ways and compare; prints the first few differences. */
static void check_line(const char *line, size_t len)
{
	strace_line_t want, got, whole;
	sbuf_t scratch;
	char *raw = malloc(len * 6 + 16);

	assert_non_null(raw);
	size_t rl = jstr_escape(raw, line, len);
	strace_line_parse(line, len, &want);
	sbuf_init(&scratch);
	tl_sysline_parse(raw, rl, true, false, &scratch, &got);
	n_checked++;
	int ok = want.kind == got.kind && want.tid == got.tid &&
		 want.attach_pid == got.attach_pid &&
		 same_text(want.name, want.name_len, got.name, got.name_len) &&
		 want.has_ret == got.has_ret &&
		 same_text(want.ret, want.ret_len, got.ret, got.ret_len) &&
		 same_text(want.err, want.err_len, got.err, got.err_len) &&
		 same_text(want.err_text, want.err_text_len, got.err_text, got.err_text_len) &&
		 want.dur_ns == got.dur_ns && want.exit_code == got.exit_code &&
		 want.core_dumped == got.core_dumped;
	/* with want_args, the arguments too */
	tl_sysline_parse(raw, rl, true, true, &scratch, &whole);
	ok = ok && same_text(want.args, want.args_len, whole.args, whole.args_len);
	if (!ok && n_failed++ < 5)
		fprintf(stderr, "differs: kind %d/%d tid %ld/%ld ret %d/%d dur %lld/%lld: %.*s\n", want.kind, got.kind, want.tid, got.tid, want.has_ret, got.has_ret, (long long)want.dur_ns, (long long)got.dur_ns, (int)len, line);
	sbuf_cleanup(&scratch);
	free(raw);
}

/* Every "s" event of one recording. */
static void check_file(const char *path)
{
	cast_reader_t *r;
	cast_event_t ev;
	cast_error_t err;
	int rc;

	if (cast_reader_open(&r, path, &err) < 0)
		return; /* hostile fixtures that do not open */
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == CAST_ERR_SYNTAX)
			continue;
		if (rc < 0)
			break;
		if (!strcmp(ev.code, "s"))
			check_line(ev.data, ev.data_len);
	}
	cast_reader_free(r);
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char p[4096];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (stat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(p);
		else if (strstr(de->d_name, ".cast"))
			check_file(p);
	}
	closedir(d);
}

static void test_recordings(void **state)
{
	char p[4096];
	(void)state;

	n_checked = n_failed = 0;
	snprintf(p, sizeof p, "%s/tests", src_root());
	walk(p);
	snprintf(p, sizeof p, "%s/samples", src_root());
	walk(p);
	assert_true(n_checked >= 300); /* the tree's recordings hold ~400 */
	assert_int_equal(n_failed, 0);
}

static const char *const canned[] = {
	"7720  openat(AT_FDCWD, \"/no/such\", O_RDONLY) = -1 ENOENT (No such file or directory) <0.000147294>",
	"12 write(1, \"a \\\"quoted\\\" (paren\\n\", 20) = 20 <0.000001>",
	"12 write(1, \"back\\\\\", 6) = 6",
	"12 write(1, \"back\\\\\\\\\\\"x)\", 6) = 6 <0.1>",
	"12 read(3, \"\\x7fELF\\x02\\x01\"..., 832) = 832",
	"12 poll([{fd=3, events=POLLIN}], 1, 100 <unfinished ...>",
	"12 <... poll resumed>) = 1 ([{fd=3, revents=POLLIN}]) <0.5>",
	"12 <... read resumed>\"x\\\")y\", 4) = 4",
	"@4242 99 futex(0x7f, FUTEX_WAIT, 0, NULL) = -1 EAGAIN (Resource temporarily unavailable) <0.000010>",
	"12 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=13, si_status=0} ---",
	"12 +++ exited with 3 +++",
	"12 +++ killed by SIGKILL (core dumped) +++",
	"12 read(0</dev/pts/0 (deleted)>, \"q\", 1) = 1</dev/pts/0> <0.2>",
	"12 write(1, \"\x1b[1mhi\\\"\", 7",
	"12 write(1, \"cut",
	"12 execve(\"/usr/bin/python3\", [\"python3\", \"-c\", \"print(\\\"()\\\")\"], 0x7ffc /* 20 vars */) = 0 <0.001>",
	"12 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 14",
	"12 ioctl(1, TCGETS, {c_iflag=ICRNL, c_cc=\"\\x03\\x1c\\x7f\"}) = 0",
	"12 write(1, \"\\u\\\\u0022\", 3) = 3",
	"12 write(1, \"\xc3\xa9t\xc3\xa9 \\\\\", 8) = 8 <0.000000100>",
	"not a strace line at all",
	"",
};

static void test_canned(void **state)
{
	(void)state;
	n_checked = n_failed = 0;
	for (size_t i = 0; i < sizeof canned / sizeof *canned; i++)
		check_line(canned[i], strlen(canned[i]));
	/* a decoded quote written as \u0022 inside a string: decoded, so
	 * the same as strace_line_parse */
	const char raw[] = "12 write(1, \\\"a\\u0022) \\\", 3) = 3";
	char dec[64];
	long n = jstr_unescape(dec, raw, sizeof raw - 1, NULL);
	strace_line_t want, got;
	sbuf_t sb;
	sbuf_init(&sb);
	strace_line_parse(dec, (size_t)n, &want);
	tl_sysline_parse(raw, sizeof raw - 1, true, false, &sb, &got);
	assert_int_equal(want.kind, got.kind);
	assert_true(same_text(want.ret, want.ret_len, got.ret, got.ret_len));
	sbuf_cleanup(&sb);
	assert_int_equal(n_failed, 0);
}

/* Random lines from pieces that matter to the walk. */
static void test_random(void **state)
{
	static const char *const pieces[] = {
		"\"", "\\", "\\\\", "\\\"", "(", ")", "[", "]", "{", "}", " ", "x", "abc",
		"\n", "\x1b", "\xc3\xa9", ", ", " = ", "-1 ", "ENOENT", " (No such file)",
		"<0.000001>", "<unfinished ...>", "<... ", " resumed>", "@12 ", "7 ",
		"read", "write(", "+++ ", "--- ", "u0022", "SIG",
	};
	const size_t np = sizeof pieces / sizeof *pieces;
	char line[512];
	unsigned seed = 1607;
	(void)state;

	n_checked = n_failed = 0;
	for (int it = 0; it < 200000; it++) {
		size_t len = 0;
		seed = seed * 1103515245u + 12345u;
		/* most lines look like calls */
		const char *head = (seed >> 16) % 4 ? "42 write(" : "";
		len = (size_t)snprintf(line, sizeof line, "%s", head);
		int k = 1 + (int)((seed >> 8) % 14);
		for (int j = 0; j < k; j++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = pieces[(seed >> 16) % np];
			size_t pl = strlen(p);
			if (len + pl + 40 >= sizeof line)
				break;
			memcpy(line + len, p, pl);
			len += pl;
		}
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 3)
			len += (size_t)snprintf(line + len, sizeof line - len, ") = %u <0.%06u>",
						(seed >> 4) % 9, (seed >> 2) % 999999);
		check_line(line, len);
	}
	assert_int_equal(n_failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recordings),
		cmocka_unit_test(test_canned),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
