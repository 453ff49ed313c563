/* rec_file: the recording's output file for `tracecast rec`: the file
 * creation policy.
 *
 * New file (no --overwrite): created with O_EXCL | O_NOFOLLOW, mode 0600;
 * an existing name (a symlink included) is refused.
 *
 * --overwrite: the old recording stays until the new one has something in
 * it. The new one is written to a temporary file beside the target
 * (".NAME.XXXXXX", created 0600 by mkostemp), renamed over the target by
 * rec_file_commit() at the first flush (and at the end). A target that is
 * not a regular file, or is owned by another user, is refused; a symlink
 * is replaced, never written through. If the recording fails before the
 * rename, the temporary file is removed and the target is left untouched.
 *
 * "-" is stdout. A ".gz" name makes a new recording gzip.
 *
 * Append (-a): a symlink or another user's file is refused; gzip is told
 * by the content (zio_fd_is_gzip), never by the name, and refused, as is anything cast_reader cannot read to the end as
 * asciicast v2: a refused file is left byte-identical. The file is locked
 * (flock LOCK_EX, not waiting) for the whole session: a second appender is
 * refused. The last event time and size are taken over; a last line cut by
 * a crash is cut off, and new lines are appended.
 *
 * The header's "tracecast.redactions" is only known at the end. For plain
 * regular files, right after the header is written, rec_file_pad_header()
 * rewrites it with REC_FILE_PAD spaces after the number ("redactions": 0
 * followed by JSON whitespace); rec_file_patch_count() rewrites the number
 * in place at the end (pwrite), the line keeping its length. Other outputs
 * (gzip, stdout, pipes) cannot be patched.
 *
 * Messages go to the notes (recorder/rec_notice.h), never to stderr. */
#ifndef TRACECAST_REC_FILE_H
#define TRACECAST_REC_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "rec_notice.h"

/* Spaces reserved after the count: room for up to 20 more digits. */
#define REC_FILE_PAD 20

typedef struct rec_file {
	int fd;
	bool is_stdout;
	bool gzip;
	bool patchable;     /* plain regular file: the header can be patched */
	bool created;       /* we made it (removed again if setup fails) */
	char *abspath;      /* for TRACECAST_FILE ("-" for stdout) */
	char *path;         /* the target as given */
	char *tmp_path;     /* --overwrite: written here until committed */
	/* append only: */
	bool appending;
	int64_t last_ns;    /* time of the last event in the file */
	unsigned cols, rows; /* its last size (header or last "r") */
} rec_file_t;

/* Open per the options (the policy above). Returns 0, or -errno with the
 * reason in notes: -EEXIST (exists, no --overwrite or -a), -EINVAL (refused:
 * not appendable, a terminal as stdout, another user's file), -EBUSY
 * (another recorder appends to it), or the system's error. */
int rec_file_open(rec_file_t *f, const char *path, bool overwrite, bool append,
		  rec_notes_t *notes);

/* --overwrite: put the temporary file in the target's place (rename), once.
 * No-op otherwise. Returns 0 or -errno (the temporary file is then kept,
 * and its name noted). */
int rec_file_commit(rec_file_t *f, rec_notes_t *notes);

/* fd holds just the header line: add the spaces after its "redactions"
 * number and leave the file offset at the end. Returns 0, -ENOENT (no
 * such number, or more than the header in the file) or -errno. */
int rec_file_pad_header(int fd);

/* Add `count` to the "redactions" number of the header line of fd, in the
 * room of the spaces after it. Returns 0, -ENOENT when the header has no
 * count, -ERANGE when it does not fit (or the number is not one), or
 * -errno. Only the number's own bytes and the spaces it grows into are
 * written. */
int rec_file_patch_count(int fd, unsigned long count);

/* Close (not stdout) and free. keep=false removes a file we created and a
 * temporary file not yet committed (the target is then untouched). */
void rec_file_close(rec_file_t *f, bool keep);

#endif
