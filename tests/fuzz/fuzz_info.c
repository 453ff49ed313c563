/* libFuzzer target for info's scan (report/info_scan.c) over any bytes
 * (plain or gzip), written to a memfd and scanned by path: it must never
 * crash, overflow or loop, whatever the header, sizes, times and samples. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report/info_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	info_scan_t c;
	cast_error_t err;
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	memset(&c, 0, sizeof c);
	(void)info_scan_run(&c, path, &err);
	info_scan_cleanup(&c);
	close(fd);
	return 0;
}
