/* strace_statloop: a syscall-heavy workload for bench/strace.sh.
 *
 * usage: strace_statloop N [PATH]
 * Calls stat(PATH) N times (default PATH "/"), then prints one line. Under
 * strace every call is one trace line, so it runs at strace's top speed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
	const char *path = argc > 2 ? argv[2] : "/";
	struct stat st;
	long ok = 0;

	for (long i = 0; i < n; i++)
		if (stat(path, &st) == 0)
			ok++;
	printf("strace_statloop: %ld stat calls, %ld ok\n", n, ok);
	return 0;
}
