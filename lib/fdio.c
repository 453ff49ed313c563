/* fdio: write-all (see include/tracecast/fdio.h). */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "tracecast/fdio.h"

int fdio_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pf = { .fd = fd, .events = POLLOUT };

			if (poll(&pf, 1, -1) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0) /* cannot happen for len > 0; never loop on it */
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
