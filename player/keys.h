/* keys: decoding the viewer's key presses (raw-mode bytes) into keys.
 *
 * Printable ASCII comes out as itself (KEY_CHAR with ch); arrows in both
 * CSI and SS3 forms, Shift+arrows as CSI 1;2 C/D (xterm, tmux), Enter,
 * Backspace (DEL and ^H), Escape, Ctrl-C. Unknown sequences are swallowed
 * whole. */
#ifndef TRACECAST_KEYS_H
#define TRACECAST_KEYS_H

#include <stddef.h>
#include <stdint.h>

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
	KEY_TAB,
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

/* A key sequence can arrive split across reads (over ssh, ESC then "[C"
 * a few ms later): decoding each read as final would give Escape, '[',
 * 'C'. A keys_reader keeps the start of a sequence (the carry) until the
 * rest comes or KEYS_ESC_TIMEOUT_NS passes, then takes it as typed (a lone
 * Escape), as tmux's tty-keys.c does with its escape timer. Caller
 * storage; zero it to start. */
#define KEYS_ESC_TIMEOUT_NS (INT64_C(100000000))   /* 100 ms */
#define KEYS_CARRY_MAX 64

typedef struct keys_reader {
	char carry[KEYS_CARRY_MAX];
	size_t len;
	int64_t since;       /* when the carry started (ns, caller's clock) */
} keys_reader_t;

/* Decode buf[0..n) read at now after the carry: up to max keys into out;
 * returns how many. An incomplete sequence at the end is kept. Bytes past
 * max keys are dropped. */
size_t keys_reader_feed(keys_reader_t *kr, const char *buf, size_t n, int64_t now,
			keypress_t *out, size_t max);
/* When the carry is KEYS_ESC_TIMEOUT_NS old at now, decode it as final
 * (out must hold KEYS_CARRY_MAX keys); returns how many keys. */
size_t keys_reader_expire(keys_reader_t *kr, int64_t now, keypress_t *out);
/* When the carry expires (INT64_MAX when there is none). */
int64_t keys_reader_deadline(const keys_reader_t *kr);

#endif
