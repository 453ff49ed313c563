/* keys: decoding the viewer's key presses (raw-mode bytes) into keys.
 *
 * Printable ASCII comes out as itself (KEY_CHAR with ch); arrows in both
 * CSI and SS3 forms, Shift+arrows as CSI 1;2 C/D (xterm, tmux), Enter,
 * Backspace (DEL and ^H), Escape, Ctrl-C. Unknown sequences are swallowed
 * whole. */
#ifndef TRACECAST_KEYS_H
#define TRACECAST_KEYS_H

#include <stddef.h>

typedef enum key_kind {
	KEY_NONE = 0,
	KEY_CHAR,
	KEY_LEFT,
	KEY_RIGHT,
	KEY_SHIFT_LEFT,
	KEY_SHIFT_RIGHT,
	KEY_UP,
	KEY_DOWN,
	KEY_ENTER,
	KEY_BACKSPACE,
	KEY_ESCAPE,
	KEY_CTRL_C,
	KEY_OTHER,
} key_kind_t;

typedef struct key {
	key_kind_t kind;
	char ch;          /* KEY_CHAR: the character (UTF-8 lead bytes pass as-is) */
} keypress_t;

/* Decode the key at the start of buf[0..len). Returns the bytes used (>= 1
 * when len >= 1), or 0 when buf holds only the start of a sequence and
 * final is false (wait for more). With final true, an incomplete sequence
 * is an Escape followed by its bytes. */
size_t keys_decode(const char *buf, size_t len, int final, keypress_t *out);

#endif
