/* term: the user's terminal, put in raw mode and restored exactly.
 *
 * term_raw() saves the terminal's settings (tcgetattr) and switches it to
 * raw mode; term_restore() puts the saved settings back (tcsetattr,
 * TCSADRAIN) and may be called any number of times, on every exit path.
 * Both are safe to call on a term_t that never went raw. */
#ifndef TRACECAST_TERM_H
#define TRACECAST_TERM_H

#include <stdbool.h>
#include <termios.h>

typedef struct term {
	int fd;               /* the terminal (usually 0), -1 when none */
	bool saved;           /* `orig` holds the settings read at term_raw() */
	bool raw;             /* the terminal is in raw mode now */
	struct termios orig;  /* settings to restore */
} term_t;

/* Initialise t for fd (no change to the terminal yet). */
void term_init(term_t *t, int fd);

/* Save the settings of t->fd and switch it to raw mode.
 * Returns 0 or -errno (-ENOTTY when fd is not a terminal). */
int term_raw(term_t *t);

/* Restore the saved settings if the terminal was switched. Returns 0 or
 * -errno. */
int term_restore(term_t *t);

/* Window size of fd into *cols and *rows. Returns 0 or -errno (also when the
 * terminal reports 0x0). */
int term_size(int fd, unsigned *cols, unsigned *rows);

#endif
