/* rec_badbytes: write invalid UTF-8 (0xFF, lone continuation bytes, an
 * overlong C0 AF, a surrogate ED A0 80, a lead byte never completed, in the
 * middle of a write and at its end) between valid text. */
#include <time.h>
#include <unistd.h>

static void put(const char *s, size_t n)
{
	struct timespec ts = { 0, 30 * 1000 * 1000 };

	if (write(1, s, n) < 0)
		_exit(1);
	nanosleep(&ts, NULL);
}

int main(void)
{
	put("ff:\xff.\n", 6);
	put("cont:\x80\xbf.\n", 9);
	put("overlong:\xc0\xaf.\n", 13);
	put("surrogate:\xed\xa0\x80.\n", 15);
	put("lead:\xe2\x82", 7);       /* never completed: the next write is ASCII */
	put("x.\n", 3);
	put("lead4:\xf0\x9f\x98", 9);
	put("\n", 1);
	put("ok \xc3\xa9\n", 6);
	return 0;
}
