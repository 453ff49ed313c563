/* rec_notice: what the recording engine has to tell the user.
 *
 * Engines never print (the user's terminal may be raw while they run):
 * they add a line to the caller's rec_notes_t, and cli/cmd_rec.c prints
 * the lines once, at a point where the terminal is in its normal mode
 * (before the session starts, and after it is restored). A bounded list:
 * lines past REC_NOTES_MAX are counted in `lost`, never allocated. */
#ifndef TRACECAST_REC_NOTICE_H
#define TRACECAST_REC_NOTICE_H

#include <stddef.h>

#define REC_NOTES_MAX 32
#define REC_NOTE_TEXT 1024

typedef struct rec_notes {
	size_t n;                   /* lines held */
	size_t shown;               /* lines already handed out by _take */
	unsigned long lost;         /* lines that did not fit */
	char text[REC_NOTES_MAX][REC_NOTE_TEXT]; /* without the newline */
} rec_notes_t;

void rec_notes_init(rec_notes_t *n);

/* Add one line, whole ("tracecast: ..." without the newline; longer than
 * REC_NOTE_TEXT is cut). notes NULL: nothing happens. */
void rec_note(rec_notes_t *notes, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The next line not yet taken, or NULL. */
const char *rec_notes_take(rec_notes_t *n);

#endif
