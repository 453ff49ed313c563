/* snap_pack: a fast, lossless packing of screen snapshot images.
 *
 * A snapshot is libvterm's whole arena (vt_arena.h), a few hundred KB for
 * an ordinary screen, taken every few hundred KB of output while playback
 * and seeks pass. Deflate (even Z_RLE) cost about 0.9 ms a snapshot, 4.6%
 * of a first pass over output-heavy recordings (issue 16). The image is
 * mostly zero words (empty cells' characters, unused blocks) and short
 * runs of a repeated word (pens), so it is packed by 8-byte words: runs of
 * zero words, runs of one repeated word, and literal stretches; about ten
 * times faster than deflate, for an image a few times larger.
 *
 * Format: tokens of a 32-bit header (kind << 30 | count) followed by the
 * kind's payload: ZERO (count words of 0, no payload), REPEAT (one word,
 * count times), LITERAL (count words). The bytes past the last whole word
 * follow the last token as they are. */
#ifndef TRACECAST_SNAP_PACK_H
#define TRACECAST_SNAP_PACK_H

#include <stddef.h>

/* Largest packed size of n input bytes. */
size_t snap_pack_bound(size_t n);
/* The packed size of in[0..n) (what snap_pack returns), without packing:
 * a count first, then an allocation of that size, is cheaper than a
 * bound-sized buffer whose fresh pages fault. */
size_t snap_pack_size(const unsigned char *in, size_t n);
/* Pack in[0..n) into out (at least snap_pack_bound(n) bytes). Returns the
 * packed size. */
size_t snap_pack(unsigned char *out, const unsigned char *in, size_t n);
/* Unpack packed[0..plen) into out, which must receive exactly n bytes.
 * Returns 0, or -1 when the packed data is not n bytes' worth. */
int snap_unpack(unsigned char *out, size_t n, const unsigned char *packed, size_t plen);

#endif
