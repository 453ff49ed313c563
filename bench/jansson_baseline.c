/* jansson_baseline: the minimal asciicast v2 reader `tracecast info` is
 * measured against: read lines (zlib's gzread, so plain and gzip alike),
 * json_loadb() each, count events per code (first byte). Prints the
 * counts. Usage: jansson_baseline FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zlib.h>

#define BL_CHUNK (256 * 1024)

typedef struct bl_state {
	unsigned long counts[256];
	unsigned long lines, bad;
} bl_state_t;

/* Parse one line (the first is the header). */
static void bl_line(bl_state_t *s, const char *line, size_t len)
{
	json_error_t err;
	json_t *v;

	if (len == 0)
		return;
	v = json_loadb(line, len, JSON_ALLOW_NUL, &err);
	if (!v) {
		s->bad++;
		return;
	}
	if (s->lines++ > 0) {
		json_t *code = json_array_get(v, 1);

		if (json_array_size(v) == 3 && json_is_string(code) &&
		    json_is_string(json_array_get(v, 2)))
			s->counts[(unsigned char)json_string_value(code)[0]]++;
		else
			s->bad++;
	}
	json_decref(v);
}

int main(int argc, char **argv)
{
	static bl_state_t s;
	gzFile f;
	char *buf;
	size_t cap = 2 * BL_CHUNK, have = 0;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: jansson_baseline FILE\n");
		return 2;
	}
	f = gzopen(argv[1], "rb");
	buf = malloc(cap);
	if (!f || !buf) {
		perror(argv[1]);
		return 1;
	}
	gzbuffer(f, BL_CHUNK);
	for (;;) {
		char *start, *nl;

		if (cap - have < BL_CHUNK) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				return 1;
		}
		n = gzread(f, buf + have, BL_CHUNK);
		if (n <= 0)
			break;
		have += (size_t)n;
		start = buf;
		while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			bl_line(&s, start, (size_t)(nl - start));
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
	}
	bl_line(&s, buf, have);
	gzclose(f);
	free(buf);
	for (int i = 0; i < 256; i++)
		if (s.counts[i])
			printf("%c %lu\n", i, s.counts[i]);
	printf("malformed %lu\n", s.bad);
	return 0;
}
