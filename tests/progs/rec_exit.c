/* rec_exit: print a line, then exit with status N, or kill itself with
 * signal N when given as -N. usage: rec_exit N */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;

	printf("exiting with %d\n", n);
	fflush(stdout);
	if (n < 0) {
		signal(-n, SIG_DFL);
		raise(-n);
		pause();
	}
	return n;
}
