/* tc_path: PATH search with execvp's rules. */
#include "tracecast/tc_path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tc_path_exec_ok(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	return 0;
}

int tc_path_search(const char *name, const char *path_env, char **found)
{
	const char *p = path_env ? path_env : "/bin:/usr/bin";
	size_t nlen = strlen(name);
	int ret = -ENOENT;

	if (found)
		*found = NULL;
	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		ret = tc_path_exec_ok(name);
		if (ret == 0 && found && !(*found = strdup(name)))
			return -ENOMEM;
		return ret;
	}
	for (;;) {
		const char *end = strchrnul(p, ':');
		size_t dlen = (size_t)(end - p);
		size_t size = (dlen ? dlen : 1) + nlen + 2;
		char *cand = malloc(size);
		int r;

		if (!cand)
			return -ENOMEM;
		/* an empty entry is the current folder */
		snprintf(cand, size, "%.*s/%s", (int)(dlen ? dlen : 1), dlen ? p : ".", name);
		r = tc_path_exec_ok(cand);
		if (r == 0) {
			if (found)
				*found = cand;
			else
				free(cand);
			return 0;
		}
		free(cand);
		if (r == -EACCES)
			ret = -EACCES;
		if (!*end)
			return ret;
		p = end + 1;
	}
}
