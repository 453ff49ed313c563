/* Fallbacks for subcommands not built into this tree (linked last: a real
 * implementation in an archive before it wins). */
#include <stdio.h>

#include "tracecast/commands.h"

/* weak: stubs.o is one object, pulled in whole; a real cmd_X must win */
#define STUB(fn, name) \
	__attribute__((weak)) int fn(int argc, char **argv) \
	{ \
		(void)argc; (void)argv; \
		fprintf(stderr, "tracecast: '%s' is not available in this build\n", name); \
		return 1; \
	}

STUB(cmd_rec, "rec")
STUB(cmd_mark, "mark")
STUB(cmd_play, "play")
STUB(cmd_cat, "cat")
STUB(cmd_info, "info")
STUB(cmd_dump, "dump")
STUB(cmd_convert, "convert")
STUB(cmd_export, "export")

#include <errno.h>

#include "tracecast/profile_source.h"
#include "tracecast/strace_source.h"

__attribute__((weak)) int strace_source_new(rec_source_t *src, const strace_source_opts_t *opts)
{
	(void)src; (void)opts;
	fprintf(stderr, "tracecast: --strace is not available in this build\n");
	return -ENOSYS;
}

__attribute__((weak)) int profile_sources_new(const char *spec, rec_source_t *srcs, size_t max, size_t *n)
{
	(void)spec; (void)srcs; (void)max;
	*n = 0;
	fprintf(stderr, "tracecast: --profile is not available in this build\n");
	return -ENOSYS;
}
