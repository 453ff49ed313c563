/* tracecast export: the stack samples of a recording as folded stacks
 * ("main;run;busy 42" lines: the input of flamegraph.pl, inferno and
 * speedscope), for a time range. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "tracecast/cast_reader.h"
#include "tracecast/cli_common.h"
#include "tracecast/commands.h"

typedef struct ex_stack {
	char *stack;
	unsigned long count;
} ex_stack_t;

typedef struct ex_ctx {
	int64_t from_ns, to_ns;     /* -1: open */
	const char *mark_a, *mark_b;
	const char *src;            /* "perf", "py" or NULL for both */
	ex_stack_t *tab;            /* open addressing on the stack text */
	size_t cap, used;
	unsigned long samples, skipped_bad;
	bool seen_a, seen_b;
} ex_ctx_t;

static const char ex_usage_text[] =
	"usage: tracecast export FILE --format folded [--from T] [--to T]\n"
	"                        [--between-markers A B] [--src perf|py] [-o OUT]\n"
	"       tracecast export FILE --format html [-o OUT.html] [--from T] [--to T]\n"
	"                        [--between-markers A B]   (see --format html --help)\n"
	"Write the stack samples (perf and py \"p\" events) of a recording as folded\n"
	"stacks, one \"frame;frame;leaf COUNT\" line per distinct stack, sorted.\n"
	"  --format folded        the only format (flamegraph.pl, inferno, speedscope)\n"
	"  --from T, --to T       only samples from/until T: seconds (12.5) or M:SS.s\n"
	"  --between-markers A B  only samples after the first marker A and before the\n"
	"                         first marker B after it\n"
	"  --src perf|py          only that source (default: both)\n"
	"  -o OUT                 write to OUT instead of stdout\n";

/* Parse "S", "M:S" or "H:M:S" (fractions allowed on the seconds) into ns. */
static int ex_parse_time(const char *s, int64_t *ns)
{
	double total = 0;
	int parts = 0;
	const char *p = s;
	for (;;) {
		char *end;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || errno || v < 0 || (*p < '0' || *p > '9'))
			return -EINVAL;
		total = total * 60 + v;
		parts++;
		if (*end == ':' && parts < 3) {
			if (strchr(p, '.') && strchr(p, '.') < end)
				return -EINVAL; /* a fraction only on the last part */
			p = end + 1;
			continue;
		}
		if (*end)
			return -EINVAL;
		break;
	}
	if (total > 9e9)
		return -EINVAL;
	*ns = (int64_t)(total * 1e9 + 0.5);
	return 0;
}

static uint64_t ex_hash(const char *p)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

/* Count one stack. -ENOMEM on failure. */
static int ex_add(ex_ctx_t *c, const char *stack)
{
	if (c->used * 2 >= c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 1024;
		ex_stack_t *nt = calloc(nc, sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		for (size_t i = 0; i < c->cap; i++) {
			if (!c->tab[i].stack)
				continue;
			size_t j = ex_hash(c->tab[i].stack) & (nc - 1);
			while (nt[j].stack)
				j = (j + 1) & (nc - 1);
			nt[j] = c->tab[i];
		}
		free(c->tab);
		c->tab = nt;
		c->cap = nc;
	}
	size_t j = ex_hash(stack) & (c->cap - 1);
	while (c->tab[j].stack) {
		if (strcmp(c->tab[j].stack, stack) == 0) {
			c->tab[j].count++;
			return 0;
		}
		j = (j + 1) & (c->cap - 1);
	}
	if (!(c->tab[j].stack = strdup(stack)))
		return -ENOMEM;
	c->tab[j].count = 1;
	c->used++;
	return 0;
}

/* One event: markers open/close the range; p events with a stack count.
 * Returns 1 to stop reading, 0 to go on, -ENOMEM. */
static int ex_event(ex_ctx_t *c, const cast_event_t *ev)
{
	if (c->mark_a && ev->code[0] == 'm' && !ev->code[1]) {
		if (!c->seen_a && strcmp(ev->data, c->mark_a) == 0) {
			c->seen_a = true;
			return 0;
		}
		if (c->seen_a && strcmp(ev->data, c->mark_b) == 0) {
			c->seen_b = true;
			return 1;
		}
		return 0;
	}
	if (ev->code[0] != 'p' || ev->code[1])
		return 0;
	if (c->mark_a && !c->seen_a)
		return 0;
	if (c->from_ns >= 0 && ev->time_ns < c->from_ns)
		return 0;
	if (c->to_ns >= 0 && ev->time_ns > c->to_ns)
		return c->mark_a ? 0 : 1; /* times never go back in a recording */
	json_error_t err;
	json_t *j = json_loadb(ev->data, ev->data_len, 0, &err);
	const char *src = json_string_value(json_object_get(j, "src"));
	const char *stack = json_string_value(json_object_get(j, "stack"));
	int r = 0;
	if (!src) {
		c->skipped_bad++;
	} else if (stack && *stack && (strcmp(src, "perf") == 0 || strcmp(src, "py") == 0) &&
		   (!c->src || strcmp(src, c->src) == 0)) {
		r = ex_add(c, stack);
		c->samples++;
	}
	json_decref(j);
	return r;
}

static int cmp_stack(const void *a, const void *b)
{
	return strcmp(((const ex_stack_t *)a)->stack, ((const ex_stack_t *)b)->stack);
}

/* Sort and write the folded lines. Returns 0 or -errno. */
static int ex_write(ex_ctx_t *c, FILE *fp)
{
	size_t k = 0;
	for (size_t i = 0; i < c->cap; i++)
		if (c->tab[i].stack)
			c->tab[k++] = c->tab[i];
	for (size_t i = k; i < c->cap; i++)
		c->tab[i].stack = NULL;
	if (k)
		qsort(c->tab, k, sizeof(ex_stack_t), cmp_stack);
	for (size_t i = 0; i < k; i++) {
		/* a line break in a frame name would split the line */
		for (char *p = c->tab[i].stack; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		if (fprintf(fp, "%s %lu\n", c->tab[i].stack, c->tab[i].count) < 0)
			return -errno;
	}
	return 0;
}

static void ex_free(ex_ctx_t *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->tab[i].stack);
	free(c->tab);
}

/* Read the whole recording through the range. Returns the exit code. */
static int ex_run(ex_ctx_t *c, const char *path, const char *out)
{
	cast_reader_t *r;
	cast_error_t err;
	cast_event_t ev;
	cli_warn_state_t ws = { .limit = 10 };
	int rc;
	if (cast_reader_open(&r, path, &err) < 0) {
		cast_error_print(stderr, NULL, &err);
		return 1;
	}
	cast_reader_set_warn(r, cli_warn_print, &ws);
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == CAST_ERR_SYNTAX) {
			cast_error_print(stderr, NULL, &err);
			continue;
		}
		if (rc < 0) {
			cast_error_print(stderr, NULL, &err);
			cast_reader_free(r);
			return 1;
		}
		int e = ex_event(c, &ev);
		if (e < 0) {
			fprintf(stderr, "tracecast export: out of memory\n");
			cast_reader_free(r);
			return 1;
		}
		if (e)
			break;
	}
	cast_reader_free(r);
	if (c->mark_a && (!c->seen_a || !c->seen_b)) {
		fprintf(stderr, "tracecast export: %s: marker '%s' not found%s "
			"(list the markers with 'tracecast info %s')\n", path,
			c->seen_a ? c->mark_b : c->mark_a, c->seen_a ? " after the first one" : "",
			path);
		return 1;
	}
	FILE *fp = out ? fopen(out, "we") : stdout;
	if (!fp) {
		fprintf(stderr, "tracecast export: %s: %s\n", out, strerror(errno));
		return 1;
	}
	int w = ex_write(c, fp);
	if (fflush(fp) != 0 && !w)
		w = -errno;
	if (out && fclose(fp) != 0 && !w)
		w = -errno;
	if (w) {
		fprintf(stderr, "tracecast export: %s: %s\n", out ? out : "stdout", strerror(-w));
		return 1;
	}
	if (c->samples == 0)
		fprintf(stderr, "tracecast export: %s: no %s stack samples in the range "
			"(record them with --profile=perf or --profile=python)\n", path,
			c->src ? c->src : "perf or py");
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "between-markers", required_argument, NULL, 'B' },
		{ "src", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	ex_ctx_t c = { .from_ns = -1, .to_ns = -1 };
	const char *format = NULL, *out = NULL;
	int opt;
	for (int i = 1; i < argc; i++) /* the HTML page has its own front-end */
		if ((!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "html")) ||
		    !strcmp(argv[i], "--format=html"))
			return cmd_export_html(argc, argv);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			break;
		case 'F':
		case 'T':
			if (ex_parse_time(optarg, opt == 'F' ? &c.from_ns : &c.to_ns) < 0)
				return cli_usage_error("export", "bad time '%s' (seconds, e.g. 12.5, "
						       "or M:SS)", optarg);
			break;
		case 'B':
			if (optind >= argc)
				return cli_usage_error("export", "--between-markers needs two labels");
			c.mark_a = optarg;
			c.mark_b = argv[optind++];
			break;
		case 's':
			if (strcmp(optarg, "perf") != 0 && strcmp(optarg, "py") != 0)
				return cli_usage_error("export", "--src is perf or py, not '%s'", optarg);
			c.src = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(ex_usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("export", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("export", optind >= argc ? "no FILE given" : "one FILE only");
	if (!format || strcmp(format, "folded") != 0)
		return cli_usage_error("export", "--format folded or --format html is required");
	if (c.from_ns >= 0 && c.to_ns >= 0 && c.to_ns < c.from_ns)
		return cli_usage_error("export", "--to is before --from");
	int rc = ex_run(&c, argv[optind], out);
	ex_free(&c);
	return rc;
}
