/* tc_tmpdir: mkdtemp under $TMPDIR or /tmp, with the length checked. */
#include "tracecast/tc_tmpdir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* BASE/PREFIX.XXXXXX into out if it fits with room to spare. */
static int tc_tmpdir_try(const char *base, const char *prefix, size_t room, char *out,
			 size_t size)
{
	size_t blen = strlen(base);

	while (blen > 1 && base[blen - 1] == '/')
		blen--;
	/* base + "/" + prefix + ".XXXXXX" + room + NUL */
	if (blen + 1 + strlen(prefix) + 7 + room + 1 > size)
		return -ENAMETOOLONG;
	snprintf(out, size, "%.*s/%s.XXXXXX", (int)blen, base, prefix);
	if (!mkdtemp(out)) {
		int ret = -errno;
		out[0] = '\0';
		return ret;
	}
	return 0;
}

int tc_tmpdir_make(const char *prefix, size_t room, char *out, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	int ret = -ENAMETOOLONG;

	if (size)
		out[0] = '\0';
	if (tmp && tmp[0] == '/') {
		ret = tc_tmpdir_try(tmp, prefix, room, out, size);
		if (ret != -ENAMETOOLONG)
			return ret;
	}
	/* unset, relative, or too long for what goes inside: /tmp */
	return tc_tmpdir_try("/tmp", prefix, room, out, size);
}
