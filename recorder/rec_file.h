/* rec_file: the recording's output file for `tracecast rec`.
 *
 * Creation: mode 0600 with O_EXCL (an existing file is refused) unless
 * overwrite; "-" is stdout; a ".gz" name is gzip. Append: the existing
 * plain v2 recording is read to its end (its size and last event time are
 * taken over), a last line cut by a crash is cut off, and new lines are
 * appended.
 *
 * The header's "tracecast.redactions" is only known at the end. For plain
 * regular files, right after the header is written, rec_file_pad_header()
 * rewrites it with REC_FILE_PAD spaces after the number ("redactions": 0
 * followed by JSON whitespace); rec_file_patch_count() rewrites the number
 * in place at the end (pwrite), the line keeping its length. Other outputs
 * (gzip, stdout, pipes) cannot be patched. */
#ifndef TRACECAST_REC_FILE_H
#define TRACECAST_REC_FILE_H

#include <stdbool.h>
#include <stdint.h>

/* Spaces reserved after the count: room for up to 20 more digits. */
#define REC_FILE_PAD 20

typedef struct rec_file {
	int fd;
	bool is_stdout;
	bool gzip;
	bool patchable;     /* plain regular file: the header can be patched */
	bool created;       /* we made it (removed again if setup fails) */
	char *abspath;      /* for TRACECAST_FILE ("-" for stdout) */
	/* append only: */
	bool appending;
	int64_t last_ns;    /* time of the last event in the file */
	unsigned cols, rows; /* its last size (header or last "r") */
} rec_file_t;

/* Open per the options. Returns 0, or an exit code (1 failure, 2 refused:
 * exists, or not appendable) after printing why. */
int rec_file_open(rec_file_t *f, const char *path, bool overwrite, bool append);

/* fd holds just the header line: add the spaces after its "redactions"
 * number and leave the file offset at the end. Returns 0, -ENOENT (no
 * such number, or more than the header in the file) or -errno. */
int rec_file_pad_header(int fd);

/* Add `count` to the "redactions" number of the header line of fd, in the
 * room of the spaces after it. Returns 0, -ENOENT when the header has no
 * count, -ERANGE when it does not fit, or -errno. */
int rec_file_patch_count(int fd, unsigned long count);

/* Close (not stdout) and free. keep=false removes a file we created. */
void rec_file_close(rec_file_t *f, bool keep, const char *path);

#endif
