/* rec_notice: the engine's messages, held until the terminal is normal. */
#include "rec_notice.h"

#include <stdarg.h>
#include <stdio.h>

void rec_notes_init(rec_notes_t *n)
{
	n->n = n->shown = 0;
	n->lost = 0;
}

void rec_note(rec_notes_t *notes, const char *fmt, ...)
{
	va_list ap;

	if (!notes)
		return;
	if (notes->n == REC_NOTES_MAX) {
		notes->lost++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(notes->text[notes->n], REC_NOTE_TEXT, fmt, ap);
	va_end(ap);
	notes->n++;
}

const char *rec_notes_take(rec_notes_t *n)
{
	return n->shown < n->n ? n->text[n->shown++] : NULL;
}
