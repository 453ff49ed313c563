/* rec_utf8split: write UTF-8 characters split across write() calls, with
 * pauses so the recorder reads the halves separately. */
#include <string.h>
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
	/* é (C3 A9), € (E2 82 AC), 😀 (F0 9F 98 80), each cut in every place. */
	put("a\xc3", 2);
	put("\xa9 b\xe2", 4);
	put("\x82", 1);
	put("\xac c\xf0\x9f", 5);
	put("\x98", 1);
	put("\x80 d\xf0", 4);
	put("\x9f\x98\x80 end\n", 8);
	return 0;
}
