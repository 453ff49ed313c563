/* libFuzzer target for the v1 reader: the input is the inside of a v1
 * "stdout" array (frames, or anything), wrapped in a v1 object whose keys
 * come before or after it, so every input exercises the frame walk (which
 * must stay linear and in bounds) rather than the format detection. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char pre[2][64] = { "{\"version\": 1, \"width\": 20, \"height\": 5, \"stdout\": [",
					 "{\"stdout\": [" };
	static const char post[2][64] = { "]}", "], \"version\": 1, \"width\": 20, \"height\": 5}" };
	cast_reader_t *r;
	cast_error_t err;
	cast_event_t ev;
	int k = size && (data[0] & 1);
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, pre[k], strlen(pre[k])) < 0 || (size && write(fd, data, size) < 0) ||
	    write(fd, post[k], strlen(post[k])) < 0 || lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return 0;
	}
	if (cast_reader_open_fd(&r, fd, "fuzz", &err) < 0)
		return 0;
	int64_t last = -1;
	for (int n = 0; n < 1000000; n++) {
		int rc = cast_reader_next(r, &ev, &err);
		if (rc == 0 || (rc < 0 && rc != CAST_ERR_SYNTAX))
			break;
		if (rc == 1) {
			if (ev.time_ns < last || ev.time_ns > CAST_TIME_MAX_NS || strcmp(ev.code, "o"))
				abort();
			last = ev.time_ns;
		}
	}
	cast_reader_free(r);
	return 0;
}
