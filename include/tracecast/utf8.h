/* utf8: UTF-8 repair for byte streams.
 *
 * An incomplete sequence at the end of a chunk is held in the carry for the
 * next chunk of the same stream; invalid bytes become U+FFFD, one per
 * maximal subpart of an ill-formed sequence (the WHATWG / Unicode
 * "substitution of maximal subparts" rule, as Python's and asciinema 2.2's
 * decoder do). */
#ifndef TRACECAST_UTF8_H
#define TRACECAST_UTF8_H

#include <stdbool.h>
#include <stddef.h>

typedef struct utf8_carry {
	unsigned char buf[4];
	size_t len;
} utf8_carry_t;

void utf8_carry_init(utf8_carry_t *c);

/* Upper bound of the output of utf8_repair() for an input of len bytes. */
#define UTF8_REPAIR_MAX(len) (3 * ((len) + 4))

/* Decode carry + in[0..len) into out (capacity >= UTF8_REPAIR_MAX(len),
 * all of which may be written to), which receives valid UTF-8 only. in may
 * be NULL when len is 0. An incomplete sequence at the end is
 * kept in the carry unless final is true (then it becomes U+FFFD).
 * Returns the number of bytes written to out (may be 0). */
size_t utf8_repair(utf8_carry_t *c, const void *in, size_t len, char *out, bool final);

/* True if s[0..len) is entirely valid UTF-8 (no surrogates, no overlongs). */
bool utf8_valid(const void *s, size_t len);

#endif
