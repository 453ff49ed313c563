/* cast_tail: the event lines of a recording from a byte offset on.
 *
 * The timeline keeps file offsets instead of text, and the playhead
 * resumes from screen snapshots: both read events again starting at a
 * (decompressed) byte offset that cast_reader_offset() gave during an
 * earlier pass. Only line formats can do that (asciicast v2 and v3); v3
 * times are intervals, so the caller passes the absolute time of the event
 * before the offset and the clock goes on from there.
 *
 * Plain files are positioned with lseek: any offset costs one read. A
 * gzip file cannot be entered in the middle: it is inflated from its start
 * and the bytes before the offset are skipped (about 300 MB/s here);
 * moving forward from the current position only inflates the gap, so
 * reads that go forward (playback, the syscall panel following the
 * playhead) stay cheap, and a move backward pays the inflate from the
 * start again. Malformed lines and resizes to a nonsense size are skipped
 * silently, as the reader skips them (the first pass reported them): the
 * events handed out are the reader's. */
#ifndef TRACECAST_CAST_TAIL_H
#define TRACECAST_CAST_TAIL_H

#include <stdbool.h>
#include <stdint.h>

#include "tracecast/cast_types.h"

typedef struct cast_tail cast_tail_t;

/* Open path (a v2 or v3 recording: version 2 or 3) for reading at
 * offsets. Returns 0 or -errno (-ENOTSUP for another version). */
int cast_tail_open(cast_tail_t **out, const char *path, int version);
void cast_tail_free(cast_tail_t *t);
/* Go to offset (the start of a line); clock_ns is the absolute time of the
 * event before it (v3 only; ignored for v2). Returns 0 or -errno. */
int cast_tail_seek(cast_tail_t *t, uint64_t offset, int64_t clock_ns);
/* Hand out the events of one code undecoded, exactly as cast_reader_set_raw
 * does (the same lines are raw in both, so indexes taken from a raw reader
 * pass count the same events here). Returns 0 or -EINVAL. */
int cast_tail_set_raw(cast_tail_t *t, const char *code);
/* Next event (pointers valid until the next call). Returns 1, 0 at the
 * end, or -errno. */
int cast_tail_next(cast_tail_t *t, cast_event_t *ev);
/* Offset just past the last line returned (the next line's start). */
uint64_t cast_tail_offset(const cast_tail_t *t);
/* True when the input is gzip (seeks are not random access). */
bool cast_tail_is_gzip(const cast_tail_t *t);

#endif
