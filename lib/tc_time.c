/* tc_time: parse and format command-line times (see tc_time.h). Integer
 * arithmetic with saturation: no float casts, no overflow. */
#include "tracecast/tc_time.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define TC_NS INT64_C(1000000000)

/* a * m + b, saturated at INT64_MAX (all operands >= 0). */
static int64_t tc_sat_muladd(int64_t a, int64_t m, int64_t b)
{
	if (a > (INT64_MAX - b) / m)
		return INT64_MAX;
	return a * m + b;
}

/* Read a run of digits at *p into *v (saturated); false when there is none. */
static bool tc_digits(const char **p, int64_t *v)
{
	const char *s = *p;
	int64_t x = 0;

	while (*s >= '0' && *s <= '9') {
		x = tc_sat_muladd(x, 10, *s - '0');
		s++;
	}
	if (s == *p)
		return false;
	*v = x;
	*p = s;
	return true;
}

int tc_time_parse(const char *s, unsigned flags, int64_t *ns)
{
	const char *p = s;
	int64_t secs = 0, frac = 0;
	int parts = 0;

	if (!s || !*s)
		return -EINVAL;
	if ((flags & TC_TIME_END) && strcmp(s, "end") == 0) {
		*ns = INT64_MAX;
		return 0;
	}
	for (;;) {
		int64_t v = 0;
		bool have = tc_digits(&p, &v);

		parts++;
		if (*p == ':') {
			if (!have || parts == 3)
				return -EINVAL;
			secs = tc_sat_muladd(secs, 60, 0);
			secs = tc_sat_muladd(secs, 1, v);
			p++;
			continue;
		}
		if (!have && !(*p == '.' && parts == 1))
			return -EINVAL;
		secs = parts > 1 ? tc_sat_muladd(secs, 60, 0) : secs;
		secs = tc_sat_muladd(secs, 1, v);
		break;
	}
	if (*p == '.') {
		int64_t scale = TC_NS / 10;
		const char *f = ++p;

		while (*p >= '0' && *p <= '9') {
			if (scale)
				frac += (*p - '0') * scale;
			else if (p == f + 9 && *p >= '5')
				frac++; /* round on the tenth digit */
			scale /= 10;
			p++;
		}
		if (p == f)
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	*ns = tc_sat_muladd(secs, TC_NS, frac);
	return 0;
}

char *tc_time_format(int64_t ns, char *buf, unsigned long size)
{
	if (ns == INT64_MAX) {
		snprintf(buf, size, "end");
		return buf;
	}
	if (ns < 0)
		ns = 0;
	int64_t ms = ns / 1000000, s = ms / 1000;
	if (s >= 3600)
		snprintf(buf, size, "%lld:%02lld:%02lld.%03lld", (long long)(s / 3600),
			 (long long)(s / 60 % 60), (long long)(s % 60), (long long)(ms % 1000));
	else
		snprintf(buf, size, "%lld:%02lld.%03lld", (long long)(s / 60),
			 (long long)(s % 60), (long long)(ms % 1000));
	return buf;
}
