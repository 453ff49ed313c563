/* term: raw mode for the user's terminal, and its exact restoration. */
#include "tracecast/term.h"

#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

void term_init(term_t *t, int fd)
{
	t->fd = fd;
	t->saved = false;
	t->raw = false;
}

/* tcsetattr while ignoring SIGTTOU: a recorder that was put in the
 * background must still be able to give the terminal back. */
static int term_set(int fd, const struct termios *tio)
{
	sigset_t block, old;
	int ret = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (tcsetattr(fd, TCSADRAIN, tio) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int term_raw(term_t *t)
{
	struct termios raw;
	int ret;

	if (t->fd < 0 || !isatty(t->fd))
		return -ENOTTY;
	if (tcgetattr(t->fd, &t->orig) < 0)
		return -errno;
	t->saved = true;
	raw = t->orig;
	cfmakeraw(&raw);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	ret = term_set(t->fd, &raw);
	if (ret == 0)
		t->raw = true;
	return ret;
}

int term_restore(term_t *t)
{
	int ret;

	if (!t->saved || !t->raw)
		return 0;
	ret = term_set(t->fd, &t->orig);
	if (ret == 0)
		t->raw = false;
	return ret;
}

int term_size(int fd, unsigned *cols, unsigned *rows)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return -errno;
	if (!ws.ws_col || !ws.ws_row)
		return -EINVAL;
	*cols = ws.ws_col;
	*rows = ws.ws_row;
	return 0;
}
