/* rec_lines: write N lines of 16 bytes, one write() each (default 1000000).
 * usage: rec_lines [N] */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	char line[17];

	for (long i = 0; i < n; i++) {
		snprintf(line, sizeof line, "line %010ld\n", i % 10000000000L);
		if (write(1, line, 16) != 16)
			return 1;
	}
	return 0;
}
