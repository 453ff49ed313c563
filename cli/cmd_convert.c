/* tracecast convert: any readable recording (asciicast v1/v2/v3, plain or
 * gzip) to asciicast v2 or v3, plain or gzip, optionally stripped of
 * tracecast's own events and header key.
 *
 * The output is written to a temporary file beside OUT and renamed over it
 * at the end, so a failed conversion never leaves half a file under OUT and
 * `convert X X --overwrite` works. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"
#include "tracecast/cast_writer.h"
#include "tracecast/fdio.h"
#include "report/cast_text.h"
#include "cli_common.h"
#include "commands.h"

typedef struct conv_opts {
	const char *cmd; /* for messages: "convert", or "rec" for rec -f */
	const char *in, *out;
	int format;  /* CLI_FMT_* */
	int version; /* 2 or 3 (asciicast formats) */
	bool strip, overwrite;
} conv_opts_t;

static const char conv_usage[] =
	"usage: tracecast convert [-f FORMAT] [--strip] [--overwrite] IN OUT\n"
	"\n"
	"Convert a recording (asciicast v1, v2 or v3, plain or gzip; IN \"-\" reads\n"
	"stdin) to asciicast v2 (default), asciicast v3, raw (the terminal output\n"
	"as it was written) or txt (the session as plain text: played through a\n"
	"terminal of the recording's size, every line that scrolled off and then\n"
	"the screen, as asciinema 3 writes it). Without -f the format follows OUT's\n"
	"name: \".txt\" is txt, anything else asciicast v2. OUT ending in \".gz\" is\n"
	"written gzip-compressed (asciicast); OUT \"-\" writes to stdout (never\n"
	"compressed). OUT is created with mode 0600, as recordings are: it holds\n"
	"the same secrets.\n"
	"\n"
	"Header: v1 -> v2 keeps width, height, title, command, env, timestamp,\n"
	"idle_time_limit (and any other key); v2 <-> v3 maps width/height <->\n"
	"term.cols/rows and theme <-> term.theme (v3's other term keys ride in a\n"
	"\"term\" object in v2, which players ignore); other keys are kept. Event\n"
	"times keep their microsecond; unknown event codes are passed through.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT, --output-format FORMAT\n"
	"                      asciicast-v2 (or v2), asciicast-v3 (or v3), raw, txt\n"
	"  --strip             drop tracecast's own events (\"s\" syscalls, \"p\" profile\n"
	"                      samples, \"t\" redaction count) and its \"tracecast\"\n"
	"                      header key: a file asciinema, agg and asciinema.org treat\n"
	"                      as their own (o, i, r, m markers, x and other codes stay)\n"
	"  --overwrite         replace OUT if it exists (refused otherwise)\n"
	"  -h, --help          this text\n"
	"\n"
	"A recording cut off mid-line converts up to the cut, with a warning.\n"
	"A malformed input line is reported (IN:LINE:COL) and skipped; OUT still\n"
	"holds every readable event, and the exit status is 1.\n"
	"\n"
	"exit: 0 ok, 1 failure (unreadable IN, malformed lines, OUT exists without\n"
	"--overwrite, write error), 2 usage error.\n";

/* Copy key k into o unless the value is null (asciinema drops those). */
static void conv_copy(json_t *o, const char *k, json_t *v)
{
	if (!json_is_null(v))
		json_object_set(o, k, v);
}

/* Build the output header from the input header (any version). */
static json_t *conv_header(const cast_header_t *h, int version, bool strip)
{
	json_t *o = json_object(), *term = json_object();
	json_t *hj = h->json, *v, *tv, *theme = NULL;
	const char *k, *tk;

	if (!o || !term)
		goto fail;
	json_object_set_new(o, "version", json_integer(version));
	if (version == 3) {
		json_object_set_new(o, "term", term);
		json_object_set_new(term, "cols", json_integer(h->width));
		json_object_set_new(term, "rows", json_integer(h->height));
	} else {
		json_object_set_new(o, "width", json_integer(h->width));
		json_object_set_new(o, "height", json_integer(h->height));
	}
	json_object_foreach(hj, k, v) {
		if (!strcmp(k, "version") || !strcmp(k, "width") || !strcmp(k, "height") ||
		    !strcmp(k, "stdout"))
			continue;
		if (strip && !strcmp(k, "tracecast"))
			continue;
		if (!strcmp(k, "theme")) {
			theme = v;
			if (version == 2)
				conv_copy(o, k, v);
			continue;
		}
		if (!strcmp(k, "term") && json_is_object(v)) {
			/* v3 term (or v2 carrying v3's leftovers) */
			json_t *rest = version == 3 ? term : json_object();

			json_object_foreach(v, tk, tv) {
				if (!strcmp(tk, "cols") || !strcmp(tk, "rows"))
					continue;
				if (!strcmp(tk, "theme")) {
					theme = tv;
					if (version == 2)
						conv_copy(o, "theme", tv);
					continue;
				}
				json_object_set(rest, tk, tv);
			}
			if (version == 2) {
				if (json_object_size(rest))
					json_object_set(o, "term", rest);
				json_decref(rest);
			}
			continue;
		}
		conv_copy(o, k, v);
	}
	if (version == 3 && theme && !json_is_null(theme))
		json_object_set(term, "theme", theme);
	if (version != 3)
		json_decref(term);
	return o;
fail:
	json_decref(o);
	json_decref(term);
	return NULL;
}

/* tracecast's own event codes, dropped by --strip: syscalls, samples and
 * the redaction count. */
static bool conv_is_own_code(const char *code)
{
	return (code[0] == 's' || code[0] == 'p' || code[0] == 't') && code[1] == '\0';
}

static bool conv_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Open the output: a temporary file beside OUT (its name in *tmp, to free),
 * or stdout. Returns the fd or -1 (reported). */
static int conv_open_out(const conv_opts_t *o, char **tmp)
{
	struct stat st;
	int fd;

	*tmp = NULL;
	if (!strcmp(o->out, "-"))
		return STDOUT_FILENO;
	if (!o->overwrite && lstat(o->out, &st) == 0) {
		fprintf(stderr, "tracecast %s: %s exists; use --overwrite to replace it\n", o->cmd, o->out);
		return -1;
	}
	if (asprintf(tmp, "%s.tmp-XXXXXX", o->out) < 0) {
		*tmp = NULL;
		fprintf(stderr, "tracecast %s: out of memory\n", o->cmd);
		return -1;
	}
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tracecast %s: cannot create %s: %s\n", o->cmd, *tmp, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	return fd; /* mkostemp's mode 0600: OUT holds what the recording holds */
}

/* Copy every event; returns 0 ok, 1 malformed lines met, -1 fatal. */
static int conv_events(cast_reader_t *r, cast_writer_t *w, const conv_opts_t *o)
{
	cast_error_t err;
	cast_event_t ev;
	int rc, wrc, ret = 0;

	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == 1) {
			if (o->strip && conv_is_own_code(ev.code))
				continue;
			wrc = cast_writer_event(w, ev.time_ns, ev.code, ev.data, ev.data_len);
			if (wrc < 0) {
				fprintf(stderr, "tracecast %s: writing %s: %s\n", o->cmd, o->out, strerror(-wrc));
				return -1;
			}
			continue;
		}
		cli_error(o->cmd, &err);
		if (rc != CAST_ERR_SYNTAX)
			return -1;
		ret = 1;
	}
	return ret;
}

/* raw and txt: the output, as written or as text. Returns 0 ok, 1
 * malformed lines met, -1 fatal. */
static int conv_plain(cast_reader_t *r, int fd, const conv_opts_t *o)
{
	const cast_header_t *h = cast_reader_header(r);
	cast_text_t *txt = NULL;
	cast_error_t err;
	cast_event_t ev;
	unsigned c, rw;
	int rc, ret = 0;
	char extra;

	if (o->format == CLI_FMT_TXT &&
	    cast_text_new(&txt, h->width ? h->width : 80, h->height ? h->height : 24) < 0) {
		fprintf(stderr, "tracecast %s: out of memory\n", o->cmd);
		return -1;
	}
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == 1) {
			if (!strcmp(ev.code, "o")) {
				if (txt)
					cast_text_feed(txt, ev.data, ev.data_len);
				else if (fdio_write_all(fd, ev.data, ev.data_len) < 0)
					goto write_error;
			} else if (txt && !strcmp(ev.code, "r") &&
				   sscanf(ev.data, "%ux%u%c", &c, &rw, &extra) == 2) {
				cast_text_resize(txt, c, rw);
			}
			continue;
		}
		cli_error(o->cmd, &err);
		if (rc != CAST_ERR_SYNTAX) {
			cast_text_free(txt);
			return -1;
		}
		ret = 1;
	}
	if (txt) {
		size_t n;
		const char *text = cast_text_result(txt, &n);
		if (!text) {
			fprintf(stderr, "tracecast %s: out of memory\n", o->cmd);
			cast_text_free(txt);
			return -1;
		}
		if (fdio_write_all(fd, text, n) < 0)
			goto write_error;
		cast_text_free(txt);
	}
	return ret;
write_error:
	fprintf(stderr, "tracecast %s: writing %s: %s\n", o->cmd, o->out, strerror(errno));
	cast_text_free(txt);
	return -1;
}

static int conv_run(const conv_opts_t *o)
{
	cast_reader_t *r = NULL;
	cast_writer_t *w = NULL;
	cast_writer_opts_t wo = { 0 };
	cast_error_t err;
	json_t *hdr = NULL;
	char *tmp = NULL;
	int fd = -1, rc, ret = 1, ev_rc;

	rc = cast_reader_open(&r, o->in, &err);
	if (rc < 0) {
		cli_error(o->cmd, &err);
		return 1;
	}
	cast_reader_set_warn(r, cli_warn_print, NULL);
	hdr = conv_header(cast_reader_header(r), o->version, o->strip);
	if (!hdr) {
		fprintf(stderr, "tracecast %s: out of memory\n", o->cmd);
		goto out;
	}
	fd = conv_open_out(o, &tmp);
	if (fd < 0)
		goto out;
	if (o->format == CLI_FMT_RAW || o->format == CLI_FMT_TXT) {
		ev_rc = conv_plain(r, fd, o);
		if (tmp && close(fd) < 0 && ev_rc >= 0) {
			fprintf(stderr, "tracecast %s: writing %s: %s\n", o->cmd, o->out, strerror(errno));
			ev_rc = -1;
		}
		if (ev_rc < 0)
			goto out;
		goto renamed;
	}
	wo.version = o->version;
	wo.gzip = tmp && conv_ends_with(o->out, ".gz");
	wo.close_fd = tmp != NULL;
	rc = cast_writer_open_fd(&w, fd, &wo);
	if (rc < 0) {
		fprintf(stderr, "tracecast %s: %s: %s\n", o->cmd, o->out, strerror(-rc));
		if (tmp)
			close(fd);
		goto out;
	}
	rc = cast_writer_header(w, hdr);
	if (rc < 0) {
		fprintf(stderr, "tracecast %s: writing %s: %s\n", o->cmd, o->out, strerror(-rc));
		goto out;
	}
	ev_rc = conv_events(r, w, o);
	if (ev_rc < 0)
		goto out;
	rc = cast_writer_close(w);
	if (rc < 0) {
		fprintf(stderr, "tracecast %s: writing %s: %s\n", o->cmd, o->out, strerror(-rc));
		goto out;
	}
renamed:
	if (tmp && rename(tmp, o->out) < 0) {
		fprintf(stderr, "tracecast %s: cannot rename %s to %s: %s\n", o->cmd, tmp, o->out,
			strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	ret = ev_rc; /* 1 if malformed lines were skipped */
out:
	cast_writer_free(w);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	json_decref(hdr);
	cast_reader_free(r);
	return ret;
}

int cli_convert_file(const char *cmd, const char *in, const char *out, int format,
		     bool overwrite)
{
	conv_opts_t o = {
		.cmd = cmd, .in = in, .out = out, .format = format,
		.version = format == CLI_FMT_V3 ? 3 : 2, .overwrite = overwrite,
	};

	return conv_run(&o);
}

int cmd_convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output-format", required_argument, NULL, 'f' },
		{ "strip", no_argument, NULL, 's' },
		{ "overwrite", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	conv_opts_t o = { .cmd = "convert", .version = 2, .format = -1 };
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			o.format = cli_parse_format(optarg);
			if (o.format < 0)
				return cli_usage_error("convert", "unknown format '%s' (asciicast-v2, "
						       "asciicast-v3, raw or txt)", optarg);
			break;
		case 's':
			o.strip = true;
			break;
		case 'O':
			o.overwrite = true;
			break;
		case 'h':
			fputs(conv_usage, stdout);
			return 0;
		default:
			if (optopt == 'f')
				return cli_usage_error("convert", "-f needs a format (asciicast-v2, "
						       "asciicast-v3, raw or txt)");
			return cli_bad_option("convert", argc, argv, opt);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("convert", "need IN and OUT (got %d argument%s)",
				       argc - optind, argc - optind == 1 ? "" : "s");
	o.in = argv[optind];
	o.out = argv[optind + 1];
	if (o.format < 0) /* asciinema 3: the format follows OUT's name */
		o.format = conv_ends_with(o.out, ".txt") ? CLI_FMT_TXT : CLI_FMT_V2;
	o.version = o.format == CLI_FMT_V3 ? 3 : 2;
	return conv_run(&o);
}
