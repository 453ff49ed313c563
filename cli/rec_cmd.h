/* rec_cmd: `tracecast rec`, the recorder's entry point (cmd_rec in
 * commands.h): options, messages and exit codes. The engine is in
 * recorder/: rec_file (the file creation policy), rec_session (the pty and
 * its poll loop), rec_pipe (the event pipeline: UTF-8 repair, redaction,
 * reorder window, writer, the redaction count), rec_header, rec_notice
 * (the engine's messages, printed here once the terminal is restored) and
 * the sources. */
#ifndef TRACECAST_REC_CMD_H
#define TRACECAST_REC_CMD_H

#include "commands.h"

/* Most sources a recording runs (strace, profilers, control socket). */
#define REC_MAX_SOURCES 16

#endif
