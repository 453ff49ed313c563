/* libFuzzer target of the strace-line parser: strace_line_split_stamp then
 * strace_line_parse on every line of the input; every pointer handed out
 * must lie inside the parsed text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracecast/strace_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ptr/len inside [base, base + n] or ptr NULL. */
static void in_bounds(const char *p, size_t len, const char *base, size_t n)
{
	if (!p)
		return;
	if (p < base || p + len > base + n)
		abort();
}

static void one_line(const char *s, size_t n)
{
	char *rest = malloc(n + 1);
	if (!rest)
		return;
	int64_t real;
	size_t rlen;
	(void)strace_line_split_stamp(s, n, &real, rest, &rlen);
	if (rlen > n)
		abort();
	strace_line_t l;
	strace_line_parse(rest, rlen, &l);
	in_bounds(l.name, l.name_len, rest, rlen);
	in_bounds(l.args, l.args_len, rest, rlen);
	in_bounds(l.ret, l.ret_len, rest, rlen);
	in_bounds(l.err, l.err_len, rest, rlen);
	in_bounds(l.err_text, l.err_text_len, rest, rlen);
	if (l.kind > STRACE_OTHER)
		abort();
	free(rest);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	while (size > 0) {
		const char *nl = memchr(s, '\n', size);
		size_t n = nl ? (size_t)(nl - s) : size;
		one_line(s, n);
		if (!nl)
			break;
		s = nl + 1;
		size -= n + 1;
	}
	return 0;
}
