/* py_names: the names of another process's Python frames, read from
 * outside (py_mem) and cached.
 *
 * A frame is named "module:qualname" as the in-process sampler names it:
 * the module is its globals dict's __name__, the qualname its code
 * object's (';', the folded stack's separator, becomes '_'). Names are
 * cached by (code, globals) address and checked, each time one is used,
 * against the code object's name pointers and first line as the walk read
 * them: an address reused by another code object is named again. A
 * module's name is cached by its globals dict and checked against the
 * dict's keys object.
 *
 * The walker reads a chain, checks it, then asks for its names: the
 * objects of the names not cached can be read ahead in one call
 * (py_names_prefetch), valid until py_names_prefetch_drop. */
#ifndef TRACECAST_PY_NAMES_H
#define TRACECAST_PY_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "py_mem.h"

#if PYO_OK
typedef struct py_names py_names_t;

/* A cache for process pid, whose str and dict type objects are at
 * str_type and dict_type; NULL when out of memory. */
py_names_t *py_names_new(pid_t pid, uint64_t str_type, uint64_t dict_type);

/* Read ahead, in one call, the objects the names of the n frames not in
 * the cache will need (their globals dicts' heads, their qualnames' heads
 * and first characters); what cannot be read so is read one by one by
 * py_names_get. Replaces what an earlier call read ahead. */
void py_names_prefetch(py_names_t *pn, const py_mem_frame_t *frames, size_t n);

/* Forget what was read ahead (the next walk's objects may have changed). */
void py_names_prefetch_drop(py_names_t *pn);

/* The name of frame f (its raw and code bytes as the walk read and
 * checked them) into *out and *len, valid until the next call: from the
 * cache, or read (then *missed is set: the caller checks its chain
 * again). A module name that cannot be read (its dict changing under us,
 * or no __name__) is never cached: -EAGAIN, or when last (the walk's last
 * try) "?:qualname". A code object whose names cannot be read: -EAGAIN
 * (torn). -ENOMEM. */
int py_names_get(py_names_t *pn, const py_mem_frame_t *f, bool last, bool *missed,
		 const char **out, size_t *len);

/* Free. NULL is a no-op. */
void py_names_free(py_names_t *pn);
#endif

#endif
