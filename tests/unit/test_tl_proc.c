/* tl_proc through the timeline (issue 16: the detail view shows pid and
 * comm): a recording whose strace lines carry tids only, with fork, exec
 * (split into unfinished/resumed halves, a long name cut to 15 bytes),
 * a thread made by clone3 with CLONE_THREAD, a thread never seen created,
 * an attached tracer's line and a /proc sample naming its process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "player/timeline.h"

static const char *const lines[] = {
	/* 0 */ "100 execve(\\\"/usr/bin/bash\\\", [\\\"bash\\\"], 0x7ffd /* 3 vars */) = 0 <0.000300>",
	/* 1 */ "100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101 <0.000100>",
	/* 2 */ "101 execve(\\\"/opt/a-very-long-program-name\\\", [\\\"a\\\"], 0x7 /* 3 vars */ <unfinished ...>",
	/* 3 */ "100 wait4(-1,  <unfinished ...>",
	/* 4 */ "101 <... execve resumed>) = 0 <0.000500>",
	/* 5 */ "101 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff00, tls=0x7f} => {parent_tid=[102]}, 88) = 102 <0.000050>",
	/* 6 */ "102 read(3, \\\"x\\\\\\\")\\\", 2) = 2 <0.000001>",
	/* 7 */ "103 write(1, \\\"?\\\", 1) = 1 <0.000001>",
	/* 8 */ "@200 201 poll([{fd=3, events=POLLIN}], 1, 10) = 0 (Timeout) <0.010000>",
	/* 9 */ "100 vfork( <unfinished ...>",
	/* 10 */ "104 execve(\\\"/bin/true\\\", [\\\"true\\\"], 0x7 /* 3 vars */) = 0 <0.000100>",
	/* 11 */ "100 <... vfork resumed>) = 104 <0.000900>",
	/* 12 */ "104 exit_group(0) = ?",
};

static void check(const timeline_t *tl, size_t i, long want_pid, const char *want_comm)
{
	long pid;
	const char *comm;
	timeline_sys_proc(tl, i, &pid, &comm);
	if (pid != want_pid || strcmp(comm, want_comm)) {
		fprintf(stderr, "line %zu: pid %ld comm \"%s\", want %ld \"%s\"\n", i, pid, comm,
			want_pid, want_comm);
		fail();
	}
}

static void test_proc(void **state)
{
	char path[] = "/tmp/tc-tlproc.XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	timeline_t *tl = NULL;
	timeline_opts_t to = { .quiet = true };
	cast_error_t err;
	(void)state;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "{\"version\": 2, \"width\": 80, \"height\": 24}\n");
	fprintf(f, "[0.01, \"p\", \"{\\\"src\\\": \\\"proc\\\", \\\"procs\\\": [{\\\"pid\\\": 200, \\\"comm\\\": \\\"nginx\\\", \\\"cpu\\\": 0.5}]}\"]\n");
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		fprintf(f, "[%.2f, \"s\", \"%s\"]\n", 0.1 + 0.01 * (double)i, lines[i]);
	fclose(f);
	assert_int_equal(timeline_load(&tl, path, &to, &err), 0);
	unlink(path);
	assert_int_equal(timeline_sys_count(tl), sizeof lines / sizeof *lines);
	check(tl, 0, 100, "bash");
	check(tl, 1, 100, "bash");
	check(tl, 2, 101, "bash");            /* before its exec completes */
	check(tl, 3, 100, "bash");
	check(tl, 4, 101, "a-very-long-pro"); /* cut to 15 bytes */
	check(tl, 5, 101, "a-very-long-pro");
	check(tl, 6, 101, "a-very-long-pro"); /* CLONE_THREAD: 101's */
	check(tl, 7, 0, "");                  /* never seen created */
	check(tl, 8, 200, "nginx");           /* attached; comm from /proc */
	check(tl, 10, 104, "true");           /* vfork's child, before the parent resumed */
	check(tl, 12, 104, "true");
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
