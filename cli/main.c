/* tracecast: the command dispatcher. Each subcommand lives in its module. */
#include <stdio.h>
#include <string.h>

#include "tracecast/commands.h"
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
	{ "export", cmd_export, "export samples (folded stacks) or a shareable HTML page" },
	{ "mark", cmd_mark, "add a marker to the session being recorded" },
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: tracecast [--version] [--help] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(fp, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\n'tracecast COMMAND --help' describes a command.\n"
		    "exit codes: 0 ok, 1 failure, 2 usage error "
		    "(rec: the recorded command's status).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("tracecast %s\n", TRACECAST_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "tracecast: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
