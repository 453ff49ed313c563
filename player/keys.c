/* keys: decoding key presses (see keys.h). */
#include <string.h>

#include "keys.h"

/* A CSI/SS3 sequence starting at buf (buf[0] == ESC). */
static size_t keys_escape(const char *buf, size_t len, int final, keypress_t *out)
{
	if (len < 2) {
		if (!final)
			return 0;
		out->kind = KEY_ESCAPE;
		return 1;
	}
	if (buf[1] != '[' && buf[1] != 'O') {
		out->kind = KEY_ESCAPE;
		return 1;
	}
	/* parameters and intermediates, then a final byte 0x40..0x7e */
	size_t i = 2;
	while (i < len && ((unsigned char)buf[i] >= 0x20 && (unsigned char)buf[i] <= 0x3f))
		i++;
	if (i >= len) {
		if (!final)
			return 0;
		out->kind = KEY_ESCAPE;
		return 1;
	}
	char fin = buf[i];
	size_t plen = i - 2;
	const char *par = buf + 2;
	int shift = (plen == 3 && !memcmp(par, "1;2", 3));
	out->kind = KEY_OTHER;
	if (fin == 'C')
		out->kind = shift ? KEY_SHIFT_RIGHT : (plen == 0 ? KEY_RIGHT : KEY_OTHER);
	else if (fin == 'D')
		out->kind = shift ? KEY_SHIFT_LEFT : (plen == 0 ? KEY_LEFT : KEY_OTHER);
	else if (fin == 'A' && plen == 0)
		out->kind = KEY_UP;
	else if (fin == 'B' && plen == 0)
		out->kind = KEY_DOWN;
	return i + 1;
}

size_t keys_decode(const char *buf, size_t len, int final, keypress_t *out)
{
	memset(out, 0, sizeof(*out));
	if (!len)
		return 0;
	unsigned char c = (unsigned char)buf[0];
	switch (c) {
	case 0x1b:
		return keys_escape(buf, len, final, out);
	case '\r':
	case '\n':
		out->kind = KEY_ENTER;
		return 1;
	case 0x7f:
	case 0x08:
		out->kind = KEY_BACKSPACE;
		return 1;
	case 0x03:
		out->kind = KEY_CTRL_C;
		return 1;
	case '\t':
		out->kind = KEY_TAB;
		return 1;
	default:
		break;
	}
	if (c < 0x20) {
		out->kind = KEY_OTHER;
		return 1;
	}
	out->kind = KEY_CHAR;
	out->ch = (char)c;
	return 1;
}

/* Decode kr->carry from its start; keep what is incomplete unless final. */
static size_t keys_reader_run(keys_reader_t *kr, int final, keypress_t *out, size_t max)
{
	size_t i = 0, k = 0;

	while (i < kr->len && k < max) {
		size_t used = keys_decode(kr->carry + i, kr->len - i, final, &out[k]);
		if (!used)
			break;
		i += used;
		k++;
	}
	if (k == max)
		i = kr->len; /* no room for more keys: drop the rest */
	memmove(kr->carry, kr->carry + i, kr->len - i);
	kr->len -= i;
	return k;
}

size_t keys_reader_feed(keys_reader_t *kr, const char *buf, size_t n, int64_t now,
			keypress_t *out, size_t max)
{
	size_t k = 0, had = kr->len;

	while (n && k < max) {
		size_t room = sizeof(kr->carry) - kr->len;
		size_t take = n < room ? n : room;
		memcpy(kr->carry + kr->len, buf, take);
		kr->len += take;
		buf += take;
		n -= take;
		size_t before = kr->len;
		k += keys_reader_run(kr, 0, out + k, max - k);
		if (kr->len == sizeof(kr->carry) && kr->len == before)
			k += keys_reader_run(kr, 1, out + k, max - k); /* garbage: no wait */
	}
	/* a carry left now starts now, unless it is the old one still
	 * waiting (nothing decoded) */
	if (!had || k)
		kr->since = now;
	return k;
}

size_t keys_reader_expire(keys_reader_t *kr, int64_t now, keypress_t *out)
{
	if (!kr->len || now - kr->since < KEYS_ESC_TIMEOUT_NS)
		return 0;
	return keys_reader_run(kr, 1, out, KEYS_CARRY_MAX);
}

int64_t keys_reader_deadline(const keys_reader_t *kr)
{
	return kr->len ? kr->since + KEYS_ESC_TIMEOUT_NS : INT64_MAX;
}
