/* jstr: JSON string escaping and unescaping for the hot paths.
 *
 * The writer escapes with jstr_escape(); the reader's fast scanner
 * (castline.h) unescapes with jstr_unescape(). Both are proven against
 * jansson by unit and differential fuzz tests. */
#ifndef TRACECAST_JSTR_H
#define TRACECAST_JSTR_H

#include <stddef.h>

/* Upper bound of jstr_escape()'s output for len input bytes. */
#define JSTR_ESCAPE_MAX(len) (6 * (len))

/* Escape valid UTF-8 in[0..len) as the inside of a JSON string (no quotes)
 * into out (capacity >= JSTR_ESCAPE_MAX(len), all of which may be written
 * to: blocks are stored whole): '"' and '\\' escaped, C0
 * controls and DEL as \u00XX except \n \r \t \b \f, everything else (valid
 * UTF-8) passed through. Returns bytes written. */
size_t jstr_escape(char *out, const char *in, size_t len);

/* As jstr_escape(), but checks that in[0..len) is valid UTF-8 on the way
 * (one pass instead of utf8_valid() + jstr_escape(): the writer's hot
 * path). Returns bytes written, or -1 if in is not valid UTF-8 (out then
 * holds a partial result). */
long jstr_escape_valid(char *out, const char *in, size_t len);

/* Unescape the inside of a JSON string in[0..len) (no quotes) into out
 * (capacity >= len + 1, not overlapping in; always NUL-terminated; the
 * whole capacity may be written). Accepts exactly what
 * jansson accepts: all escape forms including surrogate pairs; raw bytes
 * must be valid UTF-8 and not C0 controls (DEL is allowed raw); \u0000
 * gives a NUL byte, as jansson with JSON_ALLOW_NUL (which the reader uses).
 * Returns the decoded length, or -1 with *bad_offset (if not NULL) set to
 * the offset in `in` of the first fault. */
long jstr_unescape(char *out, const char *in, size_t len, size_t *bad_offset);

#endif
