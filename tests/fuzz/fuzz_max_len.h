/* fuzz_max_len: a target's default -max_len, for LLVMFuzzerInitialize:
 * prepended to the arguments unless the command line gives one. The
 * argument vector is static, so flag must outlive the run. */
#ifndef TRACECAST_FUZZ_MAX_LEN_H
#define TRACECAST_FUZZ_MAX_LEN_H

#include <string.h>

static inline void fuzz_default_max_len(int *argc, char ***argv, char *flag)
{
	static char *args[256];
	int n = *argc;

	for (int i = 1; i < n; i++)
		if (strncmp((*argv)[i], "-max_len=", 9) == 0)
			return;
	if (n + 2 > (int)(sizeof args / sizeof *args))
		return;
	args[0] = (*argv)[0];
	args[1] = flag;
	for (int i = 1; i < n; i++)
		args[i + 1] = (*argv)[i];
	args[n + 1] = NULL;
	*argc = n + 1;
	*argv = args;
}

#endif
