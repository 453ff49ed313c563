/* fdio: write-all for every side (the recording, the relay, the player's
 * terminal, the control socket's clients).
 */
#ifndef TRACECAST_FDIO_H
#define TRACECAST_FDIO_H

#include <stddef.h>

/* Write all of buf[0..len) to fd. Retries on EINTR and short writes; on a
 * non-blocking fd that is full (EAGAIN), waits in poll() for POLLOUT.
 * Returns 0, or -errno of the failing write (-EIO for a write of 0 bytes).
 * On failure some prefix of buf may have been written. */
int fdio_write_all(int fd, const void *buf, size_t len);

#endif
