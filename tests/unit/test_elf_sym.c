/* Unit tests of the symboliser on this very process and on bad files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "recorder/elf_sym.h"

/* A function with a name to find (not static: also in .dynsym if exported). */
__attribute__((noinline)) int tc_elf_sym_probe_fn(int x);
__attribute__((noinline)) int tc_elf_sym_probe_fn(int x)
{
	return x * 3 + 1;
}

static void test_own_function(void **state)
{
	(void)state;
	elf_sym_t *es;
	char buf[256];
	assert_int_equal(elf_sym_new(&es), 0);
	assert_int_equal(elf_sym_load_proc(es, getpid()), 0);
	uintptr_t a = (uintptr_t)&tc_elf_sym_probe_fn;
	assert_string_equal(elf_sym_lookup(es, getpid(), a, buf, sizeof(buf)), "tc_elf_sym_probe_fn");
	assert_string_equal(elf_sym_lookup(es, getpid(), a + 1, buf, sizeof(buf)), "tc_elf_sym_probe_fn");
	/* a shared library's function through its dynamic symbol table (not
	 * libc's: under ASan, &fopen is the sanitizer's interceptor) */
	assert_string_equal(elf_sym_lookup(es, getpid(), (uintptr_t)&_cmocka_run_group_tests,
					   buf, sizeof(buf)), "_cmocka_run_group_tests");
	/* no mapping */
	assert_string_equal(elf_sym_lookup(es, getpid(), 16, buf, sizeof(buf)), "[unknown]");
	elf_sym_free(es);
	elf_sym_free(NULL);
}

/* A pid never seen is read from /proc on first lookup; fork copies maps,
 * exec forgets them. */
static void test_lazy_fork_exec(void **state)
{
	(void)state;
	elf_sym_t *es;
	char buf[256];
	uintptr_t a = (uintptr_t)&tc_elf_sym_probe_fn;
	assert_int_equal(elf_sym_new(&es), 0);
	assert_string_equal(elf_sym_lookup(es, getpid(), a, buf, sizeof(buf)), "tc_elf_sym_probe_fn");
	assert_int_equal(elf_sym_fork(es, getpid(), 999999), 0);
	assert_string_equal(elf_sym_lookup(es, 999999, a, buf, sizeof(buf)), "tc_elf_sym_probe_fn");
	elf_sym_exec(es, 999999);
	assert_string_equal(elf_sym_lookup(es, 999999, a, buf, sizeof(buf)), "[unknown]");
	elf_sym_exit(es, 999999);
	elf_sym_free(es);

	/* a pid known from some mappings only (perf attached mid-exec): a miss
	 * reads /proc/PID/maps once */
	assert_int_equal(elf_sym_new(&es), 0);
	assert_int_equal(elf_sym_add_map(es, getpid(), 0x1000, 0x1000, 0, "/nonexistent/ld.so"), 0);
	assert_string_equal(elf_sym_lookup(es, getpid(), a, buf, sizeof(buf)), "tc_elf_sym_probe_fn");
	elf_sym_free(es);
}

/* With the loader thread: the first locate asks for the file and says
 * "not yet" (the caller's thread never reads it), the fd tells when it is
 * there, and the frame, pinned before, is named then, even after the pid
 * forgot its mappings; a file that cannot be read comes back nameless. */
static void test_async(void **state)
{
	(void)state;
	elf_sym_t *es;
	elf_sym_frame_t fr, bad;
	char buf[256];
	uintptr_t a = (uintptr_t)&tc_elf_sym_probe_fn;
	assert_int_equal(elf_sym_new(&es), 0);
	int fd = elf_sym_async(es);
	assert_true(fd >= 0);
	assert_int_equal(elf_sym_async(es), fd);
	assert_int_equal(elf_sym_load_proc(es, getpid()), 0);
	assert_false(elf_sym_locate(es, getpid(), a, &fr));
	assert_false(elf_sym_frame_ready(&fr));
	assert_int_equal(elf_sym_loading(es), 1);
	assert_false(elf_sym_locate(es, getpid(), a + 1, &fr)); /* asked once */
	assert_int_equal(elf_sym_loading(es), 1);
	assert_int_equal(elf_sym_add_map(es, 7, 0x1000, 0x1000, 0, "/nonexistent/lib.so"), 0);
	assert_false(elf_sym_locate(es, 7, 0x1010, &bad));
	elf_sym_exit(es, getpid());
	while (elf_sym_loading(es)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		assert_int_equal(poll(&p, 1, 10000), 1);
		elf_sym_collect(es);
	}
	assert_true(elf_sym_frame_ready(&fr));
	assert_string_equal(elf_sym_frame_name(&fr, buf, sizeof(buf)), "tc_elf_sym_probe_fn");
	assert_true(elf_sym_frame_ready(&bad));
	assert_string_equal(elf_sym_frame_name(&bad, buf, sizeof(buf)), "[lib.so]");
	/* ready files are named at once */
	assert_true(elf_sym_locate(es, 7, 0x1010, &bad));
	/* freed with a load under way: the thread is stopped first */
	assert_int_equal(elf_sym_load_proc(es, getpid()), 0);
	assert_int_equal(elf_sym_add_map(es, 8, 0x1000, 0x1000, 0, "/proc/self/exe"), 0);
	elf_sym_locate(es, 8, 0x1010, &fr);
	elf_sym_free(es);
}

/* Files that are not ELF, cut short or garbage give the object's name. */
static void test_bad_files(void **state)
{
	(void)state;
	char path[] = "/tmp/tc-elfsym-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unsigned char junk[4096];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	memcpy(junk, "\177ELF\2\1\1", 7); /* looks like ELF64 LE, offsets are garbage */
	assert_int_equal(write(fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	close(fd);
	elf_sym_t *es;
	char buf[256];
	assert_int_equal(elf_sym_new(&es), 0);
	assert_int_equal(elf_sym_add_map(es, 42, 0x10000, 0x1000, 0, path), 0);
	assert_int_equal(elf_sym_add_map(es, 42, 0x20000, 0x1000, 0, "[vdso]"), 0);
	const char *base = strrchr(path, '/') + 1;
	char want[64];
	snprintf(want, sizeof(want), "[%s]", base);
	assert_string_equal(elf_sym_lookup(es, 42, 0x10010, buf, sizeof(buf)), want);
	assert_string_equal(elf_sym_lookup(es, 42, 0x20010, buf, sizeof(buf)), "[unknown]");
	/* a new mapping over the old one replaces it */
	assert_int_equal(elf_sym_add_map(es, 42, 0x10000, 0x2000, 0, "/nonexistent/libx.so"), 0);
	assert_string_equal(elf_sym_lookup(es, 42, 0x10010, buf, sizeof(buf)), "[libx.so]");
	unlink(path);
	elf_sym_free(es);
}

/* elf_sym_file_values: data and function symbols by name, from this test
 * binary itself (its address in memory gives the answer) and garbage. */
int tc_elf_sym_probe_data = 7;

static void test_file_values(void **state)
{
	(void)state;
	static const char *const names[] = { "tc_elf_sym_probe_data", "tc_elf_sym_probe_fn",
					      "no_such_symbol_here" };
	uint64_t v[3];
	elf_file_info_t info;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	assert_int_equal(elf_sym_file_values(exe, names, 3, v, &info), 0);
	assert_true(v[0] != 0 && v[1] != 0);
	assert_int_equal(v[2], 0);
	/* where the file is mapped from offset 0 gives the bias */
	FILE *fp = fopen("/proc/self/maps", "re");
	assert_non_null(fp);
	char line[4096];
	uint64_t start = 0, pgoff = 1;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long s0, e0, off;
		char file[4096] = "";
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095s", &s0, &e0, &off, file) == 4 &&
		    !strcmp(file, exe) && off == 0) {
			start = s0;
			pgoff = off;
			break;
		}
	}
	fclose(fp);
	assert_int_equal(pgoff, 0);
	uint64_t bias = info.pie ? start - info.vaddr_at_off0 : 0;
	assert_true(v[0] + bias == (uint64_t)(uintptr_t)&tc_elf_sym_probe_data);
	assert_true(v[1] + bias == (uint64_t)(uintptr_t)&tc_elf_sym_probe_fn);
	/* not ELF, missing */
	char path[] = "/tmp/tc-elfval-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not an ELF file, long enough to have a header ........"
			       "..........", 64), 64);
	close(fd);
	assert_int_equal(elf_sym_file_values(path, names, 3, v, &info), -EINVAL);
	assert_int_equal(v[0], 0);
	unlink(path);
	assert_int_equal(elf_sym_file_values("/nonexistent/x", names, 3, v, &info), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_function),
		cmocka_unit_test(test_lazy_fork_exec),
		cmocka_unit_test(test_async),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_file_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
