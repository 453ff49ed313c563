/* libFuzzer target for what play and dump do with a recording (issue 18):
 * the timeline index (timeline_load), the playhead feeding the screen (a
 * 2 MiB "o" event overflowed libvterm's stack: inputs go up to 3 MiB, and
 * a gzip input of 2 KB inflates to that), and the compositor with every
 * overlay (profile strip, syscall panel, timeline bar, status) drawn at
 * several times and rendered as ANSI, whose bytes are checked: no C1
 * control and no string sequence (OSC, DCS, APC, PM, SOS) may come out.
 * Only public headers are used, so the target survives rewrites of the
 * modules behind them. Input is written to a memfd, read by path. */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "player/compose.h"
#include "player/frame.h"
#include "player/playhead.h"
#include "player/sbuf.h"
#include "player/timeline.h"

#include "fuzz_max_len.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Default -max_len to 3 MiB (item 2 needs a 2 MiB event). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char max_len[] = "-max_len=3145728";

	setlocale(LC_CTYPE, "C.UTF-8");
	fuzz_default_max_len(argc, argv, max_len);
	return 0;
}

static void check_out(const sbuf_t *b)
{
	const unsigned char *p = (const unsigned char *)b->data;

	for (size_t i = 0; i + 1 < b->len; i++) {
		if (p[i] == 0xc2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
			abort(); /* a C1 control reached the output */
		if (p[i] == 0x1b && strchr("]P_^X", p[i + 1]))
			abort(); /* a string sequence reached the output */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	timeline_t *tl = NULL;
	playhead_t *ph = NULL;
	compose_t *c = NULL;
	frame_t *f = NULL;
	cast_error_t err;
	timeline_opts_t to = { .strict = false, .quiet = true };
	playhead_opts_t po = { .strict = false, .quiet = true };
	compose_opts_t co;
	sbuf_t b;
	int fd = memfd_create("fuzz", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (timeline_load(&tl, path, &to, &err) < 0)
		goto out;
	timeline_set_idle_limit(tl, size ? (double)(data[0] % 4) : 0);
	if (playhead_new(&ph, path, &po, &err) < 0)
		goto out;
	compose_opts_defaults(&co);
	co.errors_only = size > 1 && (data[1] & 1);
	if (!(c = compose_new(tl, &co)) || !(f = frame_new(100, 30)))
		goto out;
	sbuf_init(&b);
	int64_t times[4] = { 0, timeline_duration(tl) / 2, timeline_duration(tl), timeline_play_duration(tl) };
	for (int k = 0; k < 4; k++) {
		int64_t t = times[k] < 0 ? 0 : times[k];
		if (playhead_seek(ph, t, &err) < 0)
			break;
		compose_draw(c, f, playhead_screen(ph), t);
		for (unsigned r = 0; r < f->rows; r++)
			frame_row_ansi(f, (int)r, r & 1, &b);
		check_out(&b);
		sbuf_reset(&b);
		(void)timeline_from_play(tl, t);
		(void)timeline_marker_next(tl, t);
		(void)timeline_marker_prev(tl, t);
	}
	sbuf_cleanup(&b);
out:
	frame_free(f);
	compose_free(c);
	playhead_free(ph);
	timeline_free(tl);
	close(fd);
	return 0;
}
