/* rec_file: create, append to and patch the recording's file. */
#include "rec_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracecast/cast_reader.h"

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

/* Read the recording to its end: size and last time. Returns 0 or an exit
 * code after a message. */
static int rec_file_scan(rec_file_t *f, const char *path)
{
	cast_reader_t *r = NULL;
	cast_error_t err;
	cast_event_t ev;
	int ret;

	if (cast_reader_open(&r, path, &err) < 0) {
		cast_error_print(stderr, "cannot append", &err);
		return 2;
	}
	const cast_header_t *h = cast_reader_header(r);
	if (h->version != 2) {
		fprintf(stderr, "tracecast: %s: cannot append to an asciicast v%d file "
			"(convert it to v2 first: tracecast convert)\n", path, h->version);
		cast_reader_free(r);
		return 2;
	}
	f->cols = h->width;
	f->rows = h->height;
	while ((ret = cast_reader_next(r, &ev, &err)) != 0) {
		if (ret == CAST_ERR_SYNTAX)
			continue;
		if (ret < 0) {
			cast_error_print(stderr, "cannot append", &err);
			cast_reader_free(r);
			return 1;
		}
		if (ev.time_ns > f->last_ns)
			f->last_ns = ev.time_ns;
		if (!strcmp(ev.code, "r"))
			cast_parse_size(ev.data, ev.data_len, &f->cols, &f->rows);
	}
	cast_reader_free(r);
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

int rec_file_open(rec_file_t *f, const char *path, bool overwrite, bool append)
{
	struct stat st;
	int flags = O_CREAT | O_CLOEXEC;

	memset(f, 0, sizeof *f);
	f->fd = -1;
	if (!strcmp(path, "-")) {
		if (append) {
			fprintf(stderr, "tracecast rec: cannot append to stdout\n");
			return 2;
		}
		if (isatty(1)) {
			fprintf(stderr, "tracecast rec: not writing a recording to a terminal "
				"(redirect stdout, e.g. '- > file.cast', or give a FILE)\n");
			return 2;
		}
		f->fd = 1;
		f->is_stdout = true;
		f->abspath = strdup("-");
		return f->abspath ? 0 : 1;
	}
	f->gzip = rec_file_has_suffix(path, ".gz");
	f->abspath = rec_file_abspath(path);
	if (!f->abspath)
		return 1;
	if (append) {
		if (f->gzip) {
			fprintf(stderr, "tracecast rec: %s: cannot append to a gzip recording "
				"(gunzip it, append, gzip it again)\n", path);
			return 2;
		}
		int ret = rec_file_scan(f, path);
		if (ret)
			return ret;
		/* No O_APPEND: the header is patched with pwrite at the end. */
		f->fd = open(path, O_RDWR | O_CLOEXEC);
		if (f->fd < 0 || rec_file_trim(f->fd) < 0 || lseek(f->fd, 0, SEEK_END) < 0) {
			fprintf(stderr, "tracecast rec: cannot append to %s: %s\n", path, strerror(errno));
			return 1;
		}
		f->appending = true;
		f->patchable = true;
		return 0;
	}
	flags |= overwrite ? O_TRUNC : O_EXCL;
	f->fd = open(path, flags | O_RDWR, 0600);
	if (f->fd < 0) {
		if (errno == EEXIST) {
			fprintf(stderr, "tracecast rec: %s already exists; use --overwrite to "
				"replace it or -a to append to it\n", path);
			return 2;
		}
		fprintf(stderr, "tracecast rec: cannot create %s: %s\n", path, strerror(errno));
		return 1;
	}
	f->created = !overwrite;
	if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && !f->gzip)
		f->patchable = true;
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
	unsigned long old = strtoul(num, &p, 10);
	size_t room = (size_t)(p - num);
	while (*p == ' ') {
		p++;
		room++;
	}
	int dl = snprintf(digits, sizeof digits, "%lu", old + count);
	if ((size_t)dl > room)
		return -ERANGE;
	memset(digits + dl, ' ', room - (size_t)dl); /* room <= 22 */
	ssize_t w = pwrite(fd, digits, room, num - line);
	if (w != (ssize_t)room)
		return w < 0 ? -errno : -EIO;
	return fsync(fd) < 0 ? -errno : 0;
}

void rec_file_close(rec_file_t *f, bool keep, const char *path)
{
	if (f->fd >= 0 && !f->is_stdout)
		close(f->fd);
	if (!keep && f->created && path)
		unlink(path);
	f->fd = -1;
	free(f->abspath);
	f->abspath = NULL;
}
