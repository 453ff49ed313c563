/* tracecast: the command dispatcher. Each subcommand lives in its module. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "tracecast/version.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "rec", cmd_rec, "record a command in a terminal (with --strace, --profile)" },
	{ "play", cmd_play, "replay a recording with syscall and profile overlays" },
	{ "cat", cmd_cat, "print a recording's terminal output" },
	{ "info", cmd_info, "describe and validate a recording" },
	{ "dump", cmd_dump, "print the screen at given times (text or ANSI)" },
	{ "convert", cmd_convert, "convert between asciicast v1/v2/v3, gzip" },
	{ "stats", cmd_stats, "count the recorded syscalls (strace -c), slowest, errors" },
	{ "export", cmd_export, "export to folded, callgrind, speedscope, chrome, strace or a shareable HTML page" },
	{ "mark", cmd_mark, "add a marker to the session being recorded" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: tracecast [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\n'tracecast help COMMAND' (or 'tracecast COMMAND --help') describes a\n"
		    "command; 'man tracecast-COMMAND' too, once installed.\n"
		    "exit codes: 0 ok, 1 failure, 2 usage error "
		    "(rec: the recorded command's status).\n");
}

/* Edit distance (insert, delete, substitute, swap of neighbours) of two
 * short words, capped at 9. */
static unsigned distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned d[17][17];

	if (n > 16 || m > 16)
		return 9;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			unsigned v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m];
}

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* "tracecast: unknown command 'plya'; did you mean 'play'?" */
static int unknown(const char *name)
{
	const char *best = NULL;
	unsigned bd = 3; /* at most two edits away, or a prefix of 2+ letters */

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		unsigned d = distance(name, commands[i].name);
		if (d < bd) {
			bd = d;
			best = commands[i].name;
		}
	}
	for (size_t i = 0; !best && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strlen(name) >= 2 && !strncmp(name, commands[i].name, strlen(name)))
			best = commands[i].name;
	fprintf(stderr, "tracecast: unknown command '%s'", name);
	if (best)
		fprintf(stderr, "; did you mean '%s'?", best);
	fprintf(stderr, "\nusage: tracecast [--version] [--help] COMMAND [ARGS]\n"
		"Try 'tracecast --help'.\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    (!strcmp(argv[1], "help") && argc == 2)) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help")) { /* help CMD: that command's --help */
		const struct command *c = find(argv[2]);
		char *hargv[] = { argv[2], (char *)"--help", NULL };
		if (!c)
			return unknown(argv[2]);
		return c->run(2, hargv);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tracecast %s\n", TRACECAST_VERSION);
		return 0;
	}
	const struct command *c = find(argv[1]);
	if (c)
		return c->run(argc - 1, argv + 1);
	return unknown(argv[1]);
}
