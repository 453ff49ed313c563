/* tracecast cat: the "o" data of recordings, concatenated to stdout, as
 * `asciinema cat` prints it (asciinema 2.2 writes only "o" data, v1 stdout
 * frames included). Output is gathered in a large buffer and written with
 * few write() calls: this command is a hot path on multi-GB files. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracecast/fdio.h"
#include "tracecast/cast_reader.h"
#include "cli_common.h"
#include "commands.h"

#define CAT_BUF_SIZE (256 * 1024)

typedef struct cat_ctx {
	char *buf;
	size_t len;
	bool strict;
	int write_err; /* sticky -errno of stdout */
	cli_warn_state_t warn;
} cat_ctx_t;

static const char cat_usage[] =
	"usage: tracecast cat [--strict] FILE...\n"
	"\n"
	"Print the terminal output (the \"o\" events) of each recording to stdout,\n"
	"concatenated, exactly as `asciinema cat` does. FILE is asciicast v1, v2\n"
	"or v3, plain or gzip; \"-\" reads stdin.\n"
	"\n"
	"A malformed line is reported on stderr (FILE:LINE:COL) and skipped; a\n"
	"recording cut off mid-line (recorder killed) prints what is there with\n"
	"one warning.\n"
	"\n"
	"options:\n"
	"  --strict    stop at the first malformed line (exit 1)\n"
	"  -h, --help  this text\n"
	"\n"
	"exit: 0 ok (warnings allowed), 1 a file could not be read or --strict\n"
	"met a malformed line, 2 usage error.\n";

/* Write the buffered output to stdout; errors are sticky. */
static int cat_flush(cat_ctx_t *c)
{
	if (c->len && !c->write_err)
		c->write_err = fdio_write_all(STDOUT_FILENO, c->buf, c->len);
	c->len = 0;
	return c->write_err;
}

/* Append n bytes of output; big chunks bypass the buffer. */
static int cat_put(cat_ctx_t *c, const char *data, size_t n)
{
	if (c->len + n > CAT_BUF_SIZE) {
		if (cat_flush(c))
			return c->write_err;
		if (n >= CAT_BUF_SIZE) {
			c->write_err = fdio_write_all(STDOUT_FILENO, data, n);
			return c->write_err;
		}
	}
	memcpy(c->buf + c->len, data, n);
	c->len += n;
	return 0;
}

/* Print one file's output. Returns 0 ok, 1 when the file failed (could not
 * be opened, an I/O error, or a malformed line under --strict). */
static int cat_file(cat_ctx_t *c, const char *path)
{
	cast_reader_t *r = NULL;
	cast_error_t err;
	cast_event_t ev;
	char where[CAST_ERROR_SOURCE + CAST_ERROR_TEXT + 64];
	int rc, ret = 0;

	rc = cast_reader_open(&r, path, &err);
	if (rc < 0) {
		cli_error("cat", &err);
		return 1;
	}
	cast_reader_set_warn(r, cli_warn_print, &c->warn);
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == 1) {
			if (ev.code[0] == 'o' && ev.code[1] == '\0' &&
			    cat_put(c, ev.data, ev.data_len))
				break;
			continue;
		}
		if (rc == CAST_ERR_SYNTAX && !c->strict) {
			fprintf(stderr, "tracecast cat: %s (line skipped)\n",
				cast_error_format(&err, where, sizeof(where)));
			continue;
		}
		/* --strict syntax error, or an I/O error: stop this file */
		cli_error("cat", &err);
		ret = 1;
		break;
	}
	cast_reader_free(r);
	return ret;
}

int cmd_cat(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strict", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cat_ctx_t c = { 0 };
	int opt, ret = 0;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			c.strict = true;
			break;
		case 'h':
			fputs(cat_usage, stdout);
			return 0;
		default:
			return cli_bad_option("cat", argc, argv, opt);
		}
	}
	if (optind >= argc)
		return cli_usage_error("cat", "no FILE given");

	c.buf = malloc(CAT_BUF_SIZE);
	if (!c.buf) {
		fprintf(stderr, "tracecast cat: out of memory\n");
		return 1;
	}
	for (int i = optind; i < argc && !c.write_err; i++) {
		if (cat_file(&c, argv[i])) {
			ret = 1;
			if (c.strict)
				break;
		}
	}
	if (cat_flush(&c)) {
		fprintf(stderr, "tracecast cat: writing to stdout: %s\n", strerror(-c.write_err));
		ret = 1;
	}
	free(c.buf);
	return ret;
}
