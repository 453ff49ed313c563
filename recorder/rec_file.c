/* rec_file: create, replace, append to and patch the recording's file. */
#include "rec_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"
#include "tracecast/zio.h"

/* Absolute path of path (its folder resolved; the file may not exist). */
static char *rec_file_abspath(const char *path)
{
	char cwd[PATH_MAX], *out;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof cwd))
		return strdup(path);
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}

static bool rec_file_has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n >= k && !strcmp(s + n - k, suf);
}

/* Read the recording to its end: size and last time. Returns 0 or -errno
 * (-EINVAL: not a recording we can append to) with a note. */
static int rec_file_scan(rec_file_t *f, const char *path, rec_notes_t *notes)
{
	cast_reader_t *r = NULL;
	cast_error_t err;
	cast_event_t ev;
	char msg[CAST_ERROR_SOURCE + CAST_ERROR_TEXT + 32];
	int ret, fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ret = -errno;
		rec_note(notes, "tracecast rec: cannot append to %s: %s", path, strerror(-ret));
		return ret;
	}
	if (cast_reader_open_fd(&r, fd, path, &err) < 0) {
		close(fd);
		rec_note(notes, "tracecast: cannot append: %s",
			 cast_error_format(&err, msg, sizeof msg));
		return -EINVAL;
	}
	const cast_header_t *h = cast_reader_header(r);
	if (h->version != 2) {
		rec_note(notes, "tracecast: %s: cannot append to an asciicast v%d file "
			 "(convert it to v2 first: tracecast convert)", path, h->version);
		cast_reader_free(r);
		return -EINVAL;
	}
	f->cols = h->width;
	f->rows = h->height;
	while ((ret = cast_reader_next(r, &ev, &err)) != 0) {
		if (ret == CAST_ERR_SYNTAX)
			continue;
		if (ret < 0) {
			rec_note(notes, "tracecast: cannot append: %s",
				 cast_error_format(&err, msg, sizeof msg));
			cast_reader_free(r);
			return -EINVAL;
		}
		if (ev.time_ns > f->last_ns)
			f->last_ns = ev.time_ns;
		if (!strcmp(ev.code, "r"))
			cast_parse_size(ev.data, ev.data_len, &f->cols, &f->rows);
	}
	cast_reader_free(r);
	/* the reader clamps later times: what follows could not be put after
	 * them in order, so the file is left as it is */
	if (f->last_ns >= CAST_TIME_MAX_NS) {
		rec_note(notes, "tracecast: %s: cannot append: its events reach %lld s, the "
			 "latest time tracecast reads", path,
			 (long long)(CAST_TIME_MAX_NS / CAST_NS_PER_SEC));
		return -EINVAL;
	}
	return 0;
}

/* Cut a last line left without its newline by a crash. */
static int rec_file_trim(int fd)
{
	char buf[4096];
	off_t end = lseek(fd, 0, SEEK_END), pos = end;

	while (pos > 0) {
		size_t n = pos < (off_t)sizeof buf ? (size_t)pos : sizeof buf;
		if (pread(fd, buf, n, pos - (off_t)n) != (ssize_t)n)
			return -EIO;
		for (size_t i = n; i > 0; i--) {
			if (buf[i - 1] == '\n') {
				off_t cut = pos - (off_t)n + (off_t)i;
				if (cut != end && ftruncate(fd, cut) < 0)
					return -errno;
				return 0;
			}
		}
		pos -= (off_t)n;
	}
	return 0;
}

/* -a: lock, check by content, read to the end, trim. */
static int rec_file_open_append(rec_file_t *f, const char *path, rec_notes_t *notes)
{
	struct stat st;
	int ret;

	/* No O_APPEND: the header is patched with pwrite at the end. */
	f->fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (f->fd < 0) {
		ret = -errno;
		rec_note(notes, "tracecast rec: cannot append to %s: %s", path, strerror(-ret));
		/* a name that is not a recording to append to: refused (exit 2) */
		return ret == -ELOOP || ret == -ENOENT ? -EINVAL : ret;
	}
	if (fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rec_note(notes, "tracecast rec: cannot append to %s: not a regular file", path);
		return -EINVAL;
	}
	if (st.st_uid != geteuid()) {
		rec_note(notes, "tracecast rec: %s belongs to another user (uid %u); not "
			 "appending to it", path, (unsigned)st.st_uid);
		return -EINVAL;
	}
	if (flock(f->fd, LOCK_EX | LOCK_NB) < 0) {
		ret = -errno;
		rec_note(notes, "tracecast rec: %s: %s", path, ret == -EWOULDBLOCK
			 ? "another recorder is appending to it" : strerror(-ret));
		return ret == -EWOULDBLOCK ? -EBUSY : ret;
	}
	ret = zio_fd_is_gzip(f->fd);
	if (ret != 0) {
		rec_note(notes, "tracecast rec: %s: cannot append to a gzip recording "
			 "(gunzip it, append, gzip it again)", path);
		return ret < 0 ? ret : -EINVAL;
	}
	if ((ret = rec_file_scan(f, path, notes)) < 0)
		return ret;
	if ((ret = rec_file_trim(f->fd)) < 0 || lseek(f->fd, 0, SEEK_END) < 0) {
		ret = ret < 0 ? ret : -errno;
		rec_note(notes, "tracecast rec: cannot append to %s: %s", path, strerror(-ret));
		return ret;
	}
	f->appending = true;
	f->patchable = true;
	return 0;
}

/* --overwrite: a temporary file beside a target we may replace. */
static int rec_file_open_tmp(rec_file_t *f, const char *path, rec_notes_t *notes)
{
	struct stat st;
	const char *slash = strrchr(path, '/');
	int ret;

	if (lstat(path, &st) == 0 && !S_ISLNK(st.st_mode)) {
		if (!S_ISREG(st.st_mode)) {
			rec_note(notes, "tracecast rec: %s is not a regular file; not replacing it",
				 path);
			return -EINVAL;
		}
		if (st.st_uid != geteuid()) {
			rec_note(notes, "tracecast rec: %s belongs to another user (uid %u); "
				 "not replacing it", path, (unsigned)st.st_uid);
			return -EINVAL;
		}
	}
	if (asprintf(&f->tmp_path, "%.*s.%s.XXXXXX", slash ? (int)(slash - path + 1) : 0,
		     path, slash ? slash + 1 : path) < 0) {
		f->tmp_path = NULL;
		return -ENOMEM;
	}
	f->fd = mkostemp(f->tmp_path, O_CLOEXEC); /* mode 0600 */
	if (f->fd < 0) {
		ret = -errno;
		rec_note(notes, "tracecast rec: cannot create %s: %s", f->tmp_path, strerror(-ret));
		free(f->tmp_path);
		f->tmp_path = NULL;
		return ret;
	}
	return 0;
}

int rec_file_open(rec_file_t *f, const char *path, bool overwrite, bool append,
		  rec_notes_t *notes)
{
	struct stat st;
	int ret;

	memset(f, 0, sizeof *f);
	f->fd = -1;
	if (!strcmp(path, "-")) {
		if (append) {
			rec_note(notes, "tracecast rec: cannot append to stdout");
			return -EINVAL;
		}
		if (isatty(1)) {
			rec_note(notes, "tracecast rec: not writing a recording to a terminal "
				 "(redirect stdout, e.g. '- > file.cast', or give a FILE)");
			return -EINVAL;
		}
		f->fd = 1;
		f->is_stdout = true;
		f->abspath = strdup("-");
		return f->abspath ? 0 : -ENOMEM;
	}
	f->abspath = rec_file_abspath(path);
	f->path = strdup(path);
	if (!f->abspath || !f->path)
		return -ENOMEM;
	if (append)
		return rec_file_open_append(f, path, notes);
	f->gzip = rec_file_has_suffix(path, ".gz");
	if (overwrite) {
		ret = rec_file_open_tmp(f, path, notes);
	} else {
		f->fd = open(path, O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_RDWR, 0600);
		ret = f->fd < 0 ? -errno : 0;
		if (ret == -EEXIST)
			rec_note(notes, "tracecast rec: %s already exists; use --overwrite to "
				 "replace it or -a to append to it", path);
		else if (ret < 0)
			rec_note(notes, "tracecast rec: cannot create %s: %s", path,
				 strerror(-ret));
	}
	if (ret < 0)
		return ret;
	f->created = true;
	if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && !f->gzip)
		f->patchable = true;
	return 0;
}

int rec_file_commit(rec_file_t *f, rec_notes_t *notes)
{
	int ret;

	if (!f->tmp_path)
		return 0;
	if (rename(f->tmp_path, f->path) < 0) {
		ret = -errno;
		rec_note(notes, "tracecast rec: cannot replace %s: %s; the recording is in %s",
			 f->path, strerror(-ret), f->tmp_path);
		free(f->tmp_path);
		f->tmp_path = NULL; /* kept where it is */
		return ret;
	}
	free(f->tmp_path);
	f->tmp_path = NULL;
	f->created = false; /* the target now: never removed */
	return 0;
}

/* Read the first line of fd into buf (NUL-terminated, without the
 * newline). Returns its length, or -errno / -ENOENT (no complete line). */
static ssize_t rec_file_first_line(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	char *nl;

	if (n <= 0)
		return n < 0 ? -errno : -ENOENT;
	buf[n] = '\0';
	nl = memchr(buf, '\n', (size_t)n);
	if (!nl)
		return -ENOENT;
	*nl = '\0';
	return nl - buf;
}

/* The number after the last "redactions": key of a header line (a title
 * cannot hold the key: its quotes would be escaped). */
static char *rec_file_count_at(char *line)
{
	char *key = NULL, *p;

	for (p = line; (p = strstr(p, "\"redactions\":")); p++)
		key = p;
	if (!key)
		return NULL;
	p = key + strlen("\"redactions\":");
	while (*p == ' ')
		p++;
	return *p >= '0' && *p <= '9' ? p : NULL;
}

int rec_file_pad_header(int fd)
{
	static char line[65536 + REC_FILE_PAD + 2];
	ssize_t len = rec_file_first_line(fd, line, 65536);
	char *num, *end;

	if (len < 0)
		return (int)len;
	if (lseek(fd, 0, SEEK_END) != len + 1 || !(num = rec_file_count_at(line)))
		return -ENOENT; /* only a file holding just the header */
	for (end = num; *end >= '0' && *end <= '9'; end++)
		;
	size_t tail = (size_t)(line + len - end);
	memmove(end + REC_FILE_PAD, end, tail);
	memset(end, ' ', REC_FILE_PAD);
	len += REC_FILE_PAD;
	line[len++] = '\n';
	if (pwrite(fd, line, (size_t)len, 0) != len || lseek(fd, len, SEEK_SET) != len)
		return -EIO;
	return 0;
}

int rec_file_patch_count(int fd, unsigned long count)
{
	static char line[65536];
	char digits[24], *num, *p;
	ssize_t len = rec_file_first_line(fd, line, sizeof line);

	if (len < 0)
		return (int)len;
	if (!(num = rec_file_count_at(line)))
		return -ENOENT;
	errno = 0;
	unsigned long old = strtoul(num, &p, 10);
	size_t olen = (size_t)(p - num), room = olen;
	if (errno || olen > 20 || old > ULONG_MAX - count)
		return -ERANGE;
	while (*p == ' ') {
		p++;
		room++;
	}
	int dl = snprintf(digits, sizeof digits, "%lu", old + count);
	if ((size_t)dl > room)
		return -ERANGE;
	/* the new digits, then spaces over what is left of the old ones:
	 * never more than sizeof digits, whatever the room after them */
	size_t w = (size_t)dl > olen ? (size_t)dl : olen;
	memset(digits + dl, ' ', w - (size_t)dl);
	ssize_t n = pwrite(fd, digits, w, num - line);
	if (n != (ssize_t)w)
		return n < 0 ? -errno : -EIO;
	return fsync(fd) < 0 ? -errno : 0;
}

void rec_file_close(rec_file_t *f, bool keep)
{
	if (f->fd >= 0 && !f->is_stdout)
		close(f->fd);
	if (!keep && f->tmp_path)
		unlink(f->tmp_path);
	else if (!keep && f->created && f->path)
		unlink(f->path);
	f->fd = -1;
	free(f->abspath);
	free(f->path);
	free(f->tmp_path);
	f->abspath = f->path = f->tmp_path = NULL;
}
