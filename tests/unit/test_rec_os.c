/* Unit tests for the recorder's OS helpers: PATH search, private temp
 * folders, argv joining, gzip sniffing (lib), the redaction-count patch of
 * rec_file and the bounded notes list (recorder). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "recorder/rec_file.h"
#include "recorder/rec_notice.h"
#include "tracecast/strv.h"
#include "tracecast/tc_path.h"
#include "tracecast/tc_tmpdir.h"
#include "tracecast/zio.h"

static char base[64];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof base, "/tmp/tc-unit-os.XXXXXX");
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void make_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, mode);
}

/* execvp's rules: an empty PATH entry is the current folder (the strace
 * finder used to skip it), a name with '/' is taken as is, a match that is
 * not executable gives EACCES when nothing else matches. */
static void test_path_search(void **state)
{
	char old[4096], bin[128], p[256], *found = NULL;

	(void)state;
	assert_non_null(getcwd(old, sizeof old));
	snprintf(bin, sizeof bin, "%s/bin", base);
	mkdir(bin, 0700);
	snprintf(p, sizeof p, "%s/tc-prog", base);
	make_file(p, "#!/bin/sh\n", 0700);
	snprintf(p, sizeof p, "%s/tc-noexec", bin);
	make_file(p, "x\n", 0600);
	assert_int_equal(chdir(base), 0);
	/* empty entries, leading, inner and trailing */
	assert_int_equal(tc_path_search("tc-prog", ":/nonexistent", &found), 0);
	assert_string_equal(found, "./tc-prog");
	free(found);
	assert_int_equal(tc_path_search("tc-prog", "/nonexistent::/x", NULL), 0);
	assert_int_equal(tc_path_search("tc-prog", "/nonexistent:", NULL), 0);
	assert_int_equal(tc_path_search("tc-prog", "/nonexistent", NULL), -ENOENT);
	assert_int_equal(tc_path_search("tc-noexec", bin, NULL), -EACCES);
	assert_int_equal(tc_path_search("tc-noexec", "/nonexistent", NULL), -ENOENT);
	assert_int_equal(tc_path_search("bin", ".", NULL), -EACCES); /* a folder */
	assert_int_equal(tc_path_search("./tc-prog", "/nonexistent", &found), 0);
	assert_string_equal(found, "./tc-prog");
	free(found);
	assert_int_equal(tc_path_search("", NULL, NULL), -ENOENT);
	assert_int_equal(tc_path_search("sh", NULL, NULL), 0); /* /bin:/usr/bin */
	assert_int_equal(chdir(old), 0);
}

/* The folder always leaves `room` bytes for what goes inside: a TMPDIR of
 * any length either fits or falls back to /tmp (75 to 80 characters broke
 * the control socket, 40 --strace). */
static void test_tmpdir(void **state)
{
	char dir[300], out[108];
	char *saved = getenv("TMPDIR") ? strdup(getenv("TMPDIR")) : NULL;

	(void)state;
	for (size_t n = 30; n < 220; n += 5) {
		size_t bl = strlen(base);
		snprintf(dir, sizeof dir, "%s/", base);
		memset(dir + bl + 1, 'd', n - bl - 1);
		dir[n] = '\0';
		mkdir(dir, 0700);
		setenv("TMPDIR", dir, 1);
		assert_int_equal(tc_tmpdir_make("tracecast-ctl", 9, out, sizeof out), 0);
		assert_true(strlen(out) + 9 < sizeof out);
		struct stat st;
		assert_int_equal(stat(out, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
		if (n + 1 + strlen("tracecast-ctl.XXXXXX") + 9 < sizeof out)
			assert_memory_equal(out, dir, n); /* under TMPDIR when it fits */
		else
			assert_memory_equal(out, "/tmp/tracecast-ctl.", 19);
		rmdir(out);
	}
	setenv("TMPDIR", "relative", 1); /* not absolute: /tmp */
	assert_int_equal(tc_tmpdir_make("x", 0, out, sizeof out), 0);
	assert_memory_equal(out, "/tmp/x.", 7);
	rmdir(out);
	assert_int_equal(tc_tmpdir_make("x", 200, out, sizeof out), -ENAMETOOLONG);
	assert_string_equal(out, "");
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

static void test_join(void **state)
{
	char *v[] = { (char *)"a", (char *)"b c", (char *)"", (char *)"d", NULL };
	char *s;

	(void)state;
	s = strv_join(v, (size_t)-1, " ");
	assert_string_equal(s, "a b c  d");
	free(s);
	s = strv_join(v, 2, ", ");
	assert_string_equal(s, "a, b c");
	free(s);
	s = strv_join(v, 0, " ");
	assert_string_equal(s, "");
	free(s);
}

/* By content, never by name. */
static void test_gzip_sniff(void **state)
{
	char p[128];
	int fd;

	(void)state;
	assert_true(zio_sniff_gzip("\x1f\x8b\x08", 3));
	assert_true(zio_sniff_gzip("\x1f", 1));
	assert_false(zio_sniff_gzip("\x1f", 0));
	assert_false(zio_sniff_gzip("{\"version\"", 10));
	assert_false(zio_sniff_gzip("\x1f\x8a", 2));
	snprintf(p, sizeof p, "%s/plain.cast.gz", base);
	make_file(p, "{\"version\": 2}\n", 0600);
	fd = open(p, O_RDONLY);
	assert_int_equal(zio_fd_is_gzip(fd), 0);
	close(fd);
	snprintf(p, sizeof p, "%s/z.cast", base);
	make_file(p, "\x1f\x8b\x08\x00", 0600);
	fd = open(p, O_RDONLY);
	assert_int_equal(lseek(fd, 3, SEEK_SET), 3);
	assert_int_equal(zio_fd_is_gzip(fd), 1);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 3); /* offset kept */
	close(fd);
	int pfd[2];
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(zio_fd_is_gzip(pfd[0]), -ESPIPE);
	close(pfd[0]);
	close(pfd[1]);
}

/* The appended file's header decides the room: 200 spaces after the count
 * overflowed a 24-byte buffer (issue 11, 1). */
static void test_patch_count(void **state)
{
	char p[128], line[512], got[600];
	int fd;

	(void)state;
	snprintf(p, sizeof p, "%s/pad.cast", base);
	snprintf(line, sizeof line, "{\"version\":2,\"tracecast\":{\"redactions\":7%200s}}\n", "");
	make_file(p, line, 0600);
	fd = open(p, O_RDWR);
	assert_int_equal(rec_file_patch_count(fd, 1234), 0);
	ssize_t n = pread(fd, got, sizeof got - 1, 0);
	assert_int_equal(n, (ssize_t)strlen(line));
	got[n] = '\0';
	static const char want[] = "{\"version\":2,\"tracecast\":{\"redactions\":1241   ";
	assert_memory_equal(got, want, sizeof want - 1);
	assert_string_equal(got + n - 3, "}}\n");
	/* no room, or not a number we can grow */
	snprintf(line, sizeof line, "{\"tracecast\":{\"redactions\":9}}\n");
	make_file(p, line, 0600);
	assert_int_equal(rec_file_patch_count(fd, 5), -ERANGE);
	snprintf(line, sizeof line, "{\"tracecast\":{\"redactions\":%s }}\n",
		 "99999999999999999999999999");
	make_file(p, line, 0600);
	assert_int_equal(rec_file_patch_count(fd, 1), -ERANGE);
	close(fd);
}

static void test_notes(void **state)
{
	static rec_notes_t n;

	(void)state;
	rec_notes_init(&n);
	rec_note(NULL, "nothing %d", 1);
	for (int i = 0; i < REC_NOTES_MAX + 5; i++)
		rec_note(&n, "note %d", i);
	assert_int_equal(n.lost, 5);
	assert_string_equal(rec_notes_take(&n), "note 0");
	for (int i = 1; i < REC_NOTES_MAX; i++)
		assert_non_null(rec_notes_take(&n));
	assert_null(rec_notes_take(&n));
	char big[3 * REC_NOTE_TEXT];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	rec_notes_init(&n);
	rec_note(&n, "%s", big);
	assert_int_equal(strlen(rec_notes_take(&n)), REC_NOTE_TEXT - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_search),
		cmocka_unit_test(test_tmpdir),
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_gzip_sniff),
		cmocka_unit_test(test_patch_count),
		cmocka_unit_test(test_notes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
