/* play_floor: the floor for `tracecast dump --at end`, the same "o" bytes
 * fed into a bare libvterm with nothing else around it.
 *
 *   play_floor extract CAST RAW   write the "o" data of CAST (and its "r"
 *                                 resizes) as records: u8 kind ('o' or
 *                                 'r'), u32 length, bytes (uses the reader
 *                                 once, outside the timed part)
 *   play_floor feed RAW COLS ROWS read RAW with large reads and feed each
 *                                 "o" record to vterm_input_write (resizes
 *                                 applied), as the player does, then read
 *                                 every cell once; prints the bytes fed
 *
 * The timed command is `feed`: no JSON, no unescaping, no index. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vterm.h>

#include "tracecast/cast_reader.h"

static void floor_drop(const char *s, size_t len, void *user)
{
	(void)s;
	(void)len;
	(void)user;
}

static int floor_extract(const char *cast, const char *raw)
{
	cast_reader_t *r = NULL;
	cast_error_t err;
	cast_event_t ev;
	FILE *out = fopen(raw, "wb");
	int rc;

	if (!out || cast_reader_open(&r, cast, &err) < 0) {
		fprintf(stderr, "play_floor: cannot open %s or %s\n", cast, raw);
		return 1;
	}
	while ((rc = cast_reader_next(r, &ev, &err)) != 0) {
		if (rc < 0 && rc != CAST_ERR_SYNTAX)
			break;
		if (rc < 0 || (strcmp(ev.code, "o") && strcmp(ev.code, "r")))
			continue;
		uint8_t kind = (uint8_t)ev.code[0];
		uint32_t len = (uint32_t)ev.data_len;
		fwrite(&kind, 1, 1, out);
		fwrite(&len, sizeof(len), 1, out);
		fwrite(ev.data, 1, ev.data_len, out);
	}
	cast_reader_free(r);
	return fclose(out) == 0 ? 0 : 1;
}

static int floor_feed(const char *raw, int cols, int rows)
{
	int fd = open(raw, O_RDONLY);
	size_t cap = (size_t)4 << 20, len = 0, pos = 0;
	char *buf = malloc(cap);
	uint64_t fed = 0;

	if (fd < 0 || !buf)
		return 1;
	VTerm *vt = vterm_new(rows, cols);
	vterm_set_utf8(vt, 1);
	vterm_output_set_callback(vt, floor_drop, NULL);
	VTermScreen *vs = vterm_obtain_screen(vt);
	vterm_screen_enable_altscreen(vs, 1);
	vterm_screen_reset(vs, 1);
	for (;;) {
		if (len - pos < 5 || len - pos < 5 + *(uint32_t *)(void *)(buf + pos + 1)) {
			/* keep the partial record, refill */
			memmove(buf, buf + pos, len - pos);
			len -= pos;
			pos = 0;
			if (len >= 5) {
				uint32_t need;
				memcpy(&need, buf + 1, sizeof(need));
				if (need + 5 > cap) {
					cap = need + 5;
					buf = realloc(buf, cap);
				}
			}
			ssize_t n = read(fd, buf + len, cap - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			continue;
		}
		uint32_t n;
		memcpy(&n, buf + pos + 1, sizeof(n));
		if (buf[pos] == 'o') {
			vterm_input_write(vt, buf + pos + 5, n);
			fed += n;
		} else {
			char size[32];
			int c, r;
			snprintf(size, sizeof(size), "%.*s", (int)(n < 31 ? n : 31), buf + pos + 5);
			if (sscanf(size, "%dx%d", &c, &r) == 2 && c > 0 && r > 0)
				vterm_set_size(vt, r, c);
		}
		pos += 5 + n;
	}
	/* read the screen once, as dump does */
	int vr, vc;
	unsigned long sum = 0;
	vterm_get_size(vt, &vr, &vc);
	for (int r = 0; r < vr; r++)
		for (int c = 0; c < vc; c++) {
			VTermScreenCell cell;
			VTermPos p = { .row = r, .col = c };
			vterm_screen_get_cell(vs, p, &cell);
			sum += cell.chars[0];
		}
	printf("fed %llu bytes (cells sum %lu)\n", (unsigned long long)fed, sum);
	vterm_free(vt);
	free(buf);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "extract"))
		return floor_extract(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "feed"))
		return floor_feed(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: play_floor extract CAST RAW | feed RAW COLS ROWS\n");
	return 2;
}
