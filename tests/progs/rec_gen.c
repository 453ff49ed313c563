/* rec_gen: write N bytes of deterministic mixed text (ASCII words, UTF-8
 * letters, newlines; no other control bytes) to stdout in 64 KiB writes.
 * usage: rec_gen BYTES [SEED] */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char *words[] = { "alpha", "beta", "gamma", "délta", "ε", "😀",
		"syscall", "read(3, ...)", "= 0", "[42]", "€uro", "→", "x" };
	long long want = argc > 1 ? atoll(argv[1]) : 1000000;
	uint32_t seed = argc > 2 ? (uint32_t)atol(argv[2]) : 1;
	static char buf[65536 + 64];
	size_t len = 0;
	long long done = 0;
	int col = 0;

	while (done < want) {
		seed = seed * 1103515245u + 12345u;
		const char *w = words[(seed >> 16) % (sizeof words / sizeof *words)];
		size_t n = strlen(w);
		memcpy(buf + len, w, n);
		len += n;
		col += (int)n;
		if (col > 70 || ((seed >> 8) & 31) == 0) {
			buf[len++] = '\n';
			col = 0;
		} else {
			buf[len++] = ' ';
		}
		if (len >= 65536 || done + (long long)len >= want) {
			size_t out = len;
			if (done + (long long)out > want) /* cut to size at a char boundary */
				out = (size_t)(want - done);
			while (out > 0 && out < len && ((unsigned char)buf[out] & 0xc0) == 0x80)
				out--;
			for (size_t off = 0; off < out;) {
				ssize_t k = write(1, buf + off, out - off);
				if (k <= 0)
					return 1;
				off += (size_t)k;
			}
			done += (long long)out;
			memmove(buf, buf + out, len - out);
			len -= out;
			if (done >= want || (out == 0 && len == 0))
				break;
		}
	}
	return 0;
}
