/* relay: the physical limit of a pty recorder, for bench/rec.sh.
 *
 * A minimal forkpty relay: poll the master, read 64 KiB at a time, write
 * the bytes raw to OUTFILE (no encoding, no timing), until EIO after the
 * command exits. usage: relay OUTFILE COMMAND [ARG...] */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[65536];
	struct winsize ws = { .ws_col = 80, .ws_row = 24 };
	int master, out, status = 0;
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: relay OUTFILE COMMAND [ARG...]\n");
		return 2;
	}
	out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (out < 0) {
		perror(argv[1]);
		return 1;
	}
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				perror("write");
				return 1;
			}
			off += w;
		}
	}
	waitpid(pid, &status, 0);
	close(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
