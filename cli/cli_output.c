/* cli_output: a report's destination, a file made safely or stdout made
 * safe for terminals (see cli_output.h). */
#include "cli_output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The cat -v filter on stdout: a fopencookie stream. carry holds a 0xc2
 * that ended a write (its next byte decides whether it starts a C1). */
typedef struct co_tty {
	int carry;
} co_tty_t;

static void co_put(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
}

static void co_ctl(unsigned char c)
{
	char b[2] = { '^', (char)(c == 0x7f ? '?' : c + 64) };
	co_put(b, 2);
}

static ssize_t co_write(void *cookie, const char *buf, size_t n)
{
	co_tty_t *t = cookie;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (t->carry) {
			t->carry = 0;
			if (c >= 0x80 && c <= 0x9f) { /* C1 as cat -v shows its two bytes */
				co_put("M-BM-", 5);
				co_ctl((unsigned char)(c - 0x80));
				continue;
			}
			co_put("\xc2", 1);
		}
		if (c == 0xc2) {
			t->carry = 1;
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			co_ctl(c);
		} else {
			co_put((const char *)&buf[i], 1);
		}
	}
	return ferror(stdout) ? -1 : (ssize_t)n;
}

static int co_close(void *cookie)
{
	co_tty_t *t = cookie;
	if (t->carry)
		co_put("\xc2", 1);
	free(t);
	return fflush(stdout) == 0 ? 0 : EOF;
}

int cli_output_open(cli_output_t *o, const char *cmd, const char *path, bool force, bool raw)
{
	memset(o, 0, sizeof(*o));
	o->force = force;
	if (!path || strcmp(path, "-") == 0) {
		if (raw || !isatty(STDOUT_FILENO)) {
			o->fp = stdout;
			return 0;
		}
		co_tty_t *t = calloc(1, sizeof(*t));
		cookie_io_functions_t io = { .write = co_write, .close = co_close };
		if (!t || !(o->fp = fopencookie(t, "w", io))) {
			free(t);
			fprintf(stderr, "tracecast %s: out of memory\n", cmd);
			return 1;
		}
		return 0;
	}
	o->path = path;
	if (!force && access(path, F_OK) == 0) {
		fprintf(stderr, "tracecast %s: %s exists (use --force to replace it)\n", cmd, path);
		return 2;
	}
	size_t n = strlen(path) + 16;
	if (!(o->tmp = malloc(n))) {
		fprintf(stderr, "tracecast %s: out of memory\n", cmd);
		return 1;
	}
	snprintf(o->tmp, n, "%s.tmp.XXXXXX", path);
	int fd = mkostemp(o->tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
		fprintf(stderr, "tracecast %s: %s: %s\n", cmd, o->tmp, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return 1;
	}
	return 0;
}

int cli_output_close(cli_output_t *o, const char *cmd, bool ok)
{
	int rc = 0;
	if (!o->fp)
		return 0;
	if (fflush(o->fp) != 0 || ferror(o->fp)) {
		if (ok)
			fprintf(stderr, "tracecast %s: %s: %s\n", cmd, o->path ? o->path : "stdout",
				strerror(errno ? errno : EIO));
		ok = false;
		rc = 1;
	}
	if (o->path && ok && fsync(fileno(o->fp)) != 0) {
		fprintf(stderr, "tracecast %s: %s: %s\n", cmd, o->path, strerror(errno));
		ok = false;
		rc = 1;
	}
	if (o->fp != stdout && fclose(o->fp) != 0 && ok) {
		fprintf(stderr, "tracecast %s: %s: %s\n", cmd, o->path ? o->path : "stdout",
			strerror(errno));
		ok = false;
		rc = 1;
	}
	o->fp = NULL;
	if (o->path) {
		if (ok) {
			int r = o->force ? rename(o->tmp, o->path)
					 : renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, RENAME_NOREPLACE);
			if (r != 0) {
				fprintf(stderr, "tracecast %s: %s: %s%s\n", cmd, o->path, strerror(errno),
					errno == EEXIST ? " (use --force to replace it)" : "");
				rc = 1;
				unlink(o->tmp);
			}
		} else {
			unlink(o->tmp);
		}
	}
	free(o->tmp);
	o->tmp = NULL;
	return rc;
}
