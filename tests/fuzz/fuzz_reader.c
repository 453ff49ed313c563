/* Fuzz target: the whole reader over arbitrary bytes (plain or gzip, any
 * format), written to a memfd and opened with cast_reader_open_fd. It must
 * never crash, leak or loop; every result must be one of the documented
 * ones. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"

#include "fuzz_max_len.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Default -max_len to 16 KiB: libFuzzer would take the largest seed (the
 * corpus has 3 MB recordings) and run a hundred times slower; truncated
 * seeds still cover every format, and cuts are what we want to test. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char max_len[] = "-max_len=16384";

	fuzz_default_max_len(argc, argv, max_len);
	return 0;
}

static void on_warn(void *user, const cast_error_t *w)
{
	(void)w;
	++*(unsigned long *)user;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cast_reader_t *r;
	cast_error_t err;
	cast_event_t ev;
	unsigned long warns = 0, n = 0;
	int fd = memfd_create("fuzz", MFD_CLOEXEC), rc;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	rc = cast_reader_open_fd(&r, fd, "fuzz", &err);
	if (rc < 0) {
		if (r || (rc != CAST_ERR_SYNTAX && (rc < -4095 || rc > -1)))
			abort();
		return 0;
	}
	cast_reader_set_warn(r, on_warn, &warns);
	const cast_header_t *h = cast_reader_header(r);
	if (h->version < 1 || h->version > 3 || !h->json || h->width < 1 || h->height < 1)
		abort();
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc == 1) {
			if (ev.time_ns < 0 || !ev.code || !ev.data || ev.data[ev.data_len] != '\0')
				abort();
		} else if (rc != CAST_ERR_SYNTAX) {
			break;
		}
		if (++n > 1000000)
			abort(); /* no progress */
	}
	if (cast_reader_next(r, &ev, &err) != 0 || warns != cast_reader_warnings(r))
		abort();
	cast_reader_free(r);
	return 0;
}
