/* tc_tmpdir: a private temporary folder (mode 0700, mkdtemp).
 *
 * The folder is made under $TMPDIR when that is set, absolute, and leaves
 * room for the names the caller will put inside; else under /tmp. The room
 * matters for AF_UNIX sockets (sun_path holds 107 bytes) and fixed-size
 * buffers: the caller says how many bytes it will append ("/ctl.sock" is
 * 9), and the whole path then fits in `size` bytes. */
#ifndef TRACECAST_TC_TMPDIR_H
#define TRACECAST_TC_TMPDIR_H

#include <stddef.h>

/* Make BASE/PREFIX.XXXXXX into out (size bytes), BASE as above, such that
 * strlen(out) + room < size. Returns 0, or -errno (-ENAMETOOLONG when even
 * /tmp does not fit; mkdtemp's errno otherwise). out is "" on failure. */
int tc_tmpdir_make(const char *prefix, size_t room, char *out, size_t size);

#endif
