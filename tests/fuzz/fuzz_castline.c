/* Differential fuzz target: castline_scan against jansson.
 *
 * For any input line: if the scanner accepts it, jansson (json_loadb with
 * JSON_ALLOW_NUL) must accept it as [number, string, string] with the same
 * decoded code and data bytes, and the time must be the token's exact
 * conversion and agree with jansson's double; otherwise abort(). Lines
 * jansson accepts in that shape but the scanner declines are counted (a
 * decline is always safe: the reader then uses jansson) and reported at
 * exit; those with a convertible time are listed, as they would be a
 * needless slow path. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tracecast/castline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long n_runs, n_accepted, n_declined, n_declined_nul, n_declined_valid_time;

static void report(void)
{
	fprintf(stderr,
		"fuzz_castline: %lu inputs, %lu accepted by the scanner, %lu of jansson's "
		"[number,string,string] declined (%lu holding a raw NUL, which jansson skips; "
		"%lu others with an in-range time)\n",
		n_runs, n_accepted, n_declined, n_declined_nul, n_declined_valid_time);
}

/* The time token of an array line jansson accepted. */
static int token_time(const char *s, size_t len, int64_t *ns)
{
	size_t p = 0, e;

	while (p < len && strchr(" \t\n\r", s[p]) && s[p])
		p++;
	if (p >= len || s[p] != '[')
		return -1;
	for (p++; p < len && s[p] && strchr(" \t\n\r", s[p]); p++)
		;
	for (e = p; e < len && s[e] && strchr("0123456789+-.eE", s[e]); e++)
		;
	return castline_parse_time(s + p, e - p, ns);
}

/* Compare the scanner with jansson on line s[0..size). */
static void differ(const char *s, size_t size);

/* The first byte picks how the rest becomes a line: as it is, as the
 * inside of the data string, or as the time token, so that the unescaper
 * and the time conversion get arbitrary bytes in an otherwise valid line. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pre_data[] = "[1.5, \"o\", \"", post_data[] = "\"]";
	static const char pre_time[] = "[", post_time[] = ", \"o\", \"x\"]";
	const char *pre, *post;
	char *line;
	size_t n;

	if (!n_runs++)
		atexit(report);
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		differ((const char *)data + 1, size - 1);
		return 0;
	case 1:
		pre = pre_data;
		post = post_data;
		break;
	default:
		pre = pre_time;
		post = post_time;
		break;
	}
	n = strlen(pre) + (size - 1) + strlen(post);
	line = malloc(n);
	if (!line)
		return 0;
	memcpy(line, pre, strlen(pre));
	memcpy(line + strlen(pre), data + 1, size - 1);
	memcpy(line + strlen(pre) + size - 1, post, strlen(post));
	differ(line, n);
	free(line);
	return 0;
}

static void differ(const char *s, size_t size)
{
	char *buf = malloc(size + 2);
	castline_t cl;
	json_error_t je;
	json_t *j, *t, *c, *d;
	int ok;
	bool shape;

	if (!buf)
		return;
	ok = castline_scan(s, size, buf, &cl);
	j = json_loadb(s, size, JSON_ALLOW_NUL, &je);
	t = json_array_get(j, 0);
	c = json_array_get(j, 1);
	d = json_array_get(j, 2);
	shape = json_is_array(j) && json_array_size(j) == 3 && json_is_number(t) &&
		json_is_string(c) && json_is_string(d);
	if (ok) {
		int64_t ns;
		n_accepted++;
		if (!shape) {
			fprintf(stderr, "scanner accepted, jansson: %s\n", j ? "other shape" : je.text);
			abort();
		}
		if (cl.code_len != json_string_length(c) ||
		    memcmp(cl.code, json_string_value(c), cl.code_len) != 0 ||
		    cl.data_len != json_string_length(d) ||
		    memcmp(cl.data, json_string_value(d), cl.data_len) != 0 ||
		    cl.code[cl.code_len] || cl.data[cl.data_len]) {
			fprintf(stderr, "decoded strings differ from jansson's\n");
			abort();
		}
		if (token_time(s, size, &ns) < 0 || ns != cl.time_ns) {
			fprintf(stderr, "time differs from the token's conversion\n");
			abort();
		}
		if (fabs(json_number_value(t) * 1e9 - (double)ns) > 1.0 + 1e-12 * (double)ns) {
			fprintf(stderr, "time %lld ns vs jansson %.17g s\n", (long long)ns,
				json_number_value(t));
			abort();
		}
	} else if (shape) {
		int64_t ns;
		n_declined++;
		/* jansson skips a raw NUL byte outside strings (its stream
		 * buffer is NUL-terminated): not JSON, rightly declined */
		if (memchr(s, 0, size))
			n_declined_nul++;
		else if (token_time(s, size, &ns) == 0) {
			if (n_declined_valid_time++ < 20) {
				fputs("declined with an in-range time: ", stderr);
				for (size_t i = 0; i < size && i < 200; i++) {
					unsigned char b = (unsigned char)s[i];
					if (b < 0x20 || b >= 0x7f || b == '\\')
						fprintf(stderr, "\\x%02x", b);
					else
						fputc(b, stderr);
				}
				fputc('\n', stderr);
			}
		}
	}
	json_decref(j);
	free(buf);
}
