/* commands: the entry points of tracecast's subcommands.
 *
 * Each takes the argv after the subcommand's name (argv[0] is the
 * subcommand) and returns the process exit code: 0 ok, 1 failure, 2 usage
 * (other codes are documented per command, e.g. rec returns the recorded
 * command's status). */
#ifndef TRACECAST_COMMANDS_H
#define TRACECAST_COMMANDS_H

int cmd_rec(int argc, char **argv);
int cmd_mark(int argc, char **argv);
int cmd_play(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_stats(int argc, char **argv);
/* export --format html (cli/cmd_export_html.c); cmd_export hands over. */
int cmd_export_html(int argc, char **argv);

#endif
