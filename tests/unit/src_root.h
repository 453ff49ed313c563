/* src_root.h: where the unit tests find the source tree (fixtures, the
 * corpus, samples): $TC_ROOT (set by make), else the folder two above this
 * file as the compiler saw it, else ".". */
#ifndef TESTS_SRC_ROOT_H
#define TESTS_SRC_ROOT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *src_root(void)
{
	static char dir[4096];
	const char *env = getenv("TC_ROOT"), *file = __FILE__, *slash;

	if (env && *env)
		return env;
	slash = strstr(file, "tests/unit/");
	if (!slash || slash == file)
		return ".";
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - file - 1), file);
	return dir;
}

#endif
