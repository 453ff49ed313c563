/* tl_sysline: the strace line of an "s" event, parsed for the index.
 *
 * The timeline's first pass reads "s" events raw (cast_reader_set_raw):
 * their data is the JSON string as written, escapes kept. Decoding every
 * line was most of the pass (issue 16: 3,000,000 syscalls, 465 MB), yet
 * the index needs only what lies outside the call's arguments: the tid,
 * the name, the result, the errno and the duration. So the arguments are
 * walked in their escaped form (a strace string "a\"b" is \"a\\\"b\" there)
 * to the parenthesis that closes them, and only the head and the tail of
 * the line are given to strace_line_parse, as "HEAD(" + ")" + TAIL.
 *
 * Contract: for a raw text that decodes (jstr_unescape), every field of
 * the result equals strace_line_parse's on the decoded line, except args
 * (NULL/0 unless want_args). A text that does not decode is parsed as it
 * stands (the read-back shows it the same way). tests/unit/test_tl_sysline
 * checks the equality over the corpus' lines, escaped. */
#ifndef TRACECAST_TL_SYSLINE_H
#define TRACECAST_TL_SYSLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "tracecast/strace_line.h"
#include "sbuf.h"

/* Parse text[0..len): decoded text (raw false) or a JSON string's inside
 * (raw true). out's pointers point into text or scratch (valid until the
 * next call with that scratch). want_args: decode a raw line whole, so that
 * args is set too (for the few calls the index reads: clone, execve). */
void tl_sysline_parse(const char *text, size_t len, bool raw, bool want_args, sbuf_t *scratch,
		      strace_line_t *out);

/* Decode a raw text into out (replacing its contents); a text that does
 * not decode is copied as it stands. Returns 0, or -1 when it did not
 * decode. */
int tl_sysline_decode(const char *text, size_t len, sbuf_t *out);

#endif
